import CNNData
import CNNEngine
import CNNModel
import CNNZoo
import Foundation

/// A forward pass of one model computed on a background thread, layer by layer, so that a UI
/// stays responsive while a large model works. Preparing (weights, buffers) happens on that
/// thread too. A new input cancels the pass in progress between two layers; each finished
/// layer's output is copied out as a value (`snapshot`) while later ones compute. Batchnorm is
/// not folded, so each layer's output is its own.
///
/// The session belongs to the thread that made it (the UI's): it is not `Sendable`. Only its
/// worker is shared with the engine thread, and everything they share sits behind its lock.
public final class InferenceSession {
    public typealias Phase = InferenceSnapshot.Phase

    public let model: ZooModel
    public let analysis: ModelAnalysis
    private let worker: Worker

    /// Starts preparing at once (weights from `weightsFile`, else the model's own or random from
    /// `seed`; see `ModelWeights.load`).
    public init(model: ZooModel, analysis: ModelAnalysis, assets: SampleFiles?, weightsFile: String? = nil, seed: UInt64 = ModelWeights.defaultSeed) {
        self.model = model
        self.analysis = analysis
        worker = Worker(model: model, analysis: analysis, assets: assets, weightsFile: weightsFile, seed: seed)
        let worker = self.worker
        let thread = Thread { worker.main() }
        thread.name = "cnn-tui engine"
        thread.start()
    }

    deinit {
        worker.stop()
    }

    /// What the session shows now, as one consistent reading (cheap: the arrays are shared).
    public var snapshot: InferenceSnapshot { worker.locked { worker.snapshot } }

    /// Whether work is under way (a UI keeps redrawing while it is).
    public var isBusy: Bool { worker.locked { worker.snapshot.isBusy } }

    /// Runs `sample`, fitted to the model's input, cancelling the pass in progress.
    public func run(_ sample: Sample) {
        // An input too large for the engine: preparing says why (`Weights.checkSizes`).
        guard SizeLimits.allows([1] + analysis.input.dims) else { return }
        let input = ModelInput.tensor(sample.image, shape: analysis.input, labels: model.labels)
        worker.locked {
            worker.generation += 1
            worker.pendingInput = input
            worker.snapshot.sample = sample
            worker.snapshot.computedThrough = -1
            worker.snapshot.outputs = [:]
            worker.snapshot.seconds = nil
            if case .failed = worker.snapshot.phase {} else if worker.isPrepared { worker.snapshot.phase = .computing(0) }
            worker.snapshot.version += 1
            worker.condition.broadcast()
        }
    }

    /// Blocks until the current work is finished (for tests and batch use).
    public func waitUntilIdle() {
        worker.locked {
            while worker.snapshot.isBusy { worker.condition.wait() }
        }
    }
}

/// What the session and its engine thread share, every field behind `condition`'s lock (hence
/// `@unchecked`: the lock, not the type system, keeps it safe). The executor itself is used by
/// the engine thread alone.
private final class Worker: @unchecked Sendable {
    let model: ZooModel
    let analysis: ModelAnalysis
    let assets: SampleFiles?
    let weightsFile: String?
    let seed: UInt64
    let condition = NSCondition()
    var snapshot = InferenceSnapshot()
    var generation = 0
    var pendingInput: Tensor?
    var stopped = false
    var isPrepared = false

    init(model: ZooModel, analysis: ModelAnalysis, assets: SampleFiles?, weightsFile: String?, seed: UInt64) {
        self.model = model
        self.analysis = analysis
        self.assets = assets
        self.weightsFile = weightsFile
        self.seed = seed
    }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        return try body()
    }

    /// Changes the snapshot and wakes whoever waits for it (the engine thread, `waitUntilIdle`).
    private func update(_ body: (inout InferenceSnapshot) -> Void) {
        locked {
            body(&snapshot)
            snapshot.version += 1
            condition.broadcast()
        }
    }

    func stop() {
        locked {
            stopped = true
            condition.broadcast()
        }
    }

    func main() {
        let prepared: Executor
        do {
            let loaded = try ModelWeights.load(model, analysis: analysis, file: weightsFile, seed: seed, assets: assets)
            if locked({ stopped }) { return }  // closed while preparing: don't allocate the buffers
            prepared = try Executor(analysis: analysis, weights: loaded.weights, fuse: false)
            let parameters = Self.kernels(loaded.weights, analysis: analysis)
            locked { isPrepared = true }
            update {
                $0.parameters = parameters
                $0.weights = loaded.description
                $0.isTrained = loaded.isTrained
                $0.phase = self.pendingInput == nil ? .done : .computing(0)
            }
        } catch {
            update { $0.phase = .failed("\(error)") }
            return
        }
        while true {
            condition.lock()
            while !stopped && pendingInput == nil { condition.wait() }
            guard !stopped, let input = pendingInput else {
                condition.unlock()
                return
            }
            pendingInput = nil
            let current = generation
            condition.unlock()

            let start = Date()
            do { try prepared.setInput(input) } catch {
                update { $0.phase = .failed("\(error)") }
                continue
            }
            publish(prepared, current, finished: 0)
            let last = analysis.graph.layers.count - 1
            let complete = prepared.run(isCancelled: { locked { stopped || generation != current } }) { layer in
                publish(prepared, current, finished: layer)
            }
            if complete || last == 0 {
                let seconds = Date().timeIntervalSince(start)
                locked {
                    guard generation == current else { return }
                    snapshot.phase = .done
                    snapshot.seconds = seconds
                    snapshot.version += 1
                    condition.broadcast()
                }
            }
        }
    }

    /// Copies `layer`'s output out of the engine (on the engine thread, outside the lock) and
    /// hands it over if the input is still the current one.
    private func publish(_ executor: Executor, _ current: Int, finished layer: Int) {
        let tensor = executor.output(layer)
        let values = LayerValues(
            shape: analysis.layers[layer].outputShape,
            copying: UnsafeBufferPointer(start: tensor.data, count: tensor.count))
        locked {
            guard generation == current else { return }
            snapshot.outputs[layer] = values
            snapshot.computedThrough = layer
            // The last layer's output leaves the phase at computing: the pass is done once its
            // time is stored with it (in `main`), so a snapshot that says done has its time.
            snapshot.phase = .computing(min(layer + 1, analysis.graph.layers.count - 1))
            snapshot.version += 1
            condition.broadcast()
        }
    }

    /// The weight tensor of every convolution and dense layer, by layer id.
    private static func kernels(_ weights: Weights, analysis: ModelAnalysis) -> [Int: ParameterValues] {
        var out: [Int: ParameterValues] = [:]
        for layer in analysis.graph.layers where layer.op.isWeightLayer {
            if let tensor = weights.tensor(layer: layer.id, role: .weight, in: analysis) { out[layer.id] = ParameterValues(tensor) }
        }
        return out
    }
}
