import ArgumentParser
import CNNModel
import CNNReport

extension CNNTUICommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the model zoo: input, params, mult-adds, depth and year of each model.")

        @Option(help: "Whose parameter count: torchinfo (parameters only) or keras (with batchnorm's running mean and variance).")
        var params: ParamConvention = .torchinfo

        func run() throws {
            ZooListReport.render(params: params).forEach { print($0) }
        }
    }
}
