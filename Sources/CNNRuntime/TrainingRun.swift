import CNNData
import CNNEngine
import CNNModel
import CNNZoo
import Foundation

/// Training a zoo model on a data-set folder, epoch by epoch, keeping the best weights by test
/// accuracy: what `cnn-tui train` runs. Reproducible from its seed (initialization, shuffling,
/// dropout) with the same thread count.
public final class TrainingRun {
    public struct Settings: Sendable {
        public var epochs: Int
        public var batchSize: Int
        public var optimizer: Optimizer.Settings
        public var seed: UInt64
        /// Random shifts of the training images, in pixels each way (0: none).
        public var maxShift: Int

        public init(epochs: Int, batchSize: Int, optimizer: Optimizer.Settings, seed: UInt64, maxShift: Int = 0) {
            self.maxShift = maxShift
            self.epochs = epochs
            self.batchSize = batchSize
            self.optimizer = optimizer
            self.seed = seed
        }
    }

    public let analysis: ModelAnalysis
    public let settings: Settings
    public let train: LabeledSamples
    public let test: LabeledSamples
    public let trainer: Trainer
    public private(set) var results: [EpochResult] = []
    /// The epoch with the best test accuracy so far.
    public private(set) var best: EpochResult?
    private let optimizer: Optimizer
    private var random: NormalGenerator

    public init(model: ZooModel, analysis: ModelAnalysis, data: DatasetFolder, settings: Settings) throws {
        let classes = analysis.layers.last.map { $0.outputShape.channels } ?? 0
        if let label = (data.train + data.test).compactMap(\.label).first(where: { $0 >= classes }) {
            throw DataError(data.path, "has class \(label), but \(model.name) outputs \(classes) classes")
        }
        self.analysis = analysis
        self.settings = settings
        try Weights.checkSizes(analysis, batch: settings.batchSize)
        train = try ModelInput.samples(data.train, shape: analysis.input, labels: model.labels, file: data.path)
        test = try ModelInput.samples(data.test, shape: analysis.input, labels: model.labels, file: data.path)
        trainer = try Trainer(
            analysis: analysis, weights: .heInitialized(analysis, seed: settings.seed),
            batchSize: settings.batchSize, seed: settings.seed)
        optimizer = Optimizer(settings.optimizer)
        random = NormalGenerator(seed: settings.seed ^ 0x5348_5546_464C_4531)  // the shuffles' own stream
    }

    /// Trains the next epoch. Calls `improved` with a copy of the weights when the test accuracy
    /// beats every earlier epoch. Returns nil when cancelled (between batches).
    public func runEpoch(
        isCancelled: () -> Bool = { false }, progress: (BatchProgress) -> Void = { _ in },
        improved: ([String: Tensor], EpochResult) throws -> Void
    ) throws -> EpochResult? {
        guard
            let result = trainer.trainEpoch(
                results.count + 1, train: train, test: test, optimizer: optimizer, random: &random,
                maxShift: settings.maxShift, isCancelled: isCancelled, progress: progress)
        else { return nil }
        results.append(result)
        if best.map({ result.testAccuracy > $0.testAccuracy }) ?? true {
            best = result
            try improved(snapshot(), result)
        }
        return result
    }

    /// How a run of every epoch ended.
    public enum Outcome: Sendable {
        /// Every epoch ran; the best one's weights are in the file.
        case finished(best: EpochResult?)
        /// Ctrl-C after `best`'s epoch; its weights are in the file.
        case interrupted(best: EpochResult)
        /// Ctrl-C inside the first epoch; the weights so far, with this test accuracy, are in the file.
        case interruptedInFirstEpoch(testAccuracy: Double)
    }

    /// Trains every epoch, writing the best weights so far to `checkpoint` (with `command`, the
    /// command line that made them, in the metadata). Ctrl-C stops between two batches; the file
    /// then keeps the best epoch's weights, or the weights so far when no epoch has finished.
    /// The file is checked before the first batch, so a bad path fails at once.
    public func train(
        saving checkpoint: OutputFile, command: String, progress: (BatchProgress) -> Void = { _ in },
        epochFinished: (EpochResult, _ saved: Bool) -> Void = { _, _ in }
    ) throws -> Outcome {
        try checkpoint.check()
        return try Interruption.catching { isInterrupted in
            while results.count < settings.epochs {
                let result = try runEpoch(isCancelled: isInterrupted, progress: progress) { weights, result in
                    try save(weights, to: checkpoint, command: command, epoch: String(result.epoch), accuracy: result.testAccuracy)
                }
                guard let result else { break }
                epochFinished(result, best?.epoch == result.epoch)
            }
            guard isInterrupted() else { return .finished(best: best) }
            if let best { return .interrupted(best: best) }
            // Stopped inside the first epoch: the weights so far are the best there are.
            let accuracy = trainer.evaluate(test).accuracy
            try save(snapshot(), to: checkpoint, command: command, epoch: "interrupted in 1", accuracy: accuracy)
            return .interruptedInFirstEpoch(testAccuracy: accuracy)
        }
    }

    /// Writes the weights with what made them.
    private func save(_ weights: [String: Tensor], to file: OutputFile, command: String, epoch: String, accuracy: Double) throws {
        let metadata = [
            "model": analysis.graph.name,
            "epoch": epoch,
            "test_accuracy": formatFixed(accuracy, digits: 4),
            "command": command,
        ]
        try file.write { try Safetensors.write(weights, to: $0, metadata: metadata) }
    }

    /// The data set to train on: the folder at `path`, else the bundled MNIST digits in `assets`.
    public static func dataFolder(_ path: String?, assets: SampleFiles?) throws -> DatasetFolder {
        if let path { return try DatasetFolder.load(path) }
        guard let assets else { throw TrainingRunError.noBundledSamples }
        return try DatasetFolder.load(assets.folder(.mnist))
    }

    /// A copy of the current weights (trained tensors and batchnorm statistics).
    public func snapshot() -> [String: Tensor] {
        trainer.weights.tensors.mapValues { Tensor(shape: $0.shape, values: $0.values) }
    }
}

/// Why a training run cannot start, in one line.
public enum TrainingRunError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    case noBundledSamples

    public var description: String {
        switch self {
        case .noBundledSamples: return "cannot find the bundled samples (Assets/); give --data DIR or set CNN_TUI_ASSETS"
        }
    }

    public var errorDescription: String? { description }
}
