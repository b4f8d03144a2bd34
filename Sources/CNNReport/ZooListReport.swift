import CNNModel
import CNNZoo

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
}
