import ArgumentParser
import CNNModel
import CNNZoo

/// A zoo model and the input it is analysed at: the options shared by summary and rf.
struct ModelSelection: ParsableArguments {
    @Argument(help: "A zoo model name (see `cnn-tui list`).")
    var model: String

    @Option(help: ArgumentHelp("Input size as CxHxW, e.g. 3x32x32 (default: the model's own).", valueName: "CxHxW"))
    var input: String?

    @Flag(help: "Include the auxiliary classifiers (googlenet, inception_v3).")
    var aux = false

    func validate() throws {
        if let input, TensorShape(parsing: input) == nil {
            throw ValidationError("--input must be CxHxW with positive sizes, e.g. 3x224x224; got '\(input)'")
        }
    }

    func zooModel() throws -> ZooModel {
        guard let found = Zoo.model(named: model) else {
            let close = Zoo.suggestions(for: model)
            let hint = close.isEmpty ? "see `cnn-tui list`" : "did you mean " + close.joined(separator: ", ") + "?"
            throw UserError("unknown model '\(model)': \(hint)")
        }
        return found
    }

    /// The model analysed at the chosen input; a shape error names the first layer that fails.
    func analysis() throws -> (ZooModel, ModelAnalysis) {
        let zoo = try zooModel()
        if aux && !zoo.hasAuxClassifiers {
            let with = Zoo.all.filter(\.hasAuxClassifiers).map(\.name).joined(separator: ", ")
            throw UserError("\(zoo.name) has no auxiliary classifiers (\(with) do): drop --aux")
        }
        let shape = input.flatMap(TensorShape.init(parsing:))
        do {
            return (zoo, try zoo.analysis(input: shape, options: ZooOptions(auxClassifiers: aux)))
        } catch {
            throw UserError("\(zoo.name) cannot take input \(shape ?? zoo.defaultInput): \(error)")
        }
    }
}

/// An error whose description is the one line a user reads.
struct UserError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
