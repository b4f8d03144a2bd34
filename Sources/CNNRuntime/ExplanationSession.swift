import CNNData
import CNNEngine
import CNNModel
import CNNZoo
import Foundation

/// Explanations (`ExplainRun`'s methods) computed on a background thread for a UI: the latest
/// request wins, cancelling the one in progress; progress and the result are handed over as
/// values (`snapshot`). The engine's gradients need their own buffers (a batch of one), made on
/// that thread when the first request comes.
public final class ExplanationSession {
    /// One request: the method and its settings (`ExplainRun.Settings`; the input is `input`).
    public struct Request: Sendable {
        public var settings: ExplainRun.Settings
        /// The input as fed, `[C·H·W]`.
        public var input: [Float]

        public init(settings: ExplainRun.Settings, input: [Float]) {
            self.settings = settings
            self.input = input
        }
    }

    public enum Phase: Sendable {
        case idle
        case preparing
        /// Steps done of all (occlusion positions, samples).
        case computing(done: Int, total: Int)
        case done
        case failed(String)
    }

    public struct Snapshot: Sendable {
        public var request: Request?
        public var phase: Phase = .idle
        public var result: ExplainRun.Result?
        public var version = 0

        public var isBusy: Bool {
            switch phase {
            case .preparing, .computing: true
            default: false
            }
        }
    }

    private let worker: ExplanationWorker

    public init(model: ZooModel, analysis: ModelAnalysis, assets: SampleFiles?, weightsFile: String? = nil, seed: UInt64 = ModelWeights.defaultSeed) {
        worker = ExplanationWorker(model: model, analysis: analysis, assets: assets, weightsFile: weightsFile, seed: seed)
        let worker = self.worker
        let thread = Thread { worker.main() }
        thread.name = "cnn-tui explanations"
        thread.start()
    }

    deinit { worker.stop() }

    public var snapshot: Snapshot { worker.locked { worker.snapshot } }
    public var isBusy: Bool { snapshot.isBusy }

    /// Computes `request`, cancelling what is under way.
    public func request(_ request: Request) {
        worker.locked {
            worker.generation += 1
            worker.pending = request
            worker.snapshot.request = request
            worker.snapshot.result = nil
            worker.snapshot.phase = worker.explainer == nil ? .preparing : .computing(done: 0, total: 0)
            worker.snapshot.version += 1
            worker.condition.broadcast()
        }
    }

    /// Blocks until the current request is done (for tests).
    public func waitUntilIdle() {
        worker.locked { while worker.snapshot.isBusy { worker.condition.wait() } }
    }
}

/// What the session and its thread share, behind `condition`'s lock.
private final class ExplanationWorker: @unchecked Sendable {
    let model: ZooModel
    let analysis: ModelAnalysis
    let assets: SampleFiles?
    let weightsFile: String?
    let seed: UInt64
    let condition = NSCondition()
    var snapshot = ExplanationSession.Snapshot()
    var pending: ExplanationSession.Request?
    var generation = 0
    var stopped = false
    /// Made and used by the worker's thread alone (read under the lock only to say whether it exists).
    var explainer: Explainer?
    /// Top patches already found with these weights (the worker's thread alone).
    let topPatches = TopPatchCache()

    init(model: ZooModel, analysis: ModelAnalysis, assets: SampleFiles?, weightsFile: String?, seed: UInt64) {
        (self.model, self.analysis, self.assets, self.weightsFile, self.seed) = (model, analysis, assets, weightsFile, seed)
    }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        return try body()
    }

    func stop() {
        locked {
            stopped = true
            condition.broadcast()
        }
    }

    private func publish(_ current: Int, _ change: (inout ExplanationSession.Snapshot) -> Void) {
        locked {
            guard generation == current else { return }
            change(&snapshot)
            snapshot.version += 1
            condition.broadcast()
        }
    }

    func main() {
        while true {
            condition.lock()
            while !stopped && pending == nil { condition.wait() }
            guard !stopped, let request = pending else {
                condition.unlock()
                return
            }
            pending = nil
            let current = generation
            condition.unlock()
            do {
                let explainer = try self.explainer ?? prepare()
                explainer.run(request.input)
                let run = ExplainRun(model: model, analysis: analysis, settings: request.settings, assets: assets)
                let result = try run.compute(
                    explainer, cache: topPatches, isCancelled: { locked { stopped || generation != current } },
                    progress: { done, total in publish(current) { $0.phase = .computing(done: done, total: total) } })
                guard let result else { continue }
                publish(current) {
                    $0.result = result
                    $0.phase = .done
                }
            } catch {
                publish(current) { $0.phase = .failed("\(error)") }
            }
        }
    }

    private func prepare() throws -> Explainer {
        let loaded = try ModelWeights.load(model, analysis: analysis, file: weightsFile, seed: seed, assets: assets)
        let made: Explainer
        do { made = try Explainer(analysis: analysis, weights: loaded.weights, batchSize: 1) } catch {
            throw ExplainRunError.cannotExplain(error)
        }
        locked { explainer = made }
        return made
    }
}
