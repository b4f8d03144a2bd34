import CNNModel
import CNNZoo

/// `cnn-tui list`: the zoo, one line per model.
public enum ZooListReport {
    public static func render(_ models: [ZooModel] = Zoo.all) -> [String] {
        var table = TextTable([
            .init("Name"), .init("Model"), .init("Input"), .init("Params", .right), .init("Mult-Adds", .right),
            .init("Depth", .right), .init("Year", .right),
        ])
        for model in models {
            do {
                let a = try model.analysis()
                table.append([
                    model.name, model.title, Display.shape(model.defaultInput), a.trainableParams.grouped,
                    a.macs.grouped, String(a.depth), String(model.year),
                ])
            } catch {
                table.append([model.name, model.title, Display.shape(model.defaultInput), "error", "\(error)", "", String(model.year)])
            }
        }
        return table.render() + [
            "Params: trainable parameters (torchinfo's total). Mult-Adds: as torchinfo counts them.",
            "Depth: convolution and dense layers on the longest path.",
        ]
    }
}
