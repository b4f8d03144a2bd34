import ArgumentParser
import CNNModel
import CNNReport
import Foundation

extension CNNTUICommand {
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare two models: totals, stage by stage, and their layers aligned as a diff (resnet18 resnet34).")

        @Argument(help: "The first model: a zoo name or a file (ONNX, Keras, model file).")
        var first: String

        @Argument(help: "The second model.")
        var second: String

        @Option(help: ArgumentHelp("Input size for both as CxHxW (default: each model's own).", valueName: "CxHxW"))
        var input: String?

        @Option(help: "Whose parameter count: torchinfo (parameters only) or keras (with batchnorm's running mean and variance).")
        var params: ParamConvention = .torchinfo

        @Flag(help: "Write JSON.")
        var json = false

        func validate() throws {
            if let input, TensorShape(parsing: input) == nil {
                throw ValidationError("--input must be CxHxW with positive sizes, e.g. 3x224x224; got '\(input)'")
            }
        }

        func run() throws {
            let selections = try [first, second].map { try ModelSelection.parse([$0] + (input.map { ["--input", $0] } ?? [])) }
            let (a, b) = (try selections[0].analysis(), try selections[1].analysis())
            let comparison = ModelComparison(a.1, b.1, params: params)
            if json {
                print(try ComparisonJSON(comparison, names: (a.0.name, b.0.name), params: params).encoded())
            } else {
                ComparisonReport(comparison, names: (a.0.name, b.0.name), params: params).render().forEach { print($0) }
            }
        }
    }
}
