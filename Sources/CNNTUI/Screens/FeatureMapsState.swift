import CNNData
import CNNModel
import CNNRuntime
import CNNZoo

/// What the feature-map screen shows: the sample, the engine session computing it, and how the
/// selected layer's channels are viewed. The layer itself is the one the graph screen selects.
public struct FeatureMapsState: Sendable {
    /// What the main area shows for the selected layer.
    public enum View: Sendable {
        case channels
        /// One channel over the whole area, with a value scale.
        case zoomed
        /// The layer's kernels (weights).
        case kernels
    }

    /// The panel the arrow keys act on.
    public enum Focus: Sendable {
        /// The channel grid: arrows move between channels.
        case maps
        /// The input picture: left / right change the sample, up / down the data set.
        case input
    }

    public var session: InferenceSession?
    public let catalog: SampleCatalog?
    public var dataset: String
    public var index = 0
    /// A sample from a file, shown instead of the catalog's.
    public var fileSample: Sample?
    /// The selected channel (or kernel) of the selected layer.
    public var channel = 0
    public var view: View = .channels
    public var focus: Focus = .maps
    /// Shade by the whole layer's range (true) or each channel's own.
    public var perLayerScale = true
    /// Zero-centred colours (negative blue, positive red) instead of dark-to-bright.
    public var signed = false
    /// The image path being typed after `o`.
    public var pathPrompt: String?
    /// Weights for the session: a file, and the seed of random ones.
    public var weightsFile: String?
    public var seed: UInt64 = 42

    public init(catalog: SampleCatalog?, input: TensorShape) {
        self.catalog = catalog
        dataset = SampleCatalog.defaultDataset(for: input)
    }

    /// The sample to run: a file's, or the catalog's current one.
    public var sample: Sample? {
        if let fileSample { return fileSample }
        return try? catalog?.sample(dataset, index)
    }

    /// Samples in the current data set.
    public var sampleCount: Int { catalog?.count(dataset) ?? 0 }

    /// Starts a session for `model` unless one runs it already, and runs the current sample.
    mutating func start(model: ZooModel, analysis: ModelAnalysis) {
        if let session, session.model.name == model.name, session.analysis.input == analysis.input { return }
        guard sample != nil else { return }  // nothing to run: the screen says why
        session = InferenceSession(model: model, analysis: analysis, library: catalog?.library, weightsFile: weightsFile, seed: seed)
        runSample()
    }

    /// Sends the current sample to the session (cancelling what it was computing).
    mutating func runSample() {
        guard let session, let sample else { return }
        session.run(sample)
    }

    /// Moves by `delta` samples in the data set (wrapping).
    mutating func moveSample(by delta: Int) {
        let count = sampleCount
        guard count > 0 else { return }
        fileSample = nil
        index = ((index + delta) % count + count) % count
        runSample()
    }

    /// Moves to the next (or previous) data set that has samples.
    mutating func moveDataset(by delta: Int) {
        let all = SampleCatalog.datasets
        guard let at = all.firstIndex(of: dataset) else { return }
        for step in 1...all.count {
            let next = all[((at + delta * step) % all.count + all.count) % all.count]
            if (catalog?.count(next) ?? 0) > 0 {
                dataset = next
                index = 0
                fileSample = nil
                runSample()
                return
            }
        }
    }
}
