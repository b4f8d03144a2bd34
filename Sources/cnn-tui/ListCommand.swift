import ArgumentParser
import CNNModel
import CNNReport
import CNNZoo

extension CNNTUICommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the model zoo: input, params, mult-adds, depth and year of each model.")

        @Option(help: "Whose parameter count: torchinfo (parameters only) or keras (with batchnorm's running mean and variance).")
        var params: ParamConvention = .torchinfo

        @Flag(help: "The ILSVRC story: year, depth, params, mult-adds, receptive field and published top-5 error of each classic model.")
        var history = false

        @Option(help: ArgumentHelp("all: every counting convention's total for every model (see summary --count).", valueName: "all"))
        var count: String?

        @Flag(help: "Write JSON.")
        var json = false

        func validate() throws {
            if let count, count != "all" { throw ValidationError("list --count takes all (summary MODEL --count for one convention)") }
            if history && count != nil { throw ValidationError("give --history or --count all, not both") }
        }

        func run() throws {
            if json {
                print(try ZooListJSON(params: params).encoded())
            } else if history {
                ZooListReport.history(params: params).forEach { print($0) }
            } else if count != nil {
                CountingReport.allConventions(try Zoo.all.map { ($0, try $0.analysis()) }).forEach { print($0) }
            } else {
                ZooListReport.render(params: params).forEach { print($0) }
            }
        }
    }
}
