import CNNModel
import Foundation

/// What a unit sees and what a prediction looks at, from gradients of the network's output
/// (inference mode: batchnorm fixed, dropout off): a unit's input gradient (its effective
/// receptive field, Luo et al. 2016), Grad-CAM (Selvaraju et al. 2017), guided backpropagation
/// (Springenberg et al. 2015) and occlusion (Zeiler and Fergus 2013), over the trainer's
/// backward passes.
public final class Explainer {
    public let analysis: ModelAnalysis
    private let trainer: Trainer
    /// The input of the last `run`, `[C·H·W]`.
    public private(set) var input: [Float] = []

    /// `batchSize` bounds how many occluded copies one forward pass takes.
    public init(analysis: ModelAnalysis, weights: Weights, batchSize: Int = 16) throws(TrainingError) {
        self.analysis = analysis
        trainer = try Trainer(analysis: analysis, weights: weights, batchSize: batchSize)
        trainer.computesInputGradient = true
        trainer.computesWeightGradients = false
    }

    /// The layer whose outputs are the class scores (before a final softmax).
    public var logitsLayer: Int { trainer.logitsLayer }
    public var classes: Int { trainer.classes }

    /// Runs `input` (`[C·H·W]`) through the network in inference mode.
    public func run(_ input: [Float]) {
        precondition(input.count == analysis.input.elementCount, "an input of \(analysis.input)")
        self.input = input
        input.withUnsafeBufferPointer { trainer.forward($0.baseAddress!, count: 1, training: false) }
    }

    /// The class scores of the last `run` (pre-softmax) and their softmax.
    public var logits: [Float] { Array(UnsafeBufferPointer(start: trainer.output(logitsLayer), count: classes)) }
    public var probabilities: [Float] { Self.softmax(logits) }

    /// `layer`'s output for the last `run`.
    public func output(of layer: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: trainer.output(layer), count: trainer.elementCount(of: layer)))
    }

    /// The gradient of one unit of `layer` (`channel`, row `y`, column `x`) with respect to the
    /// input, `[C·H·W]`, exact: where it is not zero is the unit's effective receptive field.
    public func inputGradient(ofUnit layer: Int, channel: Int, y: Int, x: Int) -> [Float] {
        let shape = analysis.layers[layer].outputShape
        precondition(channel < shape.channels && y < shape.height && x < shape.width, "a unit of \(shape)")
        var seed = [Float](repeating: 0, count: trainer.elementCount(of: layer))
        seed[(channel * shape.height + y) * shape.width + x] = 1
        seed.withUnsafeBufferPointer { trainer.backward(from: layer, seed: $0.baseAddress!) }
        return Array(UnsafeBufferPointer(start: trainer.inputGradient, count: input.count))
    }

    /// Grad-CAM for class `classIndex` at `layer`: `ReLU(Σ_k α_k A_k)` with `α_k` the mean over
    /// the map of `∂y/∂A_k`, `y` the class's score before softmax; `[H·W]` at the layer's
    /// resolution, not normalized.
    public func gradCAM(layer: Int, classIndex: Int) -> [Float] {
        backwardFromClass(classIndex)
        let shape = analysis.layers[layer].outputShape
        let pixels = shape.height * shape.width
        let (a, g) = (trainer.output(layer), trainer.gradient(of: layer))
        var map = [Float](repeating: 0, count: pixels)
        for k in 0..<shape.channels {
            var alpha: Float = 0
            for p in 0..<pixels { alpha += g[k * pixels + p] }
            alpha /= Float(pixels)
            for p in 0..<pixels { map[p] += alpha * a[k * pixels + p] }
        }
        return map.map { max($0, 0) }
    }

    /// Guided backpropagation of class `classIndex`'s score to the input, `[C·H·W]`.
    public func guidedBackpropagation(classIndex: Int) -> [Float] {
        trainer.guidedReLU = true
        defer { trainer.guidedReLU = false }
        backwardFromClass(classIndex)
        return Array(UnsafeBufferPointer(start: trainer.inputGradient, count: input.count))
    }

    private func backwardFromClass(_ classIndex: Int) {
        precondition(classIndex >= 0 && classIndex < classes, "a class of \(classes)")
        var seed = [Float](repeating: 0, count: classes)
        seed[classIndex] = 1
        seed.withUnsafeBufferPointer { trainer.backward(from: logitsLayer, seed: $0.baseAddress!) }
    }

    /// Occlusion positions for a `patch` x `patch` square moved by `stride` over the input.
    public func occlusionGrid(patch: Int, stride: Int) -> (rows: Int, columns: Int) {
        let (h, w) = (analysis.input.height, analysis.input.width)
        guard patch >= 1, stride >= 1, patch <= h, patch <= w else { return (0, 0) }
        return ((h - patch) / stride + 1, (w - patch) / stride + 1)
    }

    /// Zeiler and Fergus's occlusion experiment on the last `run`'s input: for each position of a
    /// `patch` x `patch` square moved by `stride`, the drop in class `classIndex`'s probability
    /// when the square (every channel) is set to `fill` (0: the data set's mean, grey, in the
    /// normalized input). `[rows·columns]`, row by row; nil if `isCancelled` stops it.
    /// `progress` gets the positions done and their number.
    public func occlusion(
        classIndex: Int, patch: Int, stride: Int, fill: Float = 0, isCancelled: () -> Bool = { false },
        progress: (Int, Int) -> Void = { _, _ in }
    ) -> [Float]? {
        let original = input
        let baseline = probabilities[classIndex]
        let (rows, columns) = occlusionGrid(patch: patch, stride: stride)
        let (c, h, w) = (analysis.input.channels, analysis.input.height, analysis.input.width)
        let positions = rows * columns
        var drops = [Float](repeating: 0, count: positions)
        var batch = [Float](repeating: 0, count: trainer.batchSize * original.count)
        var first = 0
        while first < positions {
            if isCancelled() { return nil }
            let n = min(trainer.batchSize, positions - first)
            for s in 0..<n {
                let (row, column) = ((first + s) / columns, (first + s) % columns)
                let base = s * original.count
                batch.replaceSubrange(base..<base + original.count, with: original)
                for ch in 0..<c {
                    for y in row * stride..<row * stride + patch {
                        for x in column * stride..<column * stride + patch { batch[base + (ch * h + y) * w + x] = fill }
                    }
                }
            }
            batch.withUnsafeBufferPointer { trainer.forward($0.baseAddress!, count: n, training: false) }
            for s in 0..<n {
                let scores = Array(UnsafeBufferPointer(start: trainer.output(logitsLayer, sample: s), count: classes))
                drops[first + s] = baseline - Self.softmax(scores)[classIndex]
            }
            first += n
            progress(first, positions)
        }
        run(original)  // the trainer's buffers back on the image itself
        return drops
    }

    static func softmax(_ x: [Float]) -> [Float] {
        let m = x.max() ?? 0
        let e = x.map { Foundation.exp(Double($0 - m)) }
        let sum = e.reduce(0, +)
        return e.map { Float($0 / sum) }
    }
}
