import CKernels
import CNNModel

/// Runs a forward pass of an analysed graph, one sample at a time, layer by layer.
///
/// Buffers are allocated once, when the executor is made for a model and input size; running
/// allocates nothing. Without `fuse`, every layer's output stays available for display. 3x3 stride-1
/// convolutions run as Winograd F(2x2, 3x3), those onto maps of at most 64 pixels through the
/// narrow GEMM (with AVX-512), the others as im2col + SGEMM.
///
/// With `fuse` (the default), work that the graph writes as separate layers is merged where no
/// one can tell: a batchnorm that directly follows a convolution (its only reader) is folded
/// into the convolution's weights, and a ReLU or ReLU6 whose input only it reads is applied by
/// the convolution or residual add before it as that writes its output. The merged layer's
/// output is then the merging layer's buffer, holding the later value, and buffers are shared
/// between layers whose lifetimes do not overlap. Layers in `keeping` are left unmerged and
/// keep their buffers, so that their own outputs stay exact (the feature-map screen passes
/// `fuse: false`, `run --layers` keeps the layers it writes).
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
        var count: Int
        var inputCounts: [Int]
        var inputDims: [[Int]]
    }
    private let workspace: UnsafeMutablePointer<Float>
    private let workspaceCount: Int

    /// A convolution as it runs: its weights (batchnorm folded in, or Winograd-transformed) and
    /// the activation it applies as it writes.
    struct ConvStep {
        var geometry: ConvGeometry
        var weight: Tensor
        var bias: Tensor?
        var clamp: ActivationClamp = .identity
        /// `U[16][Cout][Cin]` when the convolution runs as Winograd F(2x2, 3x3).
        var winogradWeight: Tensor?
        /// The weights packed for the narrow GEMM, when it runs that way.
        var narrowWeight: Tensor?

        var workspaceCount: Int {
            if winogradWeight != nil { return geometry.winogradWorkspaceCount }
            if narrowWeight != nil { return geometry.narrowWorkspaceCount }
            return geometry.workspaceCount
        }
    }

    /// What one layer does at run time, prepared once.
    enum Step {
        case input
        case conv(ConvStep)
        case dense(in: Int, out: Int, weight: Tensor, bias: Tensor?)
        case batchNorm(gamma: Tensor?, beta: Tensor?, mean: Tensor, variance: Tensor, epsilon: Float)
        case pool(Pool2D.Kind, PoolGeometry)
        case add(ActivationClamp)
        /// Output shares the buffer of the first input (dropout, identity, a folded batchnorm,
        /// a fused activation).
        case alias
        case other
    }

    public init(analysis: ModelAnalysis, weights: Weights, fuse: Bool = true, keeping kept: Set<Int> = []) throws(EngineError) {
        try weights.validate(for: analysis)
        self.analysis = analysis
        self.weights = weights
        let graph = analysis.graph
        let consumers = graph.consumers
        /// Whether `layer`'s output may be overwritten by, or merged into, its only reader.
        func mergeable(_ layer: Int) -> Bool { fuse && !kept.contains(layer) && consumers[layer].count == 1 }

        for layer in graph.layers {
            let a = analysis.layers[layer.id]
            let module = layer.module ?? layer.name
            switch layer.op {
            case .input:
                steps.append(.input)
            case .conv2d(let c):
                let g = ConvGeometry(c, input: a.inputShapes[0], output: a.outputShape, padding: a.padding ?? .zero)
                steps.append(.conv(ConvStep(geometry: g, weight: weights["\(module).weight"]!,
                                            bias: c.bias ? weights["\(module).bias"] : nil)))
            case .dense(let d):
                steps.append(.dense(in: a.inputShapes[0].channels, out: d.outFeatures, weight: weights["\(module).weight"]!,
                                    bias: d.bias ? weights["\(module).bias"] : nil))
            case .batchNorm(let bn):
                let gamma = bn.affine ? weights["\(module).weight"] : nil
                let beta = bn.affine ? weights["\(module).bias"] : nil
                let mean = weights["\(module).running_mean"]!, variance = weights["\(module).running_var"]!
                let source = layer.inputs[0]
                if mergeable(source), case .conv(let conv) = steps[source] {
                    steps[source] = .conv(Self.fold(conv, gamma: gamma, beta: beta, mean: mean, variance: variance,
                                                    epsilon: Float(bn.epsilon)))
                    steps.append(.alias)
                } else {
                    steps.append(.batchNorm(gamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: Float(bn.epsilon)))
                }
            case .pool(let p):
                steps.append(.pool(p.kind, PoolGeometry(p, input: a.inputShapes[0], output: a.outputShape, padding: a.padding ?? .zero)))
            case .add:
                steps.append(.add(.identity))
            case .activation(let kind):
                if let clamp = ActivationClamp(kind), let producer = Self.fusionTarget(layer.inputs[0], graph: graph, steps: steps, mergeable: mergeable) {
                    switch steps[producer] {
                    case .conv(var conv):
                        conv.clamp = clamp
                        steps[producer] = .conv(conv)
                    default:
                        steps[producer] = .add(clamp)
                    }
                    steps.append(.alias)
                } else {
                    steps.append(.other)
                }
            case .dropout, .stochasticDepth, .identity:
                steps.append(.alias)
            default:
                steps.append(.other)
            }
        }
        let maxWorkspace = Self.prepareKernels(&steps)
        outputs = Self.planBuffers(analysis, steps: steps, sharing: fuse, pinned: kept)
        let buffers = outputs.map(\.data)
        for layer in graph.layers {
            let a = analysis.layers[layer.id]
            operands.append(Operands(
                inputs: layer.inputs.map { UnsafePointer(buffers[$0]) }, output: buffers[layer.id],
                inShape: a.inputShapes.first ?? a.outputShape, count: outputs[layer.id].count,
                inputCounts: a.inputShapes.map { $0.elementCount ?? 0 }, inputDims: a.inputShapes.map(\.dims)))
        }
        workspaceCount = maxWorkspace
        workspace = .allocate(capacity: maxWorkspace)
        workspace.initialize(repeating: 0, count: maxWorkspace)
    }

    deinit {
        workspace.deallocate()
    }

    /// Floats held by the layers' output buffers (each shared buffer counted once).
    public var activationFloats: Int {
        var seen = Set<UnsafeMutablePointer<Float>>()
        var total = 0
        for t in outputs where seen.insert(t.data).inserted { total += t.count }
        return total
    }

    /// The layers that run through the narrow GEMM (AVX-512 machines only).
    public var narrowGEMMLayers: [Int] { convolutions { $0.narrowWeight != nil } }

    /// The layers that run as Winograd F(2x2, 3x3).
    public var winogradLayers: [Int] { convolutions { $0.winogradWeight != nil } }

    /// The convolution layers whose prepared step satisfies `test`.
    private func convolutions(_ test: (ConvStep) -> Bool) -> [Int] {
        steps.indices.filter { if case .conv(let c) = steps[$0] { return test(c) } else { return false } }
    }

    /// The output of `layer` for the current input (valid once `computedThrough >= layer`). With
    /// `fuse`, only the input, the final layer, the `keeping` layers and the layer computed last
    /// are sure to hold their own values: the others' buffers are reused.
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
        case .conv(let conv):
            let bias = conv.bias.map { UnsafePointer($0.data) }
            if let transformed = conv.winogradWeight {
                winogradConv2dForward(output: out, input: o.inputs[0], transformedWeight: transformed.data, bias: bias,
                                      geometry: conv.geometry, clamp: conv.clamp, workspace: workspace)
            } else if let packed = conv.narrowWeight {
                conv2dNarrowForward(output: out, input: o.inputs[0], packedWeight: packed.data, bias: bias,
                                    geometry: conv.geometry, clamp: conv.clamp, workspace: workspace)
            } else {
                conv2dForward(output: out, input: o.inputs[0], weight: conv.weight.data, bias: bias,
                              geometry: conv.geometry, clamp: conv.clamp, workspace: workspace)
            }
        case .pool(let kind, let g):
            pool2dForward(kind, output: out, input: o.inputs[0], geometry: g, scratch: workspace)
        case .add(let clamp):
            if o.inputs.count == 2 {
                cnn_add_clamp(out, o.inputs[0], o.inputs[1], o.count, clamp.lower, clamp.upper)
            } else {
                addForward(output: out, inputs: o.inputs, count: o.count)
                if !clamp.isIdentity { cnn_bias_clamp(out, nil, 1, o.count, clamp.lower, clamp.upper) }
            }
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
        let (out, inputs, inShape, count) = (o.output, o.inputs, o.inShape, o.count)
        switch op {
        case .activation(.softmax):
            softmaxForward(output: out, input: inputs[0], channels: inShape.channels, pixels: inShape.height * inShape.width)
        case .activation(let kind):
            activationForward(kind, output: out, input: inputs[0], count: count)
        case .localResponseNorm(let l):
            localResponseNormForward(output: out, input: inputs[0], channels: inShape.channels,
                                     pixels: inShape.height * inShape.width, parameters: l)
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
        case .multiply:
            multiplyForward(output: out, a: inputs[0], aShape: o.inputDims[0], b: inputs[1], bShape: o.inputDims[1])
        case .zeroPad(let p):
            padForward(output: out, input: inputs[0], channels: inShape.channels, height: inShape.height, width: inShape.width, padding: p, crop: false)
        case .crop(let p):
            padForward(output: out, input: inputs[0], channels: inShape.channels, height: inShape.height, width: inShape.width, padding: p, crop: true)
        case .input, .conv2d, .dense, .batchNorm, .dropout, .stochasticDepth, .identity, .pool, .add:
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
