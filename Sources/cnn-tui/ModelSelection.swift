import ArgumentParser
import CNNModel
import CNNRuntime
import CNNZoo
import Foundation

/// A zoo model and the input it is analysed at: the options every model command shares.
struct ModelSelection: ParsableArguments {
    @Argument(help: "A zoo model name (see `cnn-tui list`), or a file: ONNX (.onnx), Keras (.keras, .json) or a model file (.cnn).")
    var model: String?

    @Option(help: ArgumentHelp("Input size as CxHxW, e.g. 3x32x32 (default: the model's own).", valueName: "CxHxW"))
    var input: String?

    @Flag(help: "Include the auxiliary classifiers (googlenet, inception_v3).")
    var aux = false

    func validate() throws {
        if let input, TensorShape(parsing: input) == nil {
            throw ValidationError("--input must be CxHxW with positive sizes, e.g. 3x224x224; got '\(input)'")
        }
    }

    /// The model named, else `fallback` (the browser opens LeNet-5); with neither, an error that
    /// says a model is needed.
    func zooModel(orDefault fallback: String? = nil) throws -> ZooModel {
        guard let model = model ?? fallback else {
            throw ModelSelectionError.noModel
        }
        if ModelFile.isFile(model) { return try ModelFile.load(model, input: input.flatMap(TensorShape.init(parsing:))) }
        guard let found = Zoo.model(named: model) else {
            throw ModelSelectionError.unknownModel(model, suggestions: Zoo.suggestions(for: model))
        }
        return found
    }

    /// The model analysed at the chosen input; a shape error names the first layer that fails.
    func analysis(orDefault fallback: String? = nil) throws -> (ZooModel, ModelAnalysis) {
        let zoo = try zooModel(orDefault: fallback)
        if aux && !zoo.hasAuxClassifiers {
            throw ModelSelectionError.noAuxClassifiers(zoo.name, modelsWithThem: Zoo.all.filter(\.hasAuxClassifiers).map(\.name))
        }
        let shape = input.flatMap(TensorShape.init(parsing:))
        do {
            return (zoo, try zoo.analysis(input: shape, options: ZooOptions(auxClassifiers: aux)))
        } catch {
            throw ModelSelectionError.impossibleInput(zoo.name, input: shape ?? zoo.defaultInput, reason: error)
        }
    }
}

/// Why a model selection cannot be analysed, in one line.
enum ModelSelectionError: Error, CustomStringConvertible, LocalizedError {
    case noModel
    case unknownModel(String, suggestions: [String])
    case noAuxClassifiers(String, modelsWithThem: [String])
    case impossibleInput(String, input: TensorShape, reason: AnalysisError)

    var description: String {
        switch self {
        case .noModel:
            return "name a model: a zoo name such as resnet50 (see `cnn-tui list`)"
        case .unknownModel(let name, let close):
            return "unknown model '\(name)': " + (close.isEmpty ? "see `cnn-tui list`" : "did you mean " + close.joined(separator: ", ") + "?")
        case .noAuxClassifiers(let name, let with):
            return "\(name) has no auxiliary classifiers (\(with.joined(separator: ", ")) do): drop --aux"
        case .impossibleInput(let name, let input, let reason):
            return "\(name) cannot take input \(input): \(reason)"
        }
    }

    var errorDescription: String? { description }
}
