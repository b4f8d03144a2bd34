import CNNModel
import Foundation

/// `cnn-tui compare A B`: totals side by side, stage by stage, and the layers aligned as a diff.
public struct ComparisonReport: Sendable {
    public let comparison: ModelComparison
    public let names: (String, String)
    public let params: ParamConvention

    public init(_ comparison: ModelComparison, names: (String, String), params: ParamConvention = .torchinfo) {
        self.comparison = comparison
        self.names = names
        self.params = params
    }

    /// The largest field, as the stage tables show it: `435x435`, `global` past the input's size.
    static func field(_ rf: ReceptiveField) -> String {
        "\(rf.size.h)x\(rf.size.w)" + (rf.isGlobal ? " (global)" : "")
    }

    /// A ratio and a signed difference: `+10,108,160 (1.86x)`.
    static func difference(_ a: Int, _ b: Int) -> String {
        let signed = CountingReport.signed(b - a)
        guard a > 0 else { return signed }
        return signed + " (" + String(format: "%.2fx", Double(b) / Double(a)) + ")"
    }

    public func render() -> [String] {
        let (a, b) = (comparison.first, comparison.second)
        var totals = TextTable([.init(""), .init(names.0, .right), .init(names.1, .right), .init("Difference", .right)])
        totals.append(["Input", Display.shape(a.input), Display.shape(b.input), ""])
        totals.append(["Params (\(params.title))", a.params(params).grouped, b.params(params).grouped, Self.difference(a.params(params), b.params(params))])
        totals.append(["Mult-adds (torchinfo)", a.macs.grouped, b.macs.grouped, Self.difference(a.macs, b.macs)])
        totals.append(["Depth (weight layers)", String(a.depth), String(b.depth), CountingReport.signed(b.depth - a.depth)])
        let (la, lb) = (a.graph.layers.count - 1, b.graph.layers.count - 1)
        totals.append(["Layers", String(la), String(lb), CountingReport.signed(lb - la)])
        if let fa = a.lastMapField, let fb = b.lastMapField {
            totals.append(["Receptive field, last feature map", Self.field(fa), Self.field(fb), ""])
        }
        var lines = totals.render() + [""] + stages() + [""] + diff()
        lines.append("Params as \(params.title) counts them; mult-adds as torchinfo does (summary --count for the others).")
        return lines
    }

    /// One row per resolution either model has, each model's stage beside the other's.
    public func stages() -> [String] {
        let resolutions = (comparison.firstStages + comparison.secondStages).map(\.resolution).reduce(into: [String]()) {
            if !$0.contains($1) { $0.append($1) }
        }
        var table = TextTable(
            [.init("Stage")]
                + [names.0, names.1].flatMap { name in
                    [.init("\(name) channels", .right), .init("params", .right), .init("mult-adds", .right), .init("RF", .right)]
                })
        for resolution in resolutions {
            var cells = [resolution]
            for stages in [comparison.firstStages, comparison.secondStages] {
                if let s = stages.first(where: { $0.resolution == resolution }) {
                    cells += [String(s.channels), s.params.grouped, s.macs.grouped, Self.field(s.receptiveField)]
                } else {
                    cells += ["--", "", "", ""]
                }
            }
            table.append(cells)
        }
        return ["Stages (the layers at each resolution; the widest output and the largest receptive field in each):"] + table.render()
    }

    /// The aligned layers: runs of the same collapsed, an inserted or removed block named once.
    public func diff() -> [String] {
        let (a, b) = (comparison.first, comparison.second)
        var lines = ["Layers (\(names.0) → \(names.1)): = the same, ~ changed, - only in \(names.0), + only in \(names.1)"]
        let changes = comparison.changes
        var index = 0
        while index < changes.count {
            switch changes[index] {
            case .same:
                var end = index
                while end < changes.count, case .same = changes[end] { end += 1 }
                let firstName = Self.layerName(changes[index], a, b), lastName = Self.layerName(changes[end - 1], a, b)
                let count = end - index
                lines.append("  = \(count) layer\(count == 1 ? "" : "s") the same" + (count == 1 ? " (\(firstName))" : " (\(firstName) … \(lastName))"))
                index = end
            case .changed(let x, let y):
                let (p, q) = (a.layers[x], b.layers[y])
                let (lx, ly) = (a.graph.layers[x], b.graph.layers[y])
                var what: [String] = []
                if lx.op.summary != ly.op.summary { what.append("\(lx.op.summary) → \(ly.op.summary)") }
                if p.outputShape != q.outputShape { what.append("\(Display.shape(p.outputShape)) → \(Display.shape(q.outputShape))") }
                if p.params(params) != q.params(params) { what.append("params \(p.params(params).grouped) → \(q.params(params).grouped)") }
                lines.append("  ~ \(lx.name == ly.name ? lx.name : "\(lx.name) → \(ly.name)") (\(lx.op.typeName)): " + what.joined(separator: ", "))
                index += 1
            case .inserted, .removed:
                let inserted = if case .inserted = changes[index] { true } else { false }
                var end = index
                var run: [Int] = []
                while end < changes.count {
                    if inserted, case .inserted(let id) = changes[end] {
                        run.append(id)
                    } else if !inserted, case .removed(let id) = changes[end] {
                        run.append(id)
                    } else {
                        break
                    }
                    end += 1
                }
                lines += Self.runLines(run, in: inserted ? b : a, mark: inserted ? "+" : "-", params: params)
                index = end
            }
        }
        return lines
    }

    static func layerName(_ change: ModelComparison.Change, _ a: ModelAnalysis, _ b: ModelAnalysis) -> String {
        switch change {
        case .same(let x, _), .changed(let x, _), .removed(let x): a.graph.layers[x].name
        case .inserted(let y): b.graph.layers[y].name
        }
    }

    /// A run of layers only one model has: each outermost block that lies wholly in the run as one
    /// line with its totals, any other layer on its own.
    static func runLines(_ run: [Int], in analysis: ModelAnalysis, mark: String, params: ParamConvention) -> [String] {
        let graph = analysis.graph
        let inRun = Set(run)
        var lines: [String] = []
        var shownBlocks = Set<Int>()
        for id in run {
            let layer = graph.layers[id]
            let whole = graph.blockPath(layer.block).first { block in
                graph.layers.allSatisfy { !graph.isLayer($0, inside: block.id) || inRun.contains($0.id) }
            }
            if let block = whole {
                guard shownBlocks.insert(block.id).inserted else { continue }
                let layers = graph.layers.filter { graph.isLayer($0, inside: block.id) }
                let cost = analysis.cost(ofBlock: block.id)
                lines.append(
                    "  \(mark) \(block.name) (\(block.type)): \(layers.count) layers, \(params.params(cost).grouped) params, \(cost.macs.grouped) mult-adds")
            } else {
                let a = analysis.layers[id]
                lines.append(
                    "  \(mark) \(layer.name) (\(layer.op.typeName)): \(layer.op.summary), \(Display.shape(a.outputShape))"
                        + (a.params(params) > 0 ? ", \(a.params(params).grouped) params" : ""))
            }
        }
        return lines
    }
}
