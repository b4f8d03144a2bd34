import CNNData
import CNNEngine
import CNNModel
import CNNZoo
import Foundation

/// An image to run, with what is known about it.
public struct Sample: Sendable {
    public let image: Image
    /// `mnist:0`, or a file's path.
    public let name: String
    /// The true class and its name, when the data set says.
    public let label: Int?
    public let className: String?
    /// The bundled data set it comes from (`mnist`, `cifar10`, ...), nil for a file.
    public let dataset: String?

    public init(image: Image, name: String, label: Int? = nil, className: String? = nil, dataset: String? = nil) {
        self.image = image
        self.name = name
        self.label = label
        self.className = className
        self.dataset = dataset
    }

    /// The true class when it counts the same classes as `labels` (an MNIST digit for LeNet-5),
    /// nil when there is none to compare with: a CIFAR-10 "ship" is class 8, not the digit 8.
    public func label(in labels: LabelSet?) -> Int? {
        guard let label, let dataset, let labels, ModelInput.labelSetName(dataset: dataset) == labels.name else { return nil }
        return label
    }
}

/// A forward pass of one model computed on a background thread, layer by layer, so that a UI
/// stays responsive while a large model works. Preparing (weights, buffers) happens on that
/// thread too. A new input cancels the pass in progress between two layers; every finished
/// layer's output can be read while later ones compute. Batchnorm is not folded, so each
/// layer's output is its own.
public final class InferenceSession: @unchecked Sendable {
    public enum Phase: Hashable, Sendable {
        case preparing
        /// Computing this layer.
        case computing(Int)
        case done
        case failed(String)
    }

    /// What the session is doing, as one consistent reading.
    public struct Status: Sendable {
        public var phase: Phase
        /// Layers finished for the current input; -1 before the input is set.
        public var computedThrough: Int
        /// Changes whenever anything here does, so a UI knows when to redraw.
        public var version: Int
        /// Seconds the last complete pass took.
        public var seconds: Double?
        public var weights: String?
        public var isTrained: Bool
        public var sample: Sample?
    }

    public let model: ZooModel
    public let analysis: ModelAnalysis
    private let worker: Worker

    /// Starts preparing at once (weights from `weightsFile`, else the model's own or random from
    /// `seed`; see `ModelWeights.load`).
    public init(model: ZooModel, analysis: ModelAnalysis, library: SampleLibrary?, weightsFile: String? = nil, seed: UInt64 = 42) {
        self.model = model
        self.analysis = analysis
        worker = Worker(model: model, analysis: analysis, library: library, weightsFile: weightsFile, seed: seed)
        let worker = self.worker
        let thread = Thread { worker.main() }
        thread.name = "cnn-tui engine"
        thread.start()
    }

    deinit {
        worker.stop()
    }

    public var status: Status { worker.locked { worker.status } }

    /// Whether work is under way (a UI keeps redrawing while it is).
    public var isBusy: Bool {
        switch status.phase {
        case .preparing, .computing: return true
        case .done, .failed: return false
        }
    }

    /// Runs `sample`, fitted to the model's input, cancelling the pass in progress.
    public func run(_ sample: Sample) {
        let input = ModelInput.tensor(sample.image, shape: analysis.input, labels: model.labels)
        worker.locked {
            worker.generation += 1
            worker.pendingInput = input
            worker.status.sample = sample
            worker.status.computedThrough = -1
            worker.status.seconds = nil
            if case .failed = worker.status.phase {} else if worker.executor != nil { worker.status.phase = .computing(0) }
            worker.status.version += 1
            worker.ranges = [:]
            worker.condition.signal()
        }
    }

    /// Calls `body` with the output of `layer` (`C·H·W` floats) if it is computed for the current
    /// input; nil otherwise. Only the thread that calls `run` may call this: the buffers it
    /// reads are not written again until the next `run`.
    public func withOutput<T>(_ layer: Int, _ body: (UnsafeBufferPointer<Float>) -> T) -> T? {
        let executor: Executor? = worker.locked { layer <= worker.status.computedThrough ? worker.executor : nil }
        guard let executor else { return nil }
        let tensor = executor.output(layer)
        return body(UnsafeBufferPointer(start: tensor.data, count: tensor.count))
    }

    /// The smallest and largest value of `layer`'s output, cached per input.
    public func outputRange(_ layer: Int) -> (lower: Float, upper: Float)? {
        if let cached = worker.locked({ worker.ranges[layer] }) { return cached }
        let range: (Float, Float)? = withOutput(layer) { values in
            var lower = Float.infinity, upper = -Float.infinity
            for v in values where v.isFinite {
                lower = min(lower, v)
                upper = max(upper, v)
            }
            return lower <= upper ? (lower, upper) : (0, 0)
        }
        if let range { worker.locked { worker.ranges[layer] = range } }
        return range
    }

    /// A weight tensor by its state_dict name (`c1.weight`), once prepared.
    public func weight(_ name: String) -> Tensor? {
        worker.locked { worker.weights?[name] }
    }

    /// Blocks until the current work is finished (for tests and batch use).
    public func waitUntilIdle() {
        while isBusy { usleep(1000) }
    }
}

/// The state shared with the background thread, behind one lock.
private final class Worker: @unchecked Sendable {
    let model: ZooModel
    let analysis: ModelAnalysis
    let library: SampleLibrary?
    let weightsFile: String?
    let seed: UInt64
    let condition = NSCondition()
    var status = InferenceSession.Status(phase: .preparing, computedThrough: -1, version: 0, seconds: nil, weights: nil, isTrained: false)
    var generation = 0
    var pendingInput: Tensor?
    var stopped = false
    var executor: Executor?
    var weights: Weights?
    var ranges: [Int: (lower: Float, upper: Float)] = [:]

    init(model: ZooModel, analysis: ModelAnalysis, library: SampleLibrary?, weightsFile: String?, seed: UInt64) {
        self.model = model
        self.analysis = analysis
        self.library = library
        self.weightsFile = weightsFile
        self.seed = seed
    }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        return try body()
    }

    func stop() {
        locked {
            stopped = true
            condition.signal()
        }
    }

    func main() {
        let prepared: Executor
        do {
            let loaded = try ModelWeights.load(model, analysis: analysis, file: weightsFile, seed: seed, assets: library)
            if locked({ stopped }) { return }  // closed while preparing: don't allocate the buffers
            prepared = try Executor(analysis: analysis, weights: loaded.weights, fuse: false)
            locked {
                executor = prepared
                weights = loaded.weights
                status.weights = loaded.description
                status.isTrained = loaded.isTrained
                status.phase = pendingInput == nil ? .done : .computing(0)
                status.version += 1
            }
        } catch {
            locked {
                status.phase = .failed("\(error)")
                status.version += 1
            }
            return
        }
        while true {
            condition.lock()
            while !stopped && pendingInput == nil { condition.wait() }
            if stopped {
                condition.unlock()
                return
            }
            let input = pendingInput!
            pendingInput = nil
            let current = generation
            condition.unlock()

            let start = Date()
            do { try prepared.setInput(input) } catch {
                locked {
                    status.phase = .failed("\(error)")
                    status.version += 1
                }
                continue
            }
            publish(current, finished: 0)
            let last = analysis.graph.layers.count - 1
            let complete = prepared.run(isCancelled: { locked { stopped || generation != current } }) { layer in
                publish(current, finished: layer)
            }
            if complete || last == 0 {
                locked {
                    guard generation == current else { return }
                    status.phase = .done
                    status.seconds = Date().timeIntervalSince(start)
                    status.version += 1
                }
            }
        }
    }

    private func publish(_ current: Int, finished layer: Int) {
        locked {
            guard generation == current else { return }
            status.computedThrough = layer
            status.phase = layer == analysis.graph.layers.count - 1 ? .done : .computing(layer + 1)
            status.version += 1
        }
    }
}
