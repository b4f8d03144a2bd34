import CNNModel
import Foundation

/// Forward and backward passes of an analysed graph over a batch, for training, over the graph's
/// `Lowering` (the steps the executor runs too).
///
/// It trains the tensors of `weights` in place (the same objects an `Executor` made from them
/// reads). Buffers for every layer's activations and gradients are allocated once for
/// `batchSize` samples; a batch may be smaller (the last one of an epoch). The loss is softmax
/// cross-entropy on the last layer's output, or on the input of a final softmax layer.
public final class Trainer {
    public let analysis: ModelAnalysis
    public let weights: Weights
    public let batchSize: Int
    /// Whether `backward` also computes the gradient with respect to the input (for tests, and
    /// for explanations: a unit's effective receptive field, guided backpropagation).
    public var computesInputGradient = false
    /// Guided backpropagation (Springenberg et al. 2015): a ReLU passes back only positive
    /// gradients, and only where its input was positive.
    public var guidedReLU = false
    /// Whether `backward` computes the convolutions' weight gradients (explanations need only the
    /// gradients of the activations; most of a backward pass's work is in these).
    public var computesWeightGradients = true
    /// Whether training-mode forward passes reuse the last dropout masks instead of drawing new
    /// ones, so that a finite-difference check sees one fixed function.
    public var reusesDropoutMasks = false
    /// Gradients of the trainable tensors (weights and biases) after `backward`, by name.
    public let gradients: [String: Tensor]
    /// The trainable tensors by name, in layer order: what an optimizer updates.
    public let parameters: [(name: String, tensor: Tensor)]

    /// The layer whose output the loss reads as logits.
    public let logitsLayer: Int
    public var classes: Int { perSample[logitsLayer] }

    private let perSample: [Int]
    private let activations: [Tensor]
    private let layerGradients: [Tensor]
    /// The graph as lowered, and what training keeps beside each step.
    private let steps: [Lowering.Step]
    private let state: [StepState]
    private let workspace: UnsafeMutablePointer<Float>
    private let columns: UnsafeMutablePointer<Float>
    private var random: NormalGenerator
    /// Samples in the current batch, and whether it ran in training mode.
    private var count = 0
    private var training = false

    /// What a step needs in training besides its lowered form: the gradients of its weight
    /// (a batchnorm's gamma) and bias (beta), a batchnorm's batch statistics saved for the
    /// backward pass, a dropout's mask, the Winograd transform of a 3x3 convolution's weights
    /// (made again at each forward pass, as the weights change), packed for the kernel that
    /// multiplies its products.
    private struct StepState {
        var gradWeight, gradBias: Tensor?
        var savedMean, savedInverseStd: Tensor?
        var mask: Tensor?
        var winogradWeight: Tensor?
        var winogradProducts = WinogradProducts.sgemm
        var transposed: TransposedConv?
    }

    /// For a 3x3 "same" convolution, its input gradient as a Winograd convolution of the output
    /// gradient: that convolution's geometry, the weights flipped and transposed, their transform.
    private struct TransposedConv {
        let geometry: ConvGeometry
        let flipped: Tensor
        let winogradWeight: Tensor
        let products: WinogradProducts
    }

    public init(analysis: ModelAnalysis, weights: Weights, batchSize: Int, seed: UInt64 = 0) throws(TrainingError) {
        precondition(batchSize > 0, "batch size must be positive")
        do { try Weights.checkSizes(analysis, batch: batchSize) } catch { throw .engine(error) }
        _ = BLASKernels.selection  // before the first product
        let lowering: Lowering
        do { lowering = try Lowering(analysis: analysis, weights: weights) } catch { throw .engine(error) }
        self.analysis = analysis
        self.weights = weights
        self.batchSize = batchSize
        random = NormalGenerator(seed: seed)
        steps = lowering.steps
        perSample = analysis.layers.map { $0.outputShape.elementCount ?? 0 }
        activations = perSample.map { Tensor(shape: [batchSize, $0]) }
        layerGradients = perSample.map { Tensor(shape: [batchSize, $0]) }

        let layers = analysis.graph.layers
        let last = layers.count - 1
        logitsLayer = layers[last].op == .activation(.softmax) ? layers[last].inputs[0] : last
        guard analysis.layers[logitsLayer].outputShape.spatial == Size2(1, 1) else {
            throw .notAClassifier(analysis.layers[logitsLayer].outputShape)
        }

        var state = Array(repeating: StepState(), count: layers.count)
        var gradients: [String: Tensor] = [:]
        var parameters: [(String, Tensor)] = []
        for spec in ParameterSpec.all(for: analysis) where spec.isTrainable {
            let t = weights.tensor(layer: spec.layer, role: spec.role, in: analysis)!
            let g = Tensor(shape: t.shape)
            gradients[spec.name] = g
            parameters.append((spec.name, t))
            if spec.role == .weight { state[spec.layer].gradWeight = g } else { state[spec.layer].gradBias = g }
        }
        var maxColumns = 1, maxWorkspace = 1
        for step in steps {
            maxWorkspace = max(maxWorkspace, step.workspaceCount)
            switch step.kernel {
            case .conv(let g, _, _):
                maxColumns = max(maxColumns, g.batchScratchCount(batch: batchSize))
                if g.suitsBatchWinograd {
                    // The engine's own GEMMs run on one thread; with more, OpenBLAS's threads do the products.
                    let products = { (g: ConvGeometry) in EngineThreads.count == 1 ? g.batchWinogradProducts : .sgemm }
                    state[step.layer].winogradProducts = products(g)
                    state[step.layer].winogradWeight = Tensor(shape: [g.winogradWeightCount(for: products(g))])
                    maxColumns = max(maxColumns, g.batchWinogradScratchCount(batch: batchSize))
                    if let t = Self.transposedGeometry(g) {
                        state[step.layer].transposed = TransposedConv(
                            geometry: t, flipped: Tensor(shape: [g.weightCount]),
                            winogradWeight: Tensor(shape: [t.winogradWeightCount(for: products(t))]), products: products(t))
                        maxColumns = max(maxColumns, t.batchWinogradScratchCount(batch: batchSize))
                    }
                }
            case .batchNorm(let bn):
                state[step.layer].savedMean = Tensor(shape: [bn.channels])
                state[step.layer].savedInverseStd = Tensor(shape: [bn.channels])
            case .dropout:
                state[step.layer].mask = Tensor(shape: [batchSize, step.outputCount])
            case .localResponseNorm, .pad, .layerNorm:
                throw .unsupported(layer: layers[step.layer].name, op: layers[step.layer].op.typeName)
            default:
                break
            }
        }
        self.state = state
        self.gradients = gradients
        self.parameters = parameters
        columns = .allocate(capacity: maxColumns)
        workspace = .allocate(capacity: maxWorkspace)
        workspace.initialize(repeating: 0, count: maxWorkspace)
    }

    deinit {
        columns.deallocate()
        workspace.deallocate()
    }

    /// The output of `layer` for sample `sample` of the last batch.
    public func output(_ layer: Int, sample: Int = 0) -> UnsafeMutablePointer<Float> {
        activations[layer].data + sample * perSample[layer]
    }

    /// The gradient of the loss with respect to the input, after `backward` with
    /// `computesInputGradient` set: `[n, C·H·W]`.
    public var inputGradient: UnsafePointer<Float> { UnsafePointer(layerGradients[0].data) }

    /// Runs `n` samples (`input`: `[n, C·H·W]`) through the graph. In training mode batchnorm
    /// uses the batch's statistics (and updates its running ones) and dropout drops; otherwise
    /// both behave as at inference.
    public func forward(_ input: UnsafePointer<Float>, count n: Int, training: Bool) {
        precondition(n > 0 && n <= batchSize, "batch of \(n) samples, trainer made for \(batchSize)")
        count = n
        self.training = training
        activations[0].data.update(from: input, count: n * perSample[0])
        for step in steps.dropFirst() { forward(step) }
    }

    /// The loss of the last batch against `labels` and how many it classified correctly, without
    /// gradients.
    public func loss(labels: [Int]) -> (loss: Double, correct: Int) {
        precondition(labels.count == count)
        return softmaxCrossEntropy(gradLogits: nil, logits: activations[logitsLayer].data, labels: labels, classes: classes)
    }

    /// Back-propagates the cross-entropy of the last batch (run in training mode) against `labels`
    /// into `gradients`, which it overwrites. Returns the loss and the correct count.
    @discardableResult
    public func backward(labels: [Int]) -> (loss: Double, correct: Int) {
        precondition(labels.count == count, "\(labels.count) labels for a batch of \(count)")
        for g in layerGradients { g.data.update(repeating: 0, count: count * g.shape[1]) }
        for (_, g) in gradients { g.data.update(repeating: 0, count: g.count) }
        let result = softmaxCrossEntropy(
            gradLogits: layerGradients[logitsLayer].data, logits: activations[logitsLayer].data,
            labels: labels, classes: classes)
        for id in stride(from: logitsLayer, to: 0, by: -1) { backward(steps[id]) }
        return result
    }

    /// Back-propagates `seed`, the gradient of some function of the last batch with respect to
    /// `layer`'s output (`[n, perSample]`: a one-hot unit, a class's logit), down to the input:
    /// afterwards `gradient(of:)` holds every layer's gradient and `inputGradient` the input's
    /// (with `computesInputGradient`). The forward pass may have run in either mode; in
    /// inference mode batchnorm's backward is that of its fixed affine map.
    public func backward(from layer: Int, seed: UnsafePointer<Float>) {
        precondition(layer > 0 && layer < steps.count, "a layer of the graph, not its input")
        for g in layerGradients { g.data.update(repeating: 0, count: count * g.shape[1]) }
        for (_, g) in gradients { g.data.update(repeating: 0, count: g.count) }
        layerGradients[layer].data.update(from: seed, count: count * perSample[layer])
        for id in stride(from: layer, to: 0, by: -1) { backward(steps[id]) }
    }

    /// The gradient with respect to `layer`'s output for sample `sample`, after a backward pass.
    public func gradient(of layer: Int, sample: Int = 0) -> UnsafePointer<Float> {
        UnsafePointer(layerGradients[layer].data + sample * perSample[layer])
    }

    /// Elements of `layer`'s output for one sample.
    public func elementCount(of layer: Int) -> Int { perSample[layer] }

    // MARK: - Steps

    /// Batched kernels where the engine has them, else the lowered step's one-sample forward
    /// sample by sample.
    private func forward(_ step: Lowering.Step) {
        let id = step.layer, n = count
        let out = activations[id].data, outCount = step.outputCount
        let source = step.inputs.first ?? 0
        let inp = UnsafePointer(activations[source].data)
        switch step.kernel {
        case .input:
            break
        case .dense(let inFeatures, let outFeatures, let weight, let bias):
            denseBatchForward(
                output: out, input: inp, weight: weight.data, bias: bias.map { UnsafePointer($0.data) },
                batch: n, inFeatures: inFeatures, outFeatures: outFeatures)
        case .batchNorm(let bn) where training:
            batchNormTrainingForward(
                output: out, input: inp, batch: n, channels: bn.channels, pixels: bn.pixels,
                gamma: bn.gamma.map { UnsafePointer($0.data) }, beta: bn.beta.map { UnsafePointer($0.data) },
                runningMean: bn.mean.data, runningVariance: bn.variance.data,
                savedMean: state[id].savedMean!.data, savedInverseStd: state[id].savedInverseStd!.data,
                epsilon: bn.epsilon, momentum: bn.momentum)
        case .conv(let g, let weight, let bias) where state[id].winogradWeight != nil:
            // Winograd F(2x2, 3x3) over the batch, 2.25x fewer multiplications.
            let (transformed, products) = (state[id].winogradWeight!.data, state[id].winogradProducts)
            packWinogradWeights(transformed, weight: weight.data, geometry: g, products: products)
            winogradBatchForward(
                output: out, input: inp, transformedWeight: transformed, bias: bias.map { UnsafePointer($0.data) }, batch: n,
                geometry: g, scratch: columns, products: products)
        case .conv(let g, let weight, let bias) where !g.isDepthwise:
            conv2dBatchForward(
                output: out, input: inp, weight: weight.data, bias: bias.map { UnsafePointer($0.data) }, batch: n, geometry: g,
                scratch: columns)
        case .activation(let kind, _, _) where kind != .softmax:
            activationForward(kind, output: out, input: inp, count: n * outCount)
        case .flatten, .identity:
            out.update(from: inp, count: n * outCount)
        case .dropout(let p):
            guard training, p > 0, let mask = state[id].mask else {
                out.update(from: inp, count: n * outCount)
                return
            }
            let keep = 1 / (1 - p)
            for i in 0..<(n * outCount) {
                if !reusesDropoutMasks { mask[i] = random.uniform() < Double(p) ? 0 : keep }
                out[i] = inp[i] * mask[i]
            }
        case .add:
            addForward(output: out, inputs: step.inputs.map { UnsafePointer(activations[$0].data) }, count: n * outCount)
        default:
            for s in 0..<n {
                let inputs = zip(step.inputs, step.inputCounts).map { UnsafePointer(activations[$0].data + s * $1) }
                step.forward(output: out + s * outCount, inputs: inputs, workspace: workspace)
            }
        }
    }

    /// The geometry of dX = conv(dY, flipped W) for a 3x3, stride-1, pad-1 convolution whose
    /// output is the size of its input; nil for any other.
    static func transposedGeometry(_ g: ConvGeometry) -> ConvGeometry? {
        guard g.isWinogradShaped, g.padTop == 1, g.padLeft == 1, g.outHeight == g.inHeight, g.outWidth == g.inWidth else { return nil }
        let conv = Conv2D(filters: g.inChannels, kernel: 3, padding: .symmetric(1), bias: false)
        return ConvGeometry(
            conv, input: TensorShape(channels: g.outChannels, height: g.outHeight, width: g.outWidth),
            output: TensorShape(channels: g.inChannels, height: g.inHeight, width: g.inWidth), padding: Pad4(1))
    }

    /// `t.flipped[ci][co][i][j] = weight[co][ci][2 - i][2 - j]`, then its Winograd transform.
    private static func flipAndTranspose(
        _ weight: Tensor, geometry g: ConvGeometry, into t: TransposedConv
    ) {
        let flipped = t.flipped
        let (cout, cin) = (g.outChannels, g.inChannels)
        for co in 0..<cout {
            for ci in 0..<cin {
                let from = weight.data + (co * cin + ci) * 9, to = flipped.data + (ci * cout + co) * 9
                for k in 0..<9 { to[k] = from[8 - k] }
            }
        }
        packWinogradWeights(t.winogradWeight.data, weight: flipped.data, geometry: t.geometry, products: t.products)
    }

    private func backward(_ step: Lowering.Step) {
        let id = step.layer, n = count
        let gradOut = UnsafePointer(layerGradients[id].data), outCount = step.outputCount
        let source = step.inputs.first ?? 0
        let inp = UnsafePointer(activations[source].data), inCount = perSample[source]
        let gradIn: UnsafeMutablePointer<Float>? = source == 0 && !computesInputGradient ? nil : layerGradients[source].data
        let own = state[id]
        switch step.kernel {
        case .input:
            break
        case .conv(let g, let weight, _):
            // dX of a 3x3 "same" convolution is the 3x3 "same" convolution of dY with the filters
            // flipped and their channels swapped: Winograd again, 2.25x fewer multiplications; and
            // its weight gradient is Winograd's transpose when the forward ran that way.
            let viaWinograd = gradIn != nil ? own.transposed : nil
            let batchWinograd = own.winogradWeight != nil
            if batchWinograd && computesWeightGradients {
                winogradWeightGradient(
                    gradWeight: own.gradWeight!.data, gradOutput: gradOut, input: inp, batch: n, geometry: g, scratch: columns)
            }
            conv2dBackward(
                gradInput: viaWinograd == nil ? gradIn : nil, gradWeight: batchWinograd || !computesWeightGradients ? nil : own.gradWeight!.data,
                gradBias: own.gradBias?.data, gradOutput: gradOut, input: inp, weight: weight.data, batch: n, geometry: g,
                scratch: columns)
            guard let t = viaWinograd, let gradIn else { break }
            Self.flipAndTranspose(weight, geometry: g, into: t)
            winogradBatchForward(
                output: gradIn, input: gradOut, transformedWeight: t.winogradWeight.data, bias: nil, batch: n,
                geometry: t.geometry, accumulate: true, scratch: columns, products: t.products)
        case .dense(let inFeatures, let outFeatures, let weight, _):
            denseBackward(
                gradInput: gradIn, gradWeight: own.gradWeight!.data, gradBias: own.gradBias?.data, gradOutput: gradOut,
                input: inp, weight: weight.data, batch: n, inFeatures: inFeatures, outFeatures: outFeatures)
        case .batchNorm(let bn) where !training:
            batchNormInferenceBackward(
                gradInput: gradIn, gradGamma: own.gradWeight?.data, gradBeta: own.gradBias?.data, gradOutput: gradOut, input: inp,
                batch: n, parameters: bn)
        case .batchNorm(let bn):
            batchNormTrainingBackward(
                gradInput: gradIn, gradGamma: own.gradWeight?.data, gradBeta: own.gradBias?.data,
                gradOutput: gradOut, input: inp, batch: n, channels: bn.channels, pixels: bn.pixels,
                gamma: bn.gamma.map { UnsafePointer($0.data) }, savedMean: own.savedMean!.data,
                savedInverseStd: own.savedInverseStd!.data)
        case .activation(.softmax, let channels, let pixels):
            guard let gradIn else { return }
            for s in 0..<n {
                softmaxBackward(
                    gradInput: gradIn + s * inCount, gradOutput: gradOut + s * outCount,
                    output: activations[id].data + s * outCount, channels: channels, pixels: pixels)
            }
        case .activation(let kind, _, _) where guidedReLU && (kind == .relu || kind == .relu6):
            guard let gradIn else { return }
            let upper: Float = kind == .relu6 ? 6 : .infinity
            for i in 0..<(n * outCount) where gradOut[i] > 0 && inp[i] > 0 && inp[i] < upper { gradIn[i] += gradOut[i] }
        case .activation(let kind, _, _):
            guard let gradIn else { return }
            activationBackward(kind, gradInput: gradIn, gradOutput: gradOut, input: inp, output: activations[id].data, count: n * outCount)
        case .pool(let kind, let g):
            guard let gradIn else { return }
            for s in 0..<n {
                if kind == .max {
                    maxPool2dBackward(gradInput: gradIn + s * inCount, gradOutput: gradOut + s * outCount, input: inp + s * inCount, geometry: g)
                } else {
                    avgPool2dBackward(gradInput: gradIn + s * inCount, gradOutput: gradOut + s * outCount, geometry: g)
                }
            }
        case .adaptiveAvgPool(let channels, let input, let size):
            guard let gradIn else { return }
            for s in 0..<n {
                adaptiveAvgPool2dBackward(
                    gradInput: gradIn + s * inCount, gradOutput: gradOut + s * outCount, channels: channels,
                    inHeight: input.h, inWidth: input.w, outHeight: size.h, outWidth: size.w)
            }
        case .flatten, .identity:
            guard let gradIn else { return }
            for i in 0..<(n * outCount) { gradIn[i] += gradOut[i] }
        case .dropout(let p):
            guard let gradIn else { return }
            if training && p > 0, let mask = own.mask {
                for i in 0..<(n * outCount) { gradIn[i] += gradOut[i] * mask[i] }
            } else {
                for i in 0..<(n * outCount) { gradIn[i] += gradOut[i] }
            }
        case .concat:
            var offset = 0
            for (input, part) in zip(step.inputs, step.inputCounts) {
                defer { offset += part }
                guard input != 0 || computesInputGradient else { continue }
                let g = layerGradients[input].data
                for s in 0..<n {
                    for i in 0..<part { g[s * part + i] += gradOut[s * outCount + offset + i] }
                }
            }
        case .add:
            for input in step.inputs where input != 0 || computesInputGradient {
                let g = layerGradients[input].data
                for i in 0..<(n * outCount) { g[i] += gradOut[i] }
            }
        case .affine(let scale, _):
            guard let gradIn else { return }
            for i in 0..<(n * outCount) { gradIn[i] += scale * gradOut[i] }
        case .subtract:
            for (k, input) in step.inputs.enumerated() where input != 0 || computesInputGradient {
                let g = layerGradients[input].data, sign: Float = k == 0 ? 1 : -1
                for i in 0..<(n * outCount) { g[i] += sign * gradOut[i] }
            }
        case .channelSlice(let offset):
            guard let gradIn else { return }
            for s in 0..<n {
                for i in 0..<outCount { gradIn[s * inCount + offset + i] += gradOut[s * outCount + i] }
            }
        case .channelShuffle(let groups, let channels, let pixels):
            guard let gradIn else { return }
            for s in 0..<n {
                channelShuffleBackward(
                    gradInput: gradIn + s * inCount, gradOutput: gradOut + s * outCount, groups: groups, channels: channels, pixels: pixels)
            }
        case .multiply(let aShape, let bShape):
            let counts = step.inputCounts
            let wants = step.inputs.map { $0 != 0 || computesInputGradient }
            for s in 0..<n {
                let a = UnsafePointer(activations[step.inputs[0]].data + s * counts[0])
                let b = UnsafePointer(activations[step.inputs[1]].data + s * counts[1])
                multiplyBackward(
                    gradA: wants[0] ? layerGradients[step.inputs[0]].data + s * counts[0] : nil,
                    gradB: wants[1] ? layerGradients[step.inputs[1]].data + s * counts[1] : nil,
                    gradOutput: gradOut + s * outCount, a: a, aShape: aShape, b: b, bShape: bShape)
            }
        case .channelScale(let weight, let channels, let pixels):
            // y = w[c]·x: dx = w[c]·dy, dw[c] = Σ dy·x.
            let gradWeight = own.gradWeight!.data
            for s in 0..<n {
                for c in 0..<channels {
                    let base = s * outCount + c * pixels, w = weight.data[c]
                    var sum: Float = 0
                    for p in 0..<pixels {
                        sum += gradOut[base + p] * inp[base + p]
                        gradIn?[base + p] += gradOut[base + p] * w
                    }
                    gradWeight[c] += sum
                }
            }
        case .channelShift(_, let channels, let pixels):
            // y = x + b[c]: dx = dy, db[c] = Σ dy.
            let gradBias = own.gradBias!.data
            for s in 0..<n {
                for c in 0..<channels {
                    let base = s * outCount + c * pixels
                    var sum: Float = 0
                    for p in 0..<pixels {
                        sum += gradOut[base + p]
                        gradIn?[base + p] += gradOut[base + p]
                    }
                    gradBias[c] += sum
                }
            }
        case .localResponseNorm, .pad, .layerNorm:
            preconditionFailure("the trainer refuses graphs with layers it has no backward pass for")
        }
    }
}

/// Why a graph cannot be trained.
public enum TrainingError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    case engine(EngineError)
    case unsupported(layer: String, op: String)
    case notAClassifier(TensorShape)

    public var description: String {
        switch self {
        case .engine(let error): return error.description
        case .unsupported(let layer, let op): return "training does not support \(op) yet (layer \(layer))"
        case .notAClassifier(let shape): return "training needs a classifier (one score per class), but the model outputs \(shape)"
        }
    }

    public var errorDescription: String? { description }
}
