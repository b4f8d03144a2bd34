import CNNModel
import CNNZoo

/// `cnn-tui info MODEL`: what a model is, where it comes from, and its headline numbers.
public enum ModelInfoReport {
    public static func render(_ model: ZooModel, analysis: ModelAnalysis, width: Int = 80) -> [String] {
        // A network from a file has a path where a zoo model has a paper and a year.
        var lines = [model.file == nil ? "\(model.title) (\(model.name)), \(model.year)" : model.title, ""]
        lines += wrap(model.description, width: width)
        lines += [
            "",
            model.file.map { "File:         " + $0 } ?? "Paper:        " + model.paper,
            "Input:        \(analysis.input)" + (analysis.input == model.defaultInput ? " (default)" : " (default \(model.defaultInput))"),
            "Params:       \(analysis.params(.torchinfo).grouped) (torchinfo)"
                + (analysis.nonTrainableParams > 0
                    ? "; \(analysis.params(.keras).grouped) (Keras, with \(analysis.nonTrainableParams.grouped) batchnorm running statistics)" : ""),
            "Mult-adds:    \(analysis.macs.grouped) (\(analysis.macs.abbreviated), torchinfo)",
            "Depth:        \(analysis.depth) weight layers on the longest path; \(analysis.graph.layers.count - 1) layers in all",
        ]
        if model.hasAuxClassifiers {
            lines.append("Aux heads:    available with --aux")
        }
        return lines
    }
}
