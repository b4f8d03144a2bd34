import ArgumentParser
import CNNReport

extension CNNTUICommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the model zoo: input, params, mult-adds, depth and year of each model.")

        func run() throws {
            ZooListReport.render().forEach { print($0) }
        }
    }
}
