import ArgumentParser
import CNNModel
import CNNReport
import Foundation

extension ParamConvention: ExpressibleByArgument {}
extension CountConvention: ExpressibleByArgument {}
extension LayerOrder: ExpressibleByArgument {}

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

        @Option(
            help: ArgumentHelp(
                "Whose mult-add count: torchinfo, fvcore, ptflops, thop, torchscan (FLOPs, MACs, DMAs), paper (the papers' rule), or all (every convention's total).",
                valueName: "convention"))
        var count: String = "torchinfo"

        @Option(help: "List the layers flat, largest first, by params, macs, activations or rf (receptive field).")
        var sort: LayerOrder?

        @Option(help: "With --sort: only the first N layers.")
        var top: Int?

        @Option(
            help: ArgumentHelp(
                "What accounts for the difference from --count's total to this convention's (paper: down to the published figure).",
                valueName: "convention"))
        var reconcile: CountConvention?

        func validate() throws {
            if count != "all" && CountConvention(rawValue: count) == nil {
                throw ValidationError("--count takes \((CountConvention.allCases.map(\.rawValue) + ["all"]).joined(separator: ", ")), not '\(count)'")
            }
            if let top, top < 1 { throw ValidationError("--top must be at least 1") }
            if top != nil && sort == nil { throw ValidationError("--top goes with --sort (params, macs, activations or rf)") }
            if count == "all" && reconcile != nil { throw ValidationError("--reconcile needs one --count to start from, not all") }
            if let depth, depth < 1 { throw ValidationError("--depth must be at least 1") }
            if json && format != .table && format != .json { throw ValidationError("give --json or --format \(format.rawValue), not both") }
        }

        func run() throws {
            let (model, analysis) = try selection.analysis()
            if count == "all" {
                CountingReport.allConventions([(model, analysis)]).forEach { print($0) }
                return
            }
            let convention = CountConvention(rawValue: count) ?? .torchinfo
            for c in [convention] + (reconcile.map { [$0] } ?? []) where !model.canBeCounted(by: c) {
                throw CountingError(
                    message: "\(model.name) is a Keras model; \(c.title) counts PyTorch modules and cannot count it (--count torchinfo or paper)")
            }
            if let target = reconcile {
                if target == .paper, model.file == nil {
                    guard let paper = model.reconcileWithPaper(analysis, from: convention) else {
                        let why = model.published.map { "\($0.costNote)" } ?? "it has no paper (a course example)"
                        throw CountingError(message: "\(model.title): no published cost to reconcile with: \(why); --reconcile another convention")
                    }
                    CountingReport.paper(paper).forEach { print($0) }
                } else if let r = analysis.reconcile(from: convention, to: target, flags: model.torchFlags) {
                    CountingReport.reconciliation(r).forEach { print($0) }
                } else {
                    throw CountingError(message: "\(model.title) has layers whose count under \(convention.title) or \(target.title) is not modelled")
                }
                return
            }
            let report = SummaryReport(analysis, maxDepth: depth, params: params, count: convention, flags: model.torchFlags)
            let title = "\(model.title) (\(model.name))"
            if let sort, !json, format == .table {
                report.sorted(by: sort, top: top, title: title).forEach { print($0) }
                return
            }
            switch json ? .json : format {
            case .json:
                print(try SummaryJSON(analysis, maxDepth: depth, params: params, count: convention, flags: model.torchFlags).encoded())
            case .table: report.render(title: title).forEach { print($0) }
            case .markdown: report.markdown(title: title).forEach { print($0) }
            case .csv: report.csv().forEach { print($0) }
            }
        }
    }
}

/// A count that cannot be made, in one line.
struct CountingError: Error, CustomStringConvertible, LocalizedError {
    let message: String
    var description: String { message }
    var errorDescription: String? { message }
}
