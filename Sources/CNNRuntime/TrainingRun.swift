import CNNData
import CNNEngine
import CNNModel
import CNNZoo

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
        train = try ModelInput.samples(data.train, shape: analysis.input, labels: model.labels, file: data.path)
        test = try ModelInput.samples(data.test, shape: analysis.input, labels: model.labels, file: data.path)
        trainer = try Trainer(analysis: analysis, weights: .heInitialized(analysis, seed: settings.seed),
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
        guard let result = trainer.trainEpoch(results.count + 1, train: train, test: test, optimizer: optimizer, random: &random,
                                              maxShift: settings.maxShift, isCancelled: isCancelled, progress: progress)
        else { return nil }
        results.append(result)
        if best.map({ result.testAccuracy > $0.testAccuracy }) ?? true {
            best = result
            try improved(snapshot(), result)
        }
        return result
    }

    /// A copy of the current weights (trained tensors and batchnorm statistics).
    public func snapshot() -> [String: Tensor] {
        trainer.weights.tensors.mapValues { Tensor(shape: $0.shape, values: $0.values) }
    }
}
