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
    /// nil if a count overflows.
    func cost(input: TensorShape, output: TensorShape) -> LayerCost? {
        switch self {
        case .conv2d(let c):
            guard let weights = checkedProduct([c.filters, input.channels / c.groups, c.kernel.h, c.kernel.w]),
                  let params = checkedSum([weights, c.bias ? c.filters : 0]),
                  let macs = checkedProduct([params, output.height, output.width])
            else { return nil }
            return LayerCost(trainableParams: params, nonTrainableParams: 0, macs: macs)
        case .dense(let d):
            guard let weights = checkedProduct([input.channels, d.outFeatures]),
                  let params = checkedSum([weights, d.bias ? d.outFeatures : 0])
            else { return nil }
            return LayerCost(trainableParams: params, nonTrainableParams: 0, macs: params)
        case .batchNorm(let bn):
            let affine = bn.affine ? 2 * input.channels : 0
            return LayerCost(trainableParams: affine, nonTrainableParams: 2 * input.channels, macs: affine)
        default:
            return .zero
        }
    }
}
