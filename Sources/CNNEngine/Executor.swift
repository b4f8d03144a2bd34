import CKernels
import CNNModel

/// Runs a forward pass of an analysed graph, one sample at a time, layer by layer, over the
/// graph's `Lowering` (the steps the trainer runs too).
///
/// Buffers are allocated once, when the executor is made for a model and input size; running
/// allocates nothing. Without `fuse`, every layer's output stays available for display. 3x3 stride-1
/// convolutions run as Winograd F(2x2, 3x3), those onto maps of at most 64 pixels through the
/// narrow GEMM (with AVX-512), the other ungrouped ones as im2col (none for 1x1) and the
/// packed-weight GEMM (with AVX-512; SGEMM elsewhere).
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
    /// Per layer, the buffers `compute` reads and writes, resolved once so that running allocates nothing.
    private var operands: [Operands] = []

    private struct Operands {
        var inputs: [UnsafePointer<Float>]
        var output: UnsafeMutablePointer<Float>
        var count: Int
    }
    private let workspace: UnsafeMutablePointer<Float>
    private let workspaceCount: Int
    /// The shares a layer may be split into: `EngineThreads.shares` when the executor was made,
    /// each with `workspaceCount` floats of workspace.
    private let shares: Int

    /// A convolution as it runs: its weights (batchnorm folded in, or Winograd-transformed) and
    /// the activation it applies as it writes.
    struct ConvStep {
        var geometry: ConvGeometry
        var weight: Tensor
        var bias: Tensor?
        var clamp: ActivationClamp = .identity
        /// `U[16][Cout][Cin]` when the convolution runs as Winograd F(2x2, 3x3), packed for
        /// `winogradProducts`.
        var winogradWeight: Tensor?
        var winogradProducts = WinogradProducts.sgemm
        var winogradTile = WinogradTile.f2
        /// The weights packed for the narrow GEMM, when it runs that way.
        var narrowWeight: Tensor?
        /// The weights packed for the packed-weight GEMM (AVX-512), when it runs that way.
        var packedWeight: Tensor?
        /// The inverted residual block this step computes whole, when fused: a depthwise
        /// convolution with its expansion, or a projection with the depthwise convolution (and
        /// expansion) before it. Its input is then the block's.
        var block: InvertedResidual?
        /// The layer whose output this convolution adds before its clamp (the other input of a
        /// residual add, computed before it), when the add was merged into it.
        var residual: Int?
        /// The layer whose `[Cin]` values scale this 1x1 convolution's input channels (a
        /// squeeze-and-excitation's excitation), when the multiply was merged into it: the
        /// packed weights are scaled instead, `W·diag(s)`, once per pass.
        var channelScale: Int?

        /// The layers this step reads besides its input: the merged shortcut and channel scale.
        var mergedReads: [Int] { [residual, channelScale].compactMap { $0 } }

        var workspaceCount: Int {
            if let block { return block.workspaceCount }
            if channelScale != nil { return geometry.packedWeightCount + geometry.workspaceCount }
            if winogradWeight != nil { return geometry.winogradWorkspaceCount(winogradTile) }
            if narrowWeight != nil { return geometry.narrowWorkspaceCount }
            return geometry.workspaceCount
        }
    }

    /// What one layer does at run time: the lowered step, or what fusion made of it.
    enum Step {
        case conv(ConvStep)
        case add(ActivationClamp)
        /// Output shares the buffer of the first input (dropout, identity, a folded batchnorm,
        /// a fused activation).
        case alias
        /// A layer that another layer computes (`reader`): an inverted residual block's, a
        /// squeeze-and-excitation multiply merged into the projection after it, a residual add
        /// merged into the convolution on its second input. As an alias, its output is the buffer
        /// of its input number `passing`.
        case computedBy(reader: Int, passing: Int = 0)
        /// An element-wise activation (SiLU, sigmoid, ...) that overwrites its input, which
        /// nothing else reads: its output is its input's buffer (EfficientNet's SiLUs would
        /// otherwise need a second buffer as large as each map, 4.8 MB at the second block).
        case inPlace(Lowering.Step)
        /// Runs as lowered, through `Lowering.Step.forward`.
        case lowered(Lowering.Step)
    }

    public init(analysis: ModelAnalysis, weights: Weights, fuse: Bool = true, keeping kept: Set<Int> = []) throws(EngineError) {
        _ = BLASKernels.selection  // before the first product
        let lowering = try Lowering(analysis: analysis, weights: weights)
        self.analysis = analysis
        self.weights = weights
        let graph = analysis.graph
        let consumers = graph.consumers
        /// Whether `layer`'s output may be overwritten by, or merged into, its only reader.
        func mergeable(_ layer: Int) -> Bool { fuse && !kept.contains(layer) && consumers[layer].count == 1 }

        for step in lowering.steps {
            switch step.kernel {
            case .conv(let g, let weight, let bias):
                steps.append(.conv(ConvStep(geometry: g, weight: weight, bias: bias)))
            case .batchNorm(let bn):
                let source = step.inputs[0]
                if mergeable(source), case .conv(let conv) = steps[source] {
                    steps[source] = .conv(Self.fold(conv, bn))
                    steps.append(.alias)
                } else {
                    steps.append(.lowered(step))
                }
            case .add:
                steps.append(.add(.identity))
            case .activation(let kind, _, _):
                if let clamp = ActivationClamp(kind), let producer = Self.fusionTarget(step.inputs[0], graph: graph, steps: steps, mergeable: mergeable) {
                    switch steps[producer] {
                    case .conv(var conv):
                        conv.clamp = clamp
                        steps[producer] = .conv(conv)
                    default:
                        steps[producer] = .add(clamp)
                    }
                    steps.append(.alias)
                } else if Self.runsInPlace(kind), Self.ownsBuffer(step.inputs[0], graph: graph, steps: steps, mergeable: mergeable) {
                    steps.append(.inPlace(step))
                } else {
                    steps.append(.lowered(step))
                }
            case .dropout, .identity:
                steps.append(.alias)
            default:
                steps.append(.lowered(step))
            }
        }
        var maxWorkspace = Self.prepareKernels(&steps)
        if fuse {
            maxWorkspace = max(maxWorkspace, Self.fuseInvertedResiduals(&steps, graph: graph, mergeable: mergeable))
            Self.fuseResidualAdds(&steps, graph: graph, mergeable: mergeable)
            maxWorkspace = max(maxWorkspace, Self.fuseChannelScales(&steps, graph: graph, mergeable: mergeable))
        }
        outputs = Self.planBuffers(analysis, steps: steps, sharing: fuse, pinned: kept)
        let buffers = outputs.map(\.data)
        for layer in graph.layers {
            operands.append(
                Operands(
                    inputs: layer.inputs.map { UnsafePointer(buffers[$0]) }, output: buffers[layer.id], count: outputs[layer.id].count))
        }
        workspaceCount = maxWorkspace
        shares = EngineThreads.shares
        // Left as the allocator gives it: each kernel writes its scratch space before reading it
        // (the tests hand them NaNs), and pages of shares that never run are never touched.
        workspace = .allocate(capacity: maxWorkspace * shares)
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

    /// The layers that run through the packed-weight GEMM (AVX-512 machines only).
    public var packedGEMMLayers: [Int] { convolutions { $0.packedWeight != nil } }

    /// How the executor computes `layer`: a convolution's algorithm and product kernel
    /// (`Winograd, packed GEMM`, `im2col + SGEMM`, `depthwise`, `1x1 + depthwise + 1x1` for an
    /// inverted residual block computed whole), `merged into NAME` for a layer fusion folded into
    /// another (a batchnorm, an activation, a block's other layers) or that passes its input on,
    /// `in place` for an activation that overwrites its input, "" for the others (their type says it).
    public func kernel(of layer: Int) -> String {
        switch steps[layer] {
        case .conv(let conv):
            let g = conv.geometry
            if conv.winogradWeight != nil { return "Winograd \(conv.winogradTile.outputs)x\(conv.winogradTile.outputs), " + conv.winogradProducts.rawValue }
            if let block = conv.block {
                return [block.expand.map { _ in "1x1" }, "depthwise", block.project.map { _ in "1x1" }].compactMap { $0 }
                    .joined(separator: " + ")
            }
            if g.isDepthwise { return "depthwise" }
            if g.coversWholeInput { return cnn_gemv_is_fast() != 0 ? "GEMV" : "SGEMV" }
            let product = conv.narrowWeight != nil ? "narrow GEMM" : conv.packedWeight != nil ? "packed GEMM" : "SGEMM"
            return (g.isPointwise ? product : "im2col + " + product) + (conv.channelScale != nil ? ", scaled weights" : "")
                + (conv.residual != nil ? " + add" : "")
        case .alias, .computedBy:
            return mergedRoot(of: layer).map { "merged into \(analysis.graph.layers[$0].name)" } ?? ""
        case .add, .lowered:
            return ""
        case .inPlace:
            return "in place"
        }
    }

    /// The layer whose kernel computes `layer`, when `layer` was merged into another: the one
    /// before it (a folded batchnorm, a fused activation), or a later one (an inverted residual
    /// block's step).
    public func mergedRoot(of layer: Int) -> Int? {
        var root = layer
        while true {
            if case .alias = steps[root], let input = analysis.graph.layers[root].inputs.first {
                root = input
            } else if case .computedBy(let reader, _) = steps[root] {
                root = reader
            } else {
                break
            }
        }
        return root == layer ? nil : root
    }

    /// The layers `layer`'s step reads besides the graph's edges into it: a merged shortcut, a
    /// merged channel scale.
    func mergedReads(of layer: Int) -> [Int] {
        guard case .conv(let conv) = steps[layer] else { return [] }
        return conv.mergedReads
    }

    /// Whether `layer` passes on an input's buffer as its output rather than computing one.
    func passesOnABuffer(_ layer: Int) -> Bool { Self.passedOn(layer, steps: steps) != nil }

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
        return EngineThreads.withSingleThreadedBLAS {
            while computedThrough < end {
                if isCancelled() { return false }
                let id = computedThrough + 1
                compute(id)
                computedThrough = id
                progress(id)
            }
            return true
        }
    }

    private func compute(_ id: Int) {
        let o = operands[id]
        let out = o.output
        switch steps[id] {
        case .alias, .computedBy:
            return
        case .conv(let conv):
            let bias = conv.bias.map { UnsafePointer($0.data) }
            if let block = conv.block {
                block.forward(
                    output: out, input: o.inputs[0], workspace: workspace, workspacePerShare: workspaceCount, shares: shares)
            } else if let transformed = conv.winogradWeight {
                winogradConv2dForward(
                    output: out, input: o.inputs[0], transformedWeight: transformed.data, bias: bias,
                    geometry: conv.geometry, clamp: conv.clamp, workspace: workspace, shares: shares,
                    products: conv.winogradProducts, tile: conv.winogradTile)
            } else if let packed = conv.narrowWeight {
                conv2dNarrowForward(
                    output: out, input: o.inputs[0], packedWeight: packed.data, bias: bias,
                    geometry: conv.geometry, clamp: conv.clamp, workspace: workspace)
            } else {
                var packed = conv.packedWeight.map { UnsafePointer($0.data) }
                var scratch = workspace
                if let scale = conv.channelScale, let unscaled = packed {
                    let g = conv.geometry
                    cnn_packed_gemm_scale(workspace, unscaled, g.outChannels, g.columnRows, outputs[scale].data)
                    (packed, scratch) = (UnsafePointer(workspace), workspace + g.packedWeightCount)
                }
                conv2dForward(
                    output: out, input: o.inputs[0], weight: conv.weight.data, bias: bias,
                    geometry: conv.geometry, clamp: conv.clamp, workspace: scratch, shares: shares,
                    packedWeight: packed, residual: conv.residual.map { UnsafePointer(outputs[$0].data) })
            }
        case .add(let clamp):
            if o.inputs.count == 2 {
                let (a, b) = (o.inputs[0], o.inputs[1])
                forEachShare(limit: worthwhileShares(floats: o.count, limit: shares)) { share, count in
                    let own = shareRange(of: o.count, share: share, shares: count)
                    let first = own.lowerBound
                    cnn_add_clamp(out + first, a + first, b + first, own.count, clamp.lower, clamp.upper)
                }
            } else {
                addForward(output: out, inputs: o.inputs, count: o.count)
                if !clamp.isIdentity { cnn_bias_clamp(out, o.count, nil, 1, o.count, clamp.lower, clamp.upper) }
            }
        case .lowered(let step), .inPlace(let step):
            step.forward(output: out, inputs: o.inputs, workspace: workspace, shares: shares)
        }
    }
}
