import CNNModel

/// Forward and backward passes of an analysed graph over a batch, for training.
///
/// It trains the tensors of `weights` in place (the same objects an `Executor` made from them
/// reads). Buffers for every layer's activations and gradients are allocated once for
/// `batchSize` samples; a batch may be smaller (the last one of an epoch). The loss is softmax
/// cross-entropy on the last layer's output, or on the input of a final softmax layer.
public final class Trainer {
    public let analysis: ModelAnalysis
    public let weights: Weights
    public let batchSize: Int
    /// Whether `backward` also computes the gradient with respect to the input (for tests).
    public var computesInputGradient = false
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

    private let layers: [Layer]
    private let perSample: [Int]
    private let activations: [Tensor]
    private let layerGradients: [Tensor]
    private var steps: [Step] = []
    private let workspace: UnsafeMutablePointer<Float>
    private let columns: UnsafeMutablePointer<Float>
    private var random: NormalGenerator
    /// Samples in the current batch, and whether it ran in training mode.
    private var count = 0
    private var training = false

    private enum Step {
        case input
        case conv(ConvGeometry, weight: Tensor, bias: Tensor?, gradWeight: Tensor, gradBias: Tensor?)
        case dense(in: Int, out: Int, weight: Tensor, bias: Tensor?, gradWeight: Tensor, gradBias: Tensor?)
        case batchNorm(BatchNormState)
        case activation(Activation)
        case pool(Pool2D.Kind, PoolGeometry)
        case adaptiveAvgPool(TensorShape, out: Size2)
        case passThrough
        case dropout(probability: Float, mask: Tensor)
        case concat([Int])
        case add
    }

    private struct BatchNormState {
        var gamma, beta: Tensor?
        var gradGamma, gradBeta: Tensor?
        var mean, variance: Tensor
        var savedMean, savedInverseStd: Tensor
        var epsilon, momentum: Float
        var channels, pixels: Int
    }

    public init(analysis: ModelAnalysis, weights: Weights, batchSize: Int, seed: UInt64 = 0) throws(TrainingError) {
        precondition(batchSize > 0, "batch size must be positive")
        do { try weights.validate(for: analysis) } catch { throw .engine(error) }
        self.analysis = analysis
        self.weights = weights
        self.batchSize = batchSize
        random = NormalGenerator(seed: seed)
        layers = analysis.graph.layers
        perSample = analysis.layers.map { $0.outputShape.elementCount ?? 0 }
        activations = perSample.map { Tensor(shape: [batchSize, $0]) }
        layerGradients = perSample.map { Tensor(shape: [batchSize, $0]) }

        let last = layers.count - 1
        logitsLayer = layers[last].op == .activation(.softmax) ? layers[last].inputs[0] : last
        guard analysis.layers[logitsLayer].outputShape.spatial == Size2(1, 1) else {
            throw .notAClassifier(analysis.layers[logitsLayer].outputShape)
        }

        var gradients: [String: Tensor] = [:]
        var parameters: [(String, Tensor)] = []
        func trainable(_ name: String) -> (Tensor, Tensor) {
            let t = weights[name]!
            let g = Tensor(shape: t.shape)
            gradients[name] = g
            parameters.append((name, t))
            return (t, g)
        }
        var maxColumns = 1, maxWorkspace = 1
        for layer in layers {
            let a = analysis.layers[layer.id]
            let module = layer.module ?? layer.name
            let input = a.inputShapes.first ?? a.outputShape
            switch layer.op {
            case .input:
                steps.append(.input)
            case .conv2d(let c):
                let g = ConvGeometry(c, input: input, output: a.outputShape, padding: a.padding ?? .zero)
                maxColumns = max(maxColumns, g.columnRows * g.outputPixels)
                maxWorkspace = max(maxWorkspace, g.workspaceCount)
                let (w, gw) = trainable("\(module).weight")
                let (b, gb) = c.bias ? trainable("\(module).bias") : (nil, nil) as (Tensor?, Tensor?)
                steps.append(.conv(g, weight: w, bias: b, gradWeight: gw, gradBias: gb))
            case .dense(let d):
                let (w, gw) = trainable("\(module).weight")
                let (b, gb) = d.bias ? trainable("\(module).bias") : (nil, nil) as (Tensor?, Tensor?)
                steps.append(.dense(in: input.channels, out: d.outFeatures, weight: w, bias: b, gradWeight: gw, gradBias: gb))
            case .batchNorm(let bn):
                let (gamma, gradGamma) = bn.affine ? trainable("\(module).weight") : (nil, nil) as (Tensor?, Tensor?)
                let (beta, gradBeta) = bn.affine ? trainable("\(module).bias") : (nil, nil) as (Tensor?, Tensor?)
                steps.append(.batchNorm(BatchNormState(
                    gamma: gamma, beta: beta, gradGamma: gradGamma, gradBeta: gradBeta,
                    mean: weights["\(module).running_mean"]!, variance: weights["\(module).running_var"]!,
                    savedMean: Tensor(shape: [input.channels]), savedInverseStd: Tensor(shape: [input.channels]),
                    epsilon: Float(bn.epsilon), momentum: Float(bn.momentum), channels: input.channels,
                    pixels: input.height * input.width)))
            case .activation(let kind):
                steps.append(.activation(kind))
            case .pool(let p):
                let g = PoolGeometry(p, input: input, output: a.outputShape, padding: a.padding ?? .zero)
                maxWorkspace = max(maxWorkspace, g.scratchCount)
                steps.append(.pool(p.kind, g))
            case .globalAvgPool:
                steps.append(.adaptiveAvgPool(input, out: Size2(1, 1)))
            case .adaptiveAvgPool(let size):
                steps.append(.adaptiveAvgPool(input, out: size))
            case .flatten, .identity, .stochasticDepth:
                steps.append(.passThrough)
            case .dropout(let p):
                steps.append(.dropout(probability: Float(p), mask: Tensor(shape: [batchSize, perSample[layer.id]])))
            case .concat:
                steps.append(.concat(a.inputShapes.map { $0.elementCount ?? 0 }))
            case .add:
                steps.append(.add)
            case .localResponseNorm, .multiply, .zeroPad, .crop:
                throw .unsupported(layer: layer.name, op: layer.op.typeName)
            }
        }
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
        for layer in layers.dropFirst() { forward(layer) }
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
        let result = softmaxCrossEntropy(gradLogits: layerGradients[logitsLayer].data, logits: activations[logitsLayer].data,
                                         labels: labels, classes: classes)
        for id in stride(from: logitsLayer, to: 0, by: -1) { backward(layers[id]) }
        return result
    }

    // MARK: - Layers

    private func forward(_ layer: Layer) {
        let id = layer.id, n = count
        let out = activations[id].data, outCount = perSample[id]
        let source = layer.inputs.first ?? 0
        let inp = UnsafePointer(activations[source].data), inCount = perSample[source]
        switch steps[id] {
        case .input:
            break
        case .conv(let g, let weight, let bias, _, _):
            for s in 0..<n {
                conv2dForward(output: out + s * outCount, input: inp + s * inCount, weight: weight.data,
                              bias: bias.map { UnsafePointer($0.data) }, geometry: g, workspace: workspace)
            }
        case .dense(let inFeatures, let outFeatures, let weight, let bias, _, _):
            denseBatchForward(output: out, input: inp, weight: weight.data, bias: bias.map { UnsafePointer($0.data) },
                              batch: n, inFeatures: inFeatures, outFeatures: outFeatures)
        case .batchNorm(let bn):
            let gamma = bn.gamma.map { UnsafePointer($0.data) }, beta = bn.beta.map { UnsafePointer($0.data) }
            if training {
                batchNormTrainingForward(output: out, input: inp, batch: n, channels: bn.channels, pixels: bn.pixels,
                                         gamma: gamma, beta: beta, runningMean: bn.mean.data, runningVariance: bn.variance.data,
                                         savedMean: bn.savedMean.data, savedInverseStd: bn.savedInverseStd.data,
                                         epsilon: bn.epsilon, momentum: bn.momentum)
            } else {
                for s in 0..<n {
                    batchNormForward(output: out + s * outCount, input: inp + s * inCount, channels: bn.channels, pixels: bn.pixels,
                                     gamma: gamma, beta: beta, mean: bn.mean.data, variance: bn.variance.data, epsilon: bn.epsilon)
                }
            }
        case .activation(.softmax):
            let shape = analysis.layers[source].outputShape
            for s in 0..<n {
                softmaxForward(output: out + s * outCount, input: inp + s * inCount, channels: shape.channels,
                               pixels: shape.height * shape.width)
            }
        case .activation(let kind):
            activationForward(kind, output: out, input: inp, count: n * outCount)
        case .pool(let kind, let g):
            for s in 0..<n {
                pool2dForward(kind, output: out + s * outCount, input: inp + s * inCount, geometry: g, scratch: workspace)
            }
        case .adaptiveAvgPool(let shape, let size):
            for s in 0..<n {
                adaptiveAvgPool2dForward(output: out + s * outCount, input: inp + s * inCount, channels: shape.channels,
                                         inHeight: shape.height, inWidth: shape.width, outHeight: size.h, outWidth: size.w)
            }
        case .passThrough:
            out.update(from: inp, count: n * outCount)
        case .dropout(let p, let mask):
            guard training, p > 0 else {
                out.update(from: inp, count: n * outCount)
                return
            }
            let keep = 1 / (1 - p)
            for i in 0..<(n * outCount) {
                if !reusesDropoutMasks { mask[i] = random.uniform() < Double(p) ? 0 : keep }
                out[i] = inp[i] * mask[i]
            }
        case .concat(let counts):
            for s in 0..<n {
                concatForward(output: out + s * outCount,
                              inputs: zip(layer.inputs, counts).map { UnsafePointer(activations[$0].data + s * $1) }, counts: counts)
            }
        case .add:
            addForward(output: out, inputs: layer.inputs.map { UnsafePointer(activations[$0].data) }, count: n * outCount)
        }
    }

    private func backward(_ layer: Layer) {
        let id = layer.id, n = count
        let gradOut = UnsafePointer(layerGradients[id].data), outCount = perSample[id]
        let source = layer.inputs.first ?? 0
        let inp = UnsafePointer(activations[source].data), inCount = perSample[source]
        let gradIn: UnsafeMutablePointer<Float>? = source == 0 && !computesInputGradient ? nil : layerGradients[source].data
        switch steps[id] {
        case .input:
            break
        case .conv(let g, let weight, _, let gradWeight, let gradBias):
            for s in 0..<n {
                conv2dBackward(gradInput: gradIn.map { $0 + s * inCount }, gradWeight: gradWeight.data, gradBias: gradBias?.data,
                               gradOutput: gradOut + s * outCount, input: inp + s * inCount, weight: weight.data,
                               geometry: g, columns: columns)
            }
        case .dense(let inFeatures, let outFeatures, let weight, _, let gradWeight, let gradBias):
            denseBackward(gradInput: gradIn, gradWeight: gradWeight.data, gradBias: gradBias?.data, gradOutput: gradOut,
                          input: inp, weight: weight.data, batch: n, inFeatures: inFeatures, outFeatures: outFeatures)
        case .batchNorm(let bn):
            precondition(training, "backward needs a forward pass in training mode")
            batchNormTrainingBackward(gradInput: gradIn, gradGamma: bn.gradGamma?.data, gradBeta: bn.gradBeta?.data,
                                      gradOutput: gradOut, input: inp, batch: n, channels: bn.channels, pixels: bn.pixels,
                                      gamma: bn.gamma.map { UnsafePointer($0.data) }, savedMean: bn.savedMean.data,
                                      savedInverseStd: bn.savedInverseStd.data)
        case .activation(.softmax):
            guard let gradIn else { return }
            let shape = analysis.layers[source].outputShape
            for s in 0..<n {
                softmaxBackward(gradInput: gradIn + s * inCount, gradOutput: gradOut + s * outCount,
                                output: activations[id].data + s * outCount, channels: shape.channels, pixels: shape.height * shape.width)
            }
        case .activation(let kind):
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
        case .adaptiveAvgPool(let shape, let size):
            guard let gradIn else { return }
            for s in 0..<n {
                adaptiveAvgPool2dBackward(gradInput: gradIn + s * inCount, gradOutput: gradOut + s * outCount, channels: shape.channels,
                                          inHeight: shape.height, inWidth: shape.width, outHeight: size.h, outWidth: size.w)
            }
        case .passThrough:
            guard let gradIn else { return }
            for i in 0..<(n * outCount) { gradIn[i] += gradOut[i] }
        case .dropout(let p, let mask):
            guard let gradIn else { return }
            if training && p > 0 {
                for i in 0..<(n * outCount) { gradIn[i] += gradOut[i] * mask[i] }
            } else {
                for i in 0..<(n * outCount) { gradIn[i] += gradOut[i] }
            }
        case .concat(let counts):
            var offset = 0
            for (input, part) in zip(layer.inputs, counts) {
                defer { offset += part }
                guard input != 0 || computesInputGradient else { continue }
                let g = layerGradients[input].data
                for s in 0..<n {
                    for i in 0..<part { g[s * part + i] += gradOut[s * outCount + offset + i] }
                }
            }
        case .add:
            for input in layer.inputs where input != 0 || computesInputGradient {
                let g = layerGradients[input].data
                for i in 0..<(n * outCount) { g[i] += gradOut[i] }
            }
        }
    }
}

/// Why a graph cannot be trained.
public enum TrainingError: Error, Hashable, Sendable, CustomStringConvertible {
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
}
