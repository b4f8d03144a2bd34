import CNNModel

/// Build-time choices a model may offer.
public struct ZooOptions: Hashable, Sendable {
    /// GoogLeNet and Inception v3: include the auxiliary classifiers used in training.
    public var auxClassifiers: Bool

    public init(auxClassifiers: Bool = false) {
        self.auxClassifiers = auxClassifiers
    }
}

/// One architecture of the zoo: how to build it, and what a learner should know about it.
public struct ZooModel: Sendable {
    /// What users type: `resnet50`.
    public let name: String
    /// How papers write it: `ResNet-50`.
    public let title: String
    public let year: Int
    /// Authors, title and venue of the paper.
    public let paper: String
    /// One paragraph: what it introduced and why it matters.
    public let description: String
    public let defaultInput: TensorShape
    /// Whether `ZooOptions.auxClassifiers` changes this model.
    public let hasAuxClassifiers: Bool
    /// What the classifier's outputs mean, for models made for a known data set.
    public let labels: LabelSet?
    /// Parameters the model defines itself, by state_dict name (the `filters` model's kernels).
    public let constants: [String: ConstantTensor]
    /// Trained weights shipped in `Assets/weights/` (file name), used unless others are given.
    public let shippedWeights: String?
    /// Names of a layer's output channels, by layer name, where the model gives them (the
    /// `filters` model's kernels: identity, box blur, ...).
    public let channelNames: [String: [String]]
    /// The file the network was read from (an ONNX file); nil for the zoo's own models.
    public let file: String?
    /// For a network edited in the browser, the model it was edited from, whose weights it keeps
    /// where they still fit.
    public var editedFrom: ZooModel? { origin?.model }
    private var origin: EditOrigin?
    private let builder: @Sendable (ZooOptions) -> Graph

    public init(
        name: String, title: String, year: Int, paper: String, description: String,
        defaultInput: TensorShape, hasAuxClassifiers: Bool = false, labels: LabelSet? = nil,
        constants: [String: ConstantTensor] = [:], shippedWeights: String? = nil, channelNames: [String: [String]] = [:],
        file: String? = nil, build: @escaping @Sendable (ZooOptions) -> Graph
    ) {
        self.origin = nil
        self.name = name
        self.title = title
        self.year = year
        self.paper = paper
        self.description = description
        self.defaultInput = defaultInput
        self.hasAuxClassifiers = hasAuxClassifiers
        self.labels = labels
        self.constants = constants
        self.shippedWeights = shippedWeights
        self.channelNames = channelNames
        self.file = file
        self.builder = build
    }

    /// The model with `graph` in place of its own (an edit in the browser): the same name and
    /// labels, marked edited in its title; its weights are the original's where they still fit
    /// (see `ModelWeights.load`).
    public func edited(_ graph: Graph) -> ZooModel {
        var edited = ZooModel(
            name: name, title: title.hasSuffix(" (edited)") ? title : title + " (edited)", year: year, paper: paper, description: description,
            defaultInput: defaultInput, labels: labels, channelNames: channelNames, file: file, build: { _ in graph })
        edited.origin = EditOrigin(editedFrom ?? self)
        return edited
    }

    public func graph(_ options: ZooOptions = ZooOptions()) -> Graph {
        builder(options)
    }

    /// The graph analysed at `input` (the default input when nil).
    public func analysis(input: TensorShape? = nil, options: ZooOptions = ZooOptions()) throws(AnalysisError) -> ModelAnalysis {
        try ModelAnalysis(graph: graph(options), input: input ?? defaultInput)
    }
}

/// The model an edit started from, boxed: a struct cannot hold a value of its own type.
final class EditOrigin: Sendable {
    let model: ZooModel
    init(_ model: ZooModel) { self.model = model }
}
