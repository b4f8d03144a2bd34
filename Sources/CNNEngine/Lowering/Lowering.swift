import CNNModel

/// An analysed graph lowered once into what its layers compute: per layer, the kernel to run
/// with its geometry and its parameter tensors resolved from `Weights` (through the parameter
/// specs, so no interpreter looks tensors up by name).
///
/// Both interpreters start here: the `Executor` adds fusion, kernel choice and buffer sharing
/// for inference, the `Trainer` adds batches, saved statistics and the backward pass. Adding an
/// op means one case in `Kernel`, one in `Step.forward`, and one in the trainer's backward.
public struct Lowering {
    public let analysis: ModelAnalysis
    /// Indexed like `analysis.graph.layers`.
    public let steps: [Step]

    /// One layer as it runs.
    public struct Step {
        public let layer: Int
        /// Ids of the layers whose outputs it reads, in order.
        public let inputs: [Int]
        public let kernel: Kernel
        /// Floats of one sample's output, and of each input's.
        public let outputCount: Int
        public let inputCounts: [Int]
    }

    /// What a layer computes, with everything its kernel needs. The shapes are per sample.
    public enum Kernel {
        case input
        case conv(ConvGeometry, weight: Tensor, bias: Tensor?)
        case dense(inFeatures: Int, outFeatures: Int, weight: Tensor, bias: Tensor?)
        case batchNorm(BatchNormParameters)
        case localResponseNorm(LocalResponseNorm, channels: Int, pixels: Int)
        /// Over the channels at each pixel.
        case layerNorm(weight: Tensor, bias: Tensor, epsilon: Float, channels: Int, pixels: Int)
        case channelScale(weight: Tensor, channels: Int, pixels: Int)
        case channelShift(bias: Tensor, channels: Int, pixels: Int)
        case affine(scale: Float, shift: Float)
        /// `channels` and `pixels` are the input's: softmax runs over channels at each pixel.
        case activation(Activation, channels: Int, pixels: Int)
        case pool(Pool2D.Kind, PoolGeometry)
        /// Global average pooling is the `1x1` case.
        case adaptiveAvgPool(channels: Int, input: Size2, output: Size2)
        /// The values unchanged under a new shape.
        case flatten
        case dropout(probability: Float)
        /// Identity, and stochastic depth (which the engine runs as identity in training too).
        case identity
        case concat
        case add
        case multiply(aShape: [Int], bShape: [Int])
        case subtract
        /// One sample's output is the input's floats from `offset` on.
        case channelSlice(offset: Int)
        case channelShuffle(groups: Int, channels: Int, pixels: Int)
        /// Zero padding, or cropping (`crop`) of `[channels, height, width]` inputs.
        case pad(Pad4, crop: Bool, channels: Int, height: Int, width: Int)
    }

    /// A batchnorm's tensors and settings; `gamma` and `beta` are nil without `affine`.
    public struct BatchNormParameters {
        public let gamma, beta: Tensor?
        public let mean, variance: Tensor
        public let epsilon, momentum: Float
        public let channels, pixels: Int
    }

    /// Lowers `analysis`'s graph over `weights`, after checking that they are the graph's.
    public init(analysis: ModelAnalysis, weights: Weights) throws(EngineError) {
        try Weights.checkSizes(analysis)
        try weights.validate(for: analysis)
        self.analysis = analysis
        steps = analysis.graph.layers.map { layer in
            let a = analysis.layers[layer.id]
            return Step(
                layer: layer.id, inputs: layer.inputs, kernel: Self.kernel(layer, a, weights: weights, analysis: analysis),
                outputCount: a.outputShape.elementCount ?? 0, inputCounts: a.inputShapes.map { $0.elementCount ?? 0 })
        }
    }

    private static func kernel(_ layer: Layer, _ a: LayerAnalysis, weights: Weights, analysis: ModelAnalysis) -> Kernel {
        let input = a.inputShapes.first ?? a.outputShape
        let (channels, pixels) = (input.channels, input.height * input.width)
        /// `validate` has checked that every tensor the specs ask for is there.
        func tensor(_ role: ParameterSpec.Role) -> Tensor? { weights.tensor(layer: layer.id, role: role, in: analysis) }
        switch layer.op {
        case .input:
            return .input
        case .conv2d(let c):
            let g = ConvGeometry(c, input: input, output: a.outputShape, padding: a.padding ?? .zero)
            return .conv(g, weight: tensor(.weight)!, bias: tensor(.bias))
        case .dense(let d) where input.isSpatial:
            // The same product at every position: a 1x1 convolution over the [out, in] weights.
            let conv = Conv2D(filters: d.outFeatures, kernel: Size2(1), bias: d.bias)
            return .conv(ConvGeometry(conv, input: input, output: a.outputShape, padding: .zero), weight: tensor(.weight)!, bias: tensor(.bias))
        case .dense(let d):
            return .dense(inFeatures: input.channels, outFeatures: d.outFeatures, weight: tensor(.weight)!, bias: tensor(.bias))
        case .batchNorm(let bn):
            return .batchNorm(
                BatchNormParameters(
                    gamma: tensor(.weight), beta: tensor(.bias), mean: tensor(.runningMean)!, variance: tensor(.runningVar)!,
                    epsilon: Float(bn.epsilon), momentum: Float(bn.momentum), channels: channels, pixels: pixels))
        case .localResponseNorm(let l):
            return .localResponseNorm(l, channels: channels, pixels: pixels)
        case .layerNorm(let ln):
            return .layerNorm(weight: tensor(.weight)!, bias: tensor(.bias)!, epsilon: Float(ln.epsilon), channels: channels, pixels: pixels)
        case .channelScale:
            return .channelScale(weight: tensor(.weight)!, channels: channels, pixels: pixels)
        case .channelShift:
            return .channelShift(bias: tensor(.bias)!, channels: channels, pixels: pixels)
        case .affine(let scale, let shift):
            return .affine(scale: Float(scale), shift: Float(shift))
        case .activation(let kind):
            return .activation(kind, channels: channels, pixels: pixels)
        case .pool(let p):
            return .pool(p.kind, PoolGeometry(p, input: input, output: a.outputShape, padding: a.padding ?? .zero))
        case .globalAvgPool:
            return .adaptiveAvgPool(channels: channels, input: input.spatial, output: Size2(1, 1))
        case .globalMaxPool:
            // A max pool whose one window is the whole map; its output is C floats either way.
            let pool = Pool2D(.max, kernel: input.spatial, stride: input.spatial)
            let output = TensorShape(channels: channels, height: 1, width: 1)
            return .pool(.max, PoolGeometry(pool, input: input, output: output, padding: .zero))
        case .adaptiveAvgPool(let size):
            return .adaptiveAvgPool(channels: channels, input: input.spatial, output: size)
        case .flatten, .reshape:
            return .flatten
        case .dropout(let p):
            return .dropout(probability: Float(p))
        case .stochasticDepth, .identity:
            return .identity
        case .concat:
            return .concat
        case .add:
            return .add
        case .multiply:
            return .multiply(aShape: a.inputShapes[0].dims, bShape: a.inputShapes[1].dims)
        case .subtract:
            return .subtract
        case .channelSlice(let start, _):
            return .channelSlice(offset: start * (input.elementCount ?? 0) / max(1, input.channels))
        case .channelShuffle(let groups):
            return .channelShuffle(groups: groups, channels: channels, pixels: pixels)
        case .zeroPad(let p):
            return .pad(p, crop: false, channels: channels, height: input.height, width: input.width)
        case .crop(let p):
            return .pad(p, crop: true, channels: channels, height: input.height, width: input.width)
        }
    }
}

extension Lowering.Step {
    /// Floats of scratch space `forward` needs for one sample.
    public var workspaceCount: Int {
        switch kernel {
        case .conv(let g, _, _): return g.workspaceCount
        case .pool(_, let g): return g.scratchCount
        default: return 0
        }
    }
}
