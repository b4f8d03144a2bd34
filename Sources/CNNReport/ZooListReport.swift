import CNNModel
import CNNZoo
import Foundation

/// `cnn-tui list`: the zoo, one line per model.
public enum ZooListReport {
    public static func render(_ models: [ZooModel] = Zoo.all, params convention: ParamConvention = .torchinfo) -> [String] {
        var table = TextTable([
            .init("Name"), .init("Model"), .init("Input"), .init("Params (\(convention.title))", .right),
            .init("Mult-Adds (torchinfo)", .right),
            .init("Depth", .right), .init("Year", .right),
        ])
        for model in models {
            do {
                let a = try model.analysis()
                table.append([
                    model.name, model.title, Display.shape(model.defaultInput), a.params(convention).grouped,
                    a.macs.grouped, String(a.depth), String(model.year),
                ])
            } catch {
                table.append([model.name, model.title, Display.shape(model.defaultInput), "error", "\(error)", "", String(model.year)])
            }
        }
        return table.render() + [
            "Params (\(convention.title)): \(convention.meaning); --params \(convention.other.rawValue) for \(convention.other.title)'s count.",
            "Mult-Adds: as torchinfo counts them (a convolution's weights and bias at every output position).",
            "Depth: convolution and dense layers on the longest path.",
        ]
    }

    /// The ILSVRC story: each classic model's year, depth, size, cost, receptive field and the
    /// top-5 error its paper published (with how it was measured, and where).
    public static func history(_ models: [ZooModel] = Zoo.all, params convention: ParamConvention = .torchinfo) -> [String] {
        var table = TextTable([
            .init("Year", .right), .init("Model"), .init("Depth", .right), .init("Params (\(convention.title))", .right),
            .init("Mult-Adds (torchinfo)", .right), .init("RF", .right), .init("Top-5 error", .right), .init("Measured"),
            .init("Source"),
        ])
        let order = Dictionary(uniqueKeysWithValues: models.enumerated().map { ($1.name, $0) })
        for model in models.filter({ $0.published != nil }).sorted(by: { ($0.year, order[$0.name]!) < ($1.year, order[$1.name]!) }) {
            guard let a = try? model.analysis(), let published = model.published else { continue }
            let field = a.lastMapField.map { $0.isGlobal ? "global" : String($0.size.h) } ?? ""
            let top = published.topFive
            table.append([
                String(model.year), model.title, String(a.depth), a.params(convention).grouped, a.macs.grouped, field,
                top.map { String(format: "%g%%", $0.error) } ?? "--",
                top?.protocolDescription ?? (model.name == "lenet5" ? published.competition ?? "" : "not reported"), top?.source ?? "",
            ])
        }
        return table.render() + [
            "Top-5 error: the best single-model figure the paper reports, measured as it says (crops and scales differ,",
            "so the figures are not strictly comparable); -- where the paper reports none. RF: the receptive field",
            "of the last feature map before global pooling, in input pixels.",
            "summary MODEL --reconcile paper: the paper's published cost against the counts.",
        ]
    }
}
