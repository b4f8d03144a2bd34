import CKernels
import CNNModel

/// What the executor adds to the lowering, once per graph: batchnorm folding, activation fusion,
/// kernel choice and buffer sharing.
extension Executor {
    /// Batchnorm after a convolution, folded into it: `w' = w·s`, `b' = (b - mean)·s + beta`
    /// with `s = gamma / sqrt(var + eps)` per output channel.
    static func fold(_ conv: ConvStep, _ bn: Lowering.BatchNormParameters) -> ConvStep {
        let (gamma, beta, mean, variance, epsilon) = (bn.gamma, bn.beta, bn.mean, bn.variance, bn.epsilon)
        let g = conv.geometry
        let w = Tensor(shape: conv.weight.shape)
        let b = Tensor(shape: [g.outChannels])
        let perFilter = conv.weight.count / g.outChannels
        for c in 0..<g.outChannels {
            let s = (gamma?[c] ?? 1) / (variance[c] + epsilon).squareRoot()
            for i in 0..<perFilter { w[c * perFilter + i] = conv.weight[c * perFilter + i] * s }
            b[c] = ((conv.bias?[c] ?? 0) - mean[c]) * s + (beta?[c] ?? 0)
        }
        var folded = conv
        folded.geometry.hasBias = true
        folded.weight = w
        folded.bias = b
        return folded
    }

    /// Every layer's output tensor. Aliases share their source's tensor. Without `sharing`, every
    /// other layer has a buffer of its own; with it, a buffer goes back to a pool once the last
    /// reader of the layer written into it has run, and the next layer takes the smallest free
    /// buffer that fits (best fit), so activations stay in cache and memory stays small. The
    /// input, the final layer and the `pinned` layers never give theirs back.
    static func planBuffers(_ analysis: ModelAnalysis, steps: [Step], sharing: Bool, pinned: Set<Int>) -> [Tensor] {
        let layers = analysis.graph.layers
        let consumers = analysis.graph.consumers
        var root = [Int](layers.indices)
        for layer in layers { if let input = passedOn(layer.id, steps: steps) { root[layer.id] = root[layer.inputs[input]] } }
        // The last layer that reads each root buffer, through any of its aliases, or beside the
        // graph's edges (a merged shortcut or channel scale, read by the convolution merging it).
        var lastUse = [Int](layers.indices)
        for layer in layers { lastUse[root[layer.id]] = max(lastUse[root[layer.id]], consumers[layer.id].max() ?? layer.id) }
        for (id, step) in steps.enumerated() {
            guard case .conv(let conv) = step else { continue }
            for read in conv.mergedReads { lastUse[root[read]] = max(lastUse[root[read]], id) }
        }
        let kept = Set(([0, layers.count - 1] + pinned).map { root[$0] })
        var releasedAt = [Int: [Int]]()
        for r in Set(root) where sharing && !kept.contains(r) { releasedAt[lastUse[r], default: []].append(r) }

        var outputs: [Tensor] = []
        var free: [Tensor] = []
        var owned: [Int: Tensor] = [:]  // root -> its buffer
        for layer in layers {
            let shape = [1] + analysis.layers[layer.id].outputShape.dims
            if let input = passedOn(layer.id, steps: steps) {
                outputs.append(outputs[layer.inputs[input]])
            } else if !sharing {
                outputs.append(Tensor(shape: shape))
            } else {
                let count = shape.reduce(1, *)
                let buffer: Tensor
                if let best = free.indices.filter({ free[$0].count >= count }).min(by: { free[$0].count < free[$1].count }) {
                    buffer = free.remove(at: best)
                } else {
                    buffer = Tensor(shape: [count])
                }
                owned[layer.id] = buffer
                outputs.append(Tensor(shape: shape, sharing: buffer))
            }
            for r in releasedAt[layer.id] ?? [] {
                if let buffer = owned.removeValue(forKey: r) { free.append(buffer) }
            }
        }
        return outputs
    }

    /// Which input's buffer `layer` passes on as its output, when it computes nothing of its
    /// own: an alias or an activation in place (the first), a layer computed by another (the one
    /// it names); nil for the others.
    static func passedOn(_ layer: Int, steps: [Step]) -> Int? {
        switch steps[layer] {
        case .alias, .inPlace: return 0
        case .computedBy(_, let passing): return passing
        default: return nil
        }
    }

    /// Fuses each inverted residual block whose depthwise convolution `InvertedResidual.suits`:
    /// the 1x1 expansion before it (through a folded batchnorm, a fused activation or a SiLU
    /// computed in place) and the 1x1 projection after it (through a folded batchnorm or fused
    /// activation), where each is a packed-GEMM 1x1 convolution and every link is read only by the
    /// next and not kept. The block's last layer computes it; the others are `computedBy` it.
    /// Returns the workspace the fused steps need.
    static func fuseInvertedResiduals(_ steps: inout [Step], graph: Graph, mergeable: (Int) -> Bool) -> Int {
        let consumers = graph.consumers
        var maxWorkspace = 1
        for layer in graph.layers {
            guard case .conv(let depthwise) = steps[layer.id], depthwise.block == nil, InvertedResidual.suits(depthwise.geometry),
                let source = layer.inputs.first
            else { continue }
            // Back through aliases and at most one SiLU computed in place, to an expansion.
            var root = behindAliases(source, graph: graph, steps: steps, mergeable: mergeable)
            var silu: Int?
            if mergeable(root), case .inPlace(let step) = steps[root], case .activation(.silu, _, _) = step.kernel {
                silu = root
                root = behindAliases(graph.layers[root].inputs[0], graph: graph, steps: steps, mergeable: mergeable)
            }
            var expand: FusedPointwise?
            if mergeable(root), case .conv(let step) = steps[root], let e = FusedPointwise.of(step, silu: silu != nil),
                e.geometry.outChannels == depthwise.geometry.inChannels
            {
                expand = e
            }
            // Forward through aliases to a projection.
            var last = layer.id
            while mergeable(last), consumers[last].count == 1, case .alias = steps[consumers[last][0]] { last = consumers[last][0] }
            var project: (id: Int, step: FusedPointwise)?
            if mergeable(last), consumers[last].count == 1, case .conv(let step) = steps[consumers[last][0]],
                let p = FusedPointwise.of(step), p.geometry.inChannels == depthwise.geometry.outChannels
            {
                project = (consumers[last][0], p)
            }
            guard expand != nil || project != nil else { continue }
            let block = InvertedResidual(
                expand: expand, depthwise: depthwise.geometry, weight: depthwise.weight, bias: depthwise.bias,
                clamp: depthwise.clamp, project: project?.step)
            let owner = project?.id ?? layer.id
            guard case .conv(var step) = steps[owner] else { continue }
            step.block = block
            steps[owner] = .conv(step)
            if owner != layer.id { steps[layer.id] = .computedBy(reader: owner) }
            if expand != nil {
                steps[root] = .computedBy(reader: owner)
                if let silu { steps[silu] = .computedBy(reader: owner) }
            }
            maxWorkspace = max(maxWorkspace, block.workspaceCount)
        }
        return maxWorkspace
    }

    /// The layer whose buffer `layer` shares, back through aliases (folded batchnorms, fused
    /// activations) each read only by the next and not kept; `layer` itself when it is none.
    static func behindAliases(_ layer: Int, graph: Graph, steps: [Step], mergeable: (Int) -> Bool) -> Int {
        var root = layer
        while mergeable(root), case .alias = steps[root], let input = graph.layers[root].inputs.first { root = input }
        return root
    }

    /// Merges each residual add (and the ReLU fused into it) into the convolution on one of its
    /// inputs where that convolution runs on the packed GEMM, has no activation of its own, is read
    /// (through a folded batchnorm) only by the add, and comes after the other input: ResNet's
    /// identity shortcuts (into the block's last convolution), its downsampling ones (into the
    /// shortcut's convolution, which runs after the block's last and adds its output), and
    /// MobileNetV2's `x + block(x)`. The convolution adds the other input as it stores
    /// (`cnn_packed_gemm_residual`), and the add passes its output on: one pass over each block's
    /// output fewer (ResNet-50's adds took 1.3 ms of its 73, and scaled worst on two threads).
    static func fuseResidualAdds(_ steps: inout [Step], graph: Graph, mergeable: (Int) -> Bool) {
        for layer in graph.layers {
            guard case .add(let clamp) = steps[layer.id], layer.inputs.count == 2 else { continue }
            for (mine, other) in [(0, 1), (1, 0)] {
                let root = behindAliases(layer.inputs[mine], graph: graph, steps: steps, mergeable: mergeable)
                let shortcut = layer.inputs[other]
                guard mergeable(root), shortcut < root, case .conv(var conv) = steps[root], conv.packedWeight != nil,
                    conv.winogradWeight == nil, conv.narrowWeight == nil, conv.block == nil, conv.residual == nil,
                    conv.clamp.isIdentity, !conv.geometry.coversWholeInput
                else { continue }
                conv.residual = shortcut
                conv.clamp = clamp
                steps[root] = .conv(conv)
                // The add's output is the convolution's buffer, whichever input that is.
                steps[layer.id] = mine == 0 ? .alias : .computedBy(reader: root, passing: mine)
                break
            }
        }
    }

    /// Merges each squeeze-and-excitation multiply (`[C, H, W]` times `[C, 1, 1]`, either order)
    /// into the 1x1 convolution that alone reads it, where that runs on the packed GEMM and its
    /// map has more pixels than it has filters: the convolution scales its packed weights
    /// instead (`cnn_packed_gemm_scale`, `Cout·C` floats, against `C·H·W` for the multiply) and
    /// reads the unscaled map, which the multiply passes on. EfficientNet-B0's multiplies took
    /// about 0.4 ms of its 12, those on 7x7 maps (under 192 filters' worth) staying as they are.
    /// Returns the workspace the merged steps need.
    static func fuseChannelScales(_ steps: inout [Step], graph: Graph, mergeable: (Int) -> Bool) -> Int {
        let consumers = graph.consumers
        var maxWorkspace = 1
        for layer in graph.layers {
            guard case .lowered(let step) = steps[layer.id], case .multiply(let aShape, let bShape) = step.kernel,
                aShape.count == 3, bShape.count == 3, aShape[0] == bShape[0], mergeable(layer.id)
            else { continue }
            let map = bShape[1] == 1 && bShape[2] == 1 ? 0 : aShape[1] == 1 && aShape[2] == 1 ? 1 : nil
            guard let map, case .conv(var conv) = steps[consumers[layer.id][0]] else { continue }
            let g = conv.geometry
            guard conv.packedWeight != nil, g.isPointwise, conv.block == nil, conv.channelScale == nil,
                g.inChannels == aShape[0], g.outputPixels > g.outChannels
            else { continue }
            let reader = consumers[layer.id][0]
            conv.channelScale = layer.inputs[1 - map]
            steps[reader] = .conv(conv)
            steps[layer.id] = .computedBy(reader: reader, passing: map)
            maxWorkspace = max(maxWorkspace, conv.workspaceCount)
        }
        return maxWorkspace
    }

    /// Whether an activation overwrites its input as fast as it writes elsewhere: the C kernels,
    /// which take a loop of one pointer then (a loop of two that overlap runs one float at a time:
    /// tanh took 8.6x as long, and LeNet-5's pass 1.9x).
    static func runsInPlace(_ kind: Activation) -> Bool {
        switch kind {
        case .silu, .sigmoid, .tanh: return true
        default: return false
        }
    }

    /// Whether a layer reading `source` may overwrite it: `source` and every alias between it
    /// and the layer whose buffer it is are read by one layer only and not kept, and that buffer
    /// is not the input's.
    static func ownsBuffer(_ source: Int, graph: Graph, steps: [Step], mergeable: (Int) -> Bool) -> Bool {
        var layer = source
        while true {
            guard layer != 0, mergeable(layer) else { return false }
            guard let input = passedOn(layer, steps: steps) else { return true }
            layer = graph.layers[layer].inputs[input]
        }
    }

    /// The convolution or residual add that can apply an activation reading `source`: `source`
    /// itself, or the convolution a folded batchnorm aliases; every link read only by the next
    /// and none kept. Nil when there is none.
    static func fusionTarget(_ source: Int, graph: Graph, steps: [Step], mergeable: (Int) -> Bool) -> Int? {
        var layer = source
        while true {
            guard mergeable(layer) else { return nil }
            switch steps[layer] {
            case .conv(let conv):
                return conv.clamp.isIdentity ? layer : nil
            case .add(let clamp):
                return clamp.isIdentity ? layer : nil
            case .alias:
                guard case .batchNorm = graph.layers[layer].op else { return nil }
                layer = graph.layers[layer].inputs[0]
            default:
                return nil
            }
        }
    }

    /// Chooses each convolution's kernel (Winograd, the narrow GEMM with AVX-512, the packed-weight
    /// GEMM with AVX-512, else SGEMM), transforming or packing its weights once, and returns the
    /// floats of scratch space the largest step needs.
    static func prepareKernels(_ steps: inout [Step]) -> Int {
        var maxWorkspace = 1
        for (id, step) in steps.enumerated() {
            switch step {
            case .conv(var conv):
                if conv.geometry.suitsWinograd {
                    let g = conv.geometry
                    conv.winogradTile = g.winogradTile
                    conv.winogradProducts = g.winogradProducts(conv.winogradTile)
                    let transformed = Tensor(shape: [g.winogradWeightCount(for: conv.winogradProducts, tile: conv.winogradTile)])
                    packWinogradWeights(
                        transformed.data, weight: conv.weight.data, geometry: g, products: conv.winogradProducts, tile: conv.winogradTile)
                    conv.winogradWeight = transformed
                    steps[id] = .conv(conv)
                } else if conv.geometry.suitsNarrowGEMM && cnn_narrow_gemm_is_fast() != 0 {
                    let packed = Tensor(shape: [conv.geometry.narrowWeightCount])
                    packNarrowWeights(packed.data, weight: conv.weight.data, geometry: conv.geometry)
                    conv.narrowWeight = packed
                    steps[id] = .conv(conv)
                } else if conv.geometry.suitsPackedGEMM && cnn_packed_gemm_is_fast() != 0 {
                    let packed = Tensor(shape: [conv.geometry.packedWeightCount])
                    packWeights(packed.data, weight: conv.weight.data, geometry: conv.geometry)
                    conv.packedWeight = packed
                    steps[id] = .conv(conv)
                }
                maxWorkspace = max(maxWorkspace, conv.workspaceCount)
            case .lowered(let step):
                maxWorkspace = max(maxWorkspace, step.workspaceCount)
            default:
                break
            }
        }
        return maxWorkspace
    }
}
