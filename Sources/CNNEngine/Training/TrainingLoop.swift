import CNNModel

/// Labelled samples already fitted to a model's input: `count` rows of `sampleSize` floats.
public struct LabeledSamples: Sendable {
    public let inputs: [Float]
    public let labels: [Int]
    public let sampleSize: Int

    public init(inputs: [Float], labels: [Int], sampleSize: Int) {
        precondition(inputs.count == labels.count * sampleSize, "\(inputs.count) floats for \(labels.count) samples of \(sampleSize)")
        self.inputs = inputs
        self.labels = labels
        self.sampleSize = sampleSize
    }

    public var count: Int { labels.count }
}

/// Where an epoch is, for a progress bar.
public struct BatchProgress: Sendable {
    public let epoch: Int
    public let samplesDone: Int
    public let samplesTotal: Int
    /// Mean loss and accuracy over the epoch's batches so far.
    public let loss: Double
    public let accuracy: Double
    public let imagesPerSecond: Double
}

/// One epoch's figures.
public struct EpochResult: Sendable {
    public let epoch: Int
    public let trainLoss: Double
    /// Accuracy on the training batches as they were trained (in training mode, weights moving).
    public let trainAccuracy: Double
    public let testLoss: Double
    public let testAccuracy: Double
    public let seconds: Double
    public let imagesPerSecond: Double
}

extension Trainer {
    /// Loss and accuracy over `data` at inference (batchnorm with running statistics, no dropout).
    public func evaluate(_ data: LabeledSamples) -> (loss: Double, accuracy: Double) {
        var loss = 0.0, correct = 0
        data.inputs.withUnsafeBufferPointer { inputs in
            var start = 0
            while start < data.count {
                let n = min(batchSize, data.count - start)
                forward(inputs.baseAddress! + start * data.sampleSize, count: n, training: false)
                let result = self.loss(labels: Array(data.labels[start..<(start + n)]))
                loss += result.loss * Double(n)
                correct += result.correct
                start += n
            }
        }
        return (loss / Double(max(data.count, 1)), Double(correct) / Double(max(data.count, 1)))
    }

    /// One pass over `train` in shuffled mini-batches (the order drawn from `random`), one
    /// optimizer step per batch, then an evaluation on `test`. With `maxShift` > 0 each training
    /// image moves by a random whole number of pixels in -maxShift...maxShift each way (the
    /// borders repeated), the simplest of the distortions LeNet-5's paper trained with. Returns
    /// nil when cancelled (checked between batches); the weights then hold the updates made so far.
    public func trainEpoch(
        _ epoch: Int, train: LabeledSamples, test: LabeledSamples, optimizer: Optimizer, random: inout NormalGenerator,
        maxShift: Int = 0, isCancelled: () -> Bool = { false }, progress: (BatchProgress) -> Void = { _ in }
    ) -> EpochResult? {
        precondition(train.sampleSize == perSampleInput, "samples of \(train.sampleSize) floats, the model takes \(perSampleInput)")
        var order = Array(0..<train.count)
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, min(Int(random.uniform() * Double(i + 1)), i))
        }
        let batch = Tensor(shape: [batchSize, train.sampleSize])
        let start = monotonicSeconds()
        var done = 0, lossSum = 0.0, correct = 0
        while done < train.count {
            if isCancelled() { return nil }
            let n = min(batchSize, train.count - done)
            var labels: [Int] = []
            train.inputs.withUnsafeBufferPointer { inputs in
                for s in 0..<n {
                    let index = order[done + s]
                    let source = inputs.baseAddress! + index * train.sampleSize, target = batch.data + s * train.sampleSize
                    if maxShift > 0 {
                        let dy = Int(random.uniform() * Double(2 * maxShift + 1)) - maxShift
                        let dx = Int(random.uniform() * Double(2 * maxShift + 1)) - maxShift
                        shifted(target, source, shape: analysis.input, dy: dy, dx: dx)
                    } else {
                        target.update(from: source, count: train.sampleSize)
                    }
                    labels.append(train.labels[index])
                }
            }
            forward(batch.data, count: n, training: true)
            let result = backward(labels: labels)
            optimizer.step(parameters, gradients: gradients)
            lossSum += result.loss * Double(n)
            correct += result.correct
            done += n
            let elapsed = monotonicSeconds() - start
            progress(
                BatchProgress(
                    epoch: epoch, samplesDone: done, samplesTotal: train.count, loss: lossSum / Double(done),
                    accuracy: Double(correct) / Double(done), imagesPerSecond: Double(done) / max(elapsed, 1e-9)))
        }
        let seconds = monotonicSeconds() - start
        let tested = evaluate(test)
        return EpochResult(
            epoch: epoch, trainLoss: lossSum / Double(max(done, 1)), trainAccuracy: Double(correct) / Double(max(done, 1)),
            testLoss: tested.loss, testAccuracy: tested.accuracy, seconds: seconds,
            imagesPerSecond: Double(done) / max(seconds, 1e-9))
    }

    /// `source` moved down by `dy` and right by `dx` pixels, the edge pixels repeated into the gap.
    private func shifted(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, shape: TensorShape, dy: Int, dx: Int) {
        let (h, w) = (shape.height, shape.width)
        for c in 0..<shape.channels {
            for y in 0..<h {
                let sy = min(max(y - dy, 0), h - 1)
                let row = source + (c * h + sy) * w, out = target + (c * h + y) * w
                for x in 0..<w { out[x] = row[min(max(x - dx, 0), w - 1)] }
            }
        }
    }

    /// Floats per input sample.
    public var perSampleInput: Int { analysis.input.elementCount ?? 0 }
}
