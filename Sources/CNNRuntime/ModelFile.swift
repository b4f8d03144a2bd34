import CNNData
import CNNFiles
import CNNImport
import CNNModel
import CNNZoo
import Foundation

/// A network in a user's file, taken wherever a zoo model name is: `cnn-tui summary my.onnx`.
public enum ModelFile {
    /// The extensions of the files cnn-tui reads as networks.
    public static let extensions = ["onnx", "keras", "json", "cnn"]

    /// Whether `name` means a file rather than a zoo model: it ends in one of `extensions`, or
    /// names a file that exists.
    public static func isFile(_ name: String) -> Bool {
        extensions.contains(fileExtension(name)) || (Zoo.model(named: name) == nil && FileManager.default.fileExists(atPath: name))
    }

    /// The network in `path` as a model, at `input` (C x H x W) or the size the file declares:
    /// an ONNX file, or a Keras architecture (`.keras`, or the `.json` of `model.to_json()`).
    public static func load(_ path: String, input: TensorShape? = nil) throws -> ZooModel {
        // A folder named like a model (`x.keras/`) is said to be one, not handed to a reader.
        if let reason = unreadableFileReason(path) { throw ImportError(file: path, reason) }
        let network: ImportedNetwork
        switch fileExtension(path) {
        case "onnx":
            network = try ONNXImport.network(try ONNXFile.read(path: path), file: path, input: input)
        case "keras", "json":
            network = try KerasImport.network(try KerasFile.read(path: path), file: path, input: input)
        case "cnn":
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ImportError(file: path, "cannot be read")
            }
            network = try modelText(data, file: path)
        default:
            throw ImportError(
                file: path, "not a file cnn-tui reads (it reads ONNX files, *.onnx, Keras files, *.keras and *.json, and model files, *.cnn)")
        }
        return ZooModel(imported: network, file: path, input: input)
    }

    /// The network of a model file (`.cnn`, `ModelText`), which holds no weights.
    public static func modelText(_ data: Data, file: String) throws(ImportError) -> ImportedNetwork {
        guard let text = String(data: data, encoding: .utf8) else { throw ImportError(file: file, "is not UTF-8 text") }
        let (graph, declared) = try ModelText.read(text, file: file)
        return ImportedNetwork(
            graph: graph, input: declared, weights: [:], notes: ["a model file holds no weights: the engine starts from random ones"],
            producer: "cnn-tui model file", title: graph.name)
    }

    /// The model as an ONNX file with its weights (`ModelWeights.load`: the model's own where
    /// they fit, random for the rest), and what the weights are, in words.
    public static func onnx(_ model: ZooModel, analysis: ModelAnalysis, assets: SampleFiles?) throws -> (data: Data, weights: String) {
        let loaded = try ModelWeights.load(model, analysis: analysis, assets: assets)
        let tensors = loaded.weights.tensors.mapValues { ImportedTensor(shape: $0.shape, values: $0.values) }
        return (try ONNXWriter.encode(analysis, weights: tensors, title: model.title), loaded.description)
    }

    static func fileExtension(_ path: String) -> String {
        URL(fileURLWithPath: path).pathExtension.lowercased()
    }
}

extension ZooModel {
    /// A network read from `file`, as the commands and screens take the zoo's models: its
    /// weights are the model's own (none for a Keras architecture, which then runs with random
    /// weights, as `ModelWeights.load` gives a model without constants), and a 1000-way classifier is labelled with ImageNet's
    /// classes (and normalized as torchvision's models are).
    public init(imported network: ImportedNetwork, file: String, input: TensorShape? = nil) {
        let graph = network.graph
        let name = URL(fileURLWithPath: file).lastPathComponent
        let outputs = graph.outputs.first.flatMap { id -> Int? in
            if case .dense(let d) = graph.layers[id].op { return d.outFeatures }
            if case .dense(let d) = graph.layers[graph.layers[id].inputs.first ?? id].op { return d.outFeatures }
            return nil
        }
        let description = (["Read from \(file) (\(network.producer))."] + network.notes.map { $0.prefix(1).uppercased() + $0.dropFirst() + "." })
            .joined(separator: " ")
        self.init(
            name: name, title: network.title ?? name, year: 0, paper: "", description: description,
            defaultInput: network.input ?? input ?? TensorShape(channels: 3, height: 224, width: 224),
            labels: outputs == 1000 ? .imagenet : nil,
            constants: network.weights.mapValues { ConstantTensor(shape: $0.shape, values: $0.values) },
            file: file, build: { _ in graph })
    }
}
