import CNNModel

/// A network read from a user's file: the graph that every analysis and screen works on, the
/// input the file was made for, and its weights under the names the engine looks up.
public struct ImportedNetwork: Sendable {
    public let graph: Graph
    /// The input the file declares (C x H x W, without the batch); nil when its sizes are dynamic.
    public let input: TensorShape?
    /// Weights by `ParameterTensor` name (`layer1.0.conv1.weight`), in PyTorch's layouts.
    public let weights: [String: ImportedTensor]
    /// What a reader should know about how the file was read: who wrote it, and anything that
    /// changes its numbers (a batchnorm folded into the convolutions by the exporter).
    public let notes: [String]
    /// Who wrote the file and in which format: `pytorch 2.15.0, ONNX opset 18`.
    public let producer: String
    /// The network's own name where the file gives one a person chose (a model file's `model
    /// "..."`); nil where it names none (ONNX exporters write `main_graph`).
    public let title: String?

    public init(
        graph: Graph, input: TensorShape?, weights: [String: ImportedTensor], notes: [String], producer: String, title: String? = nil
    ) {
        self.graph = graph
        self.input = input
        self.weights = weights
        self.notes = notes
        self.producer = producer
        self.title = title
    }
}

/// A float tensor from a file, row-major.
public struct ImportedTensor: Hashable, Sendable {
    public let shape: [Int]
    public let values: [Float]

    public init(shape: [Int], values: [Float]) {
        self.shape = shape
        self.values = values
    }
}
