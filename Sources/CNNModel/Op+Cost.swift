/// Parameters and multiply-adds of one layer.
///
/// Mult-adds are counted as torchinfo 1.8 counts them, so totals match its "Total mult-adds":
/// a convolution's weights and bias times the output's spatial size, any other layer's
/// parameters once (a dense layer's `in*out + out`, a batchnorm's `2C`), and zero for layers
/// without parameters (pooling, activations, adds).
public struct LayerCost: Hashable, Sendable {
    public var trainableParams: Int
    /// Batchnorm running mean and variance: counted as Keras counts them.
    public var nonTrainableParams: Int
    public var macs: Int

    public static let zero = LayerCost(trainableParams: 0, nonTrainableParams: 0, macs: 0)

    public var params: Int { trainableParams + nonTrainableParams }
}

extension Op {
    /// The cost for a layer reading `input` (its first input) and producing `output`;
    /// nil if a count overflows. The counts are those of `parameters(input:)`.
    func cost(input: TensorShape, output: TensorShape) -> LayerCost? {
        var trainable = 0, nonTrainable = 0
        for tensor in parameters(input: input) {
            guard let count = tensor.elementCount,
                let sum = checkedSum([tensor.isTrainable ? trainable : nonTrainable, count])
            else { return nil }
            if tensor.isTrainable { trainable = sum } else { nonTrainable = sum }
        }
        let macs: Int
        switch self {
        case .conv2d:
            guard let m = checkedProduct([trainable, output.height, output.width]) else { return nil }
            macs = m
        case .channelScale, .channelShift:
            // torchinfo counts the products of parameters named weight or bias only: ConvNeXt's
            // layer_scale belongs to its block and adds none, and a file's per-channel constants
            // belong to no module.
            macs = 0
        default:
            macs = trainable
        }
        return LayerCost(trainableParams: trainable, nonTrainableParams: nonTrainable, macs: macs)
    }
}
