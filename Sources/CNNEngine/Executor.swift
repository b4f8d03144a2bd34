import CNNModel

/// Runs a forward pass of an analysed graph, one sample at a time, layer by layer.
///
/// Buffers are allocated once, when the executor is made for a model and input size; running
/// allocates nothing. Every layer's output stays available for display. Batchnorm layers that
/// directly follow a convolution (and are its only reader) are folded into the convolution's
/// weights, so they cost nothing at run time; their output is the convolution's buffer.
public final class Executor {
    public let analysis: ModelAnalysis
    public let weights: Weights
    /// Layers computed so far for the current input, in order; -1 before the first.
    public private(set) var computedThrough = -1

    private var outputs: [Tensor] = []
    private var steps: [Step] = []
    /// Per layer, what `compute` reads, resolved once so that running allocates nothing.
    private var operands: [Operands] = []

    private struct Operands {
        var inputs: [UnsafePointer<Float>]
        var output: UnsafeMutablePointer<Float>
        var inShape: TensorShape
        var outShape: TensorShape
        var count: Int
        var inputCounts: [Int]
        var inputDims: [[Int]]
        var padding: Pad4
    }
    private let workspace: UnsafeMutablePointer<Float>
    private let workspaceCount: Int

    /// What one layer does at run time, prepared once.
    private enum Step {
        case input
        case conv(ConvGeometry, weight: Tensor, bias: Tensor?)
        case dense(in: Int, out: Int, weight: Tensor, bias: Tensor?)
        case batchNorm(gamma: Tensor?, beta: Tensor?, mean: Tensor, variance: Tensor, epsilon: Float)
        /// Output shares the buffer of the first input (dropout, identity, a folded batchnorm).
        case alias
        case other
    }

    public init(analysis: ModelAnalysis, weights: Weights, foldBatchNorm: Bool = true) throws(EngineError) {
        try weights.validate(for: analysis)
        self.analysis = analysis
        self.weights = weights
        let graph = analysis.graph
        let consumers = graph.consumers

        var maxWorkspace = 1
        for layer in graph.layers {
            let a = analysis.layers[layer.id]
            let module = layer.module ?? layer.name
            switch layer.op {
            case .input:
                steps.append(.input)
            case .conv2d(let c):
                let g = ConvGeometry(c, input: a.inputShapes[0], output: a.outputShape, padding: a.padding ?? .zero)
                maxWorkspace = max(maxWorkspace, g.workspaceCount)
                steps.append(.conv(g, weight: weights["\(module).weight"]!, bias: c.bias ? weights["\(module).bias"] : nil))
            case .dense(let d):
                steps.append(.dense(in: a.inputShapes[0].channels, out: d.outFeatures, weight: weights["\(module).weight"]!,
                                    bias: d.bias ? weights["\(module).bias"] : nil))
            case .batchNorm(let bn):
                let gamma = bn.affine ? weights["\(module).weight"] : nil
                let beta = bn.affine ? weights["\(module).bias"] : nil
                let mean = weights["\(module).running_mean"]!, variance = weights["\(module).running_var"]!
                let source = layer.inputs[0]
                if foldBatchNorm, case .conv(let g, let w, let b) = steps[source], consumers[source] == [layer.id] {
                    steps[source] = Self.fold(g, weight: w, bias: b, gamma: gamma, beta: beta, mean: mean,
                                              variance: variance, epsilon: Float(bn.epsilon))

                    steps.append(.alias)
                } else {
                    steps.append(.batchNorm(gamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: Float(bn.epsilon)))
                }
            case .dropout, .stochasticDepth, .identity:
                steps.append(.alias)
            default:
                steps.append(.other)
            }
        }
        for layer in graph.layers {
            if case .alias = steps[layer.id] {
                let source = outputs[layer.inputs[0]]
                outputs.append(source)
            } else {
                outputs.append(Tensor(analysis.layers[layer.id].outputShape))
            }
        }
        let buffers = outputs.map(\.data)
        for layer in graph.layers {
            let a = analysis.layers[layer.id]
            operands.append(Operands(
                inputs: layer.inputs.map { UnsafePointer(buffers[$0]) }, output: buffers[layer.id],
                inShape: a.inputShapes.first ?? a.outputShape, outShape: a.outputShape, count: outputs[layer.id].count,
                inputCounts: a.inputShapes.map { $0.elementCount ?? 0 }, inputDims: a.inputShapes.map(\.dims),
                padding: a.padding ?? .zero))
        }
        workspaceCount = maxWorkspace
        workspace = .allocate(capacity: maxWorkspace)
        workspace.initialize(repeating: 0, count: maxWorkspace)
    }

    deinit {
        workspace.deallocate()
    }

    /// Batchnorm after a convolution, folded into it: `w' = w·s`, `b' = (b - mean)·s + beta`
    /// with `s = gamma / sqrt(var + eps)` per output channel.
    private static func fold(
        _ g: ConvGeometry, weight: Tensor, bias: Tensor?, gamma: Tensor?, beta: Tensor?, mean: Tensor,
        variance: Tensor, epsilon: Float
    ) -> Step {
        let w = Tensor(shape: weight.shape)
        let b = Tensor(shape: [g.outChannels])
        let perFilter = weight.count / g.outChannels
        for c in 0..<g.outChannels {
            let s = (gamma?[c] ?? 1) / (variance[c] + epsilon).squareRoot()
            for i in 0..<perFilter { w[c * perFilter + i] = weight[c * perFilter + i] * s }
            b[c] = ((bias?[c] ?? 0) - mean[c]) * s + (beta?[c] ?? 0)
        }
        var folded = g
        folded.hasBias = true
        return .conv(folded, weight: w, bias: b)
    }

    /// The output of `layer` for the current input (valid once `computedThrough >= layer`).
    public func output(_ layer: Int) -> Tensor {
        outputs[layer]
    }

    /// Sets the input and forgets what was computed for the previous one.
    public func setInput(_ input: Tensor) throws(EngineError) {
        let expected = outputs[0].shape
        guard input.shape == expected else { throw .wrongInput(expected: expected, got: input.shape) }
        outputs[0].data.update(from: input.data, count: input.count)
        computedThrough = 0
    }

    /// Computes the layers after `computedThrough` up to `last` (the whole graph when nil),
    /// reusing what is already computed. Checks `isCancelled` between layers and reports each
    /// finished layer to `progress`. Returns false when cancelled.
    @discardableResult
    public func run(through last: Int? = nil, isCancelled: () -> Bool = { false }, progress: (Int) -> Void = { _ in }) -> Bool {
        precondition(computedThrough >= 0, "setInput first")
        let end = last ?? (steps.count - 1)
        while computedThrough < end {
            if isCancelled() { return false }
            let id = computedThrough + 1
            compute(id)
            computedThrough = id
            progress(id)
        }
        return true
    }

    private func compute(_ id: Int) {
        let o = operands[id]
        let out = o.output
        switch steps[id] {
        case .input, .alias:
            return
        case .conv(let g, let weight, let bias):
            conv2dForward(output: out, input: o.inputs[0], weight: weight.data, bias: bias.map { UnsafePointer($0.data) },
                          geometry: g, workspace: workspace)
        case .dense(let inFeatures, let outFeatures, let weight, let bias):
            denseForward(output: out, input: o.inputs[0], weight: weight.data, bias: bias.map { UnsafePointer($0.data) },
                         inFeatures: inFeatures, outFeatures: outFeatures)
        case .batchNorm(let gamma, let beta, let mean, let variance, let epsilon):
            batchNormForward(output: out, input: o.inputs[0], channels: o.inShape.channels, pixels: o.inShape.height * o.inShape.width,
                             gamma: gamma.map { UnsafePointer($0.data) }, beta: beta.map { UnsafePointer($0.data) },
                             mean: mean.data, variance: variance.data, epsilon: epsilon)
        case .other:
            computeOther(analysis.graph.layers[id].op, o)
        }
    }

    private func computeOther(_ op: Op, _ o: Operands) {
        let (out, inputs, inShape, outShape, count) = (o.output, o.inputs, o.inShape, o.outShape, o.count)
        switch op {
        case .activation(.softmax):
            softmaxForward(output: out, input: inputs[0], channels: inShape.channels, pixels: inShape.height * inShape.width)
        case .activation(let kind):
            activationForward(kind, output: out, input: inputs[0], count: count)
        case .localResponseNorm(let l):
            localResponseNormForward(output: out, input: inputs[0], channels: inShape.channels,
                                     pixels: inShape.height * inShape.width, parameters: l)
        case .pool(let p):
            let g = PoolGeometry(p, input: inShape, output: outShape, padding: o.padding)
            if p.kind == .max { maxPool2dForward(output: out, input: inputs[0], geometry: g) }
            else { avgPool2dForward(output: out, input: inputs[0], geometry: g) }
        case .globalAvgPool:
            adaptiveAvgPool2dForward(output: out, input: inputs[0], channels: inShape.channels,
                                     inHeight: inShape.height, inWidth: inShape.width, outHeight: 1, outWidth: 1)
        case .adaptiveAvgPool(let size):
            adaptiveAvgPool2dForward(output: out, input: inputs[0], channels: inShape.channels,
                                     inHeight: inShape.height, inWidth: inShape.width, outHeight: size.h, outWidth: size.w)
        case .flatten:
            out.update(from: inputs[0], count: count)
        case .concat:
            concatForward(output: out, inputs: inputs, counts: o.inputCounts)
        case .add:
            addForward(output: out, inputs: inputs, count: count)
        case .multiply:
            multiplyForward(output: out, a: inputs[0], aShape: o.inputDims[0], b: inputs[1], bShape: o.inputDims[1])
        case .zeroPad(let p):
            padForward(output: out, input: inputs[0], channels: inShape.channels, height: inShape.height, width: inShape.width, padding: p, crop: false)
        case .crop(let p):
            padForward(output: out, input: inputs[0], channels: inShape.channels, height: inShape.height, width: inShape.width, padding: p, crop: true)
        case .input, .conv2d, .dense, .batchNorm, .dropout, .stochasticDepth, .identity:
            preconditionFailure("\(op.typeName) has its own step")
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// How long one layer took.
public struct LayerTiming: Hashable, Sendable {
    public let layer: Int
    public let seconds: Double
}

extension Executor {
    /// Runs the remaining layers one at a time, timing each.
    public func runProfiled() -> [LayerTiming] {
        var timings: [LayerTiming] = []
        while computedThrough < analysis.graph.layers.count - 1 {
            let id = computedThrough + 1
            let start = monotonicSeconds()
            run(through: id)
            timings.append(LayerTiming(layer: id, seconds: monotonicSeconds() - start))
        }
        return timings
    }
}

/// Seconds on a monotonic clock.
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
