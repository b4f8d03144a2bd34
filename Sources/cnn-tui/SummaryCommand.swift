import ArgumentParser
import CNNModel
import CNNReport

extension ParamConvention: ExpressibleByArgument {}

extension CNNTUICommand {
    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a torchinfo-style summary: every layer with its output shape, params, mult-adds and receptive field.")

        /// What the summary is written as.
        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table, markdown, csv, json
        }

        @OptionGroup var selection: ModelSelection

        @Option(help: "Fold blocks nested deeper than N into one row (1 shows top-level blocks only).")
        var depth: Int?

        @Option(help: "table (torchinfo's), markdown (for notes and READMEs), csv (plain numbers), or json.")
        var format: Format = .table

        @Flag(help: "The same as --format json.")
        var json = false

        @Option(help: "Whose parameter count: torchinfo (parameters only) or keras (with batchnorm's running mean and variance).")
        var params: ParamConvention = .torchinfo

        func validate() throws {
            if let depth, depth < 1 { throw ValidationError("--depth must be at least 1") }
            if json && format != .table && format != .json { throw ValidationError("give --json or --format \(format.rawValue), not both") }
        }

        func run() throws {
            let (model, analysis) = try selection.analysis()
            let report = SummaryReport(analysis, maxDepth: depth, params: params)
            let title = "\(model.title) (\(model.name))"
            switch json ? .json : format {
            case .json: print(try SummaryJSON(analysis, maxDepth: depth, params: params).encoded())
            case .table: report.render(title: title).forEach { print($0) }
            case .markdown: report.markdown(title: title).forEach { print($0) }
            case .csv: report.csv().forEach { print($0) }
            }
        }
    }
}
