import CNNModel
import CNNZoo

/// `cnn-tui info MODEL`: what a model is, where it comes from, and its headline numbers.
public enum ModelInfoReport {
    public static func render(_ model: ZooModel, analysis: ModelAnalysis, width: Int = 80) -> [String] {
        var lines = [
            "\(model.title) (\(model.name)), \(model.year)",
            "",
        ]
        lines += wrap(model.description, width: width)
        lines += [
            "",
            "Paper:        " + model.paper,
            "Input:        \(analysis.input)" + (analysis.input == model.defaultInput ? " (default)" : " (default \(model.defaultInput))"),
            "Params:       \(analysis.totalParams.grouped) (\(analysis.trainableParams.grouped) trainable, \(analysis.nonTrainableParams.grouped) non-trainable)",
            "Mult-adds:    \(analysis.macs.grouped) (\(analysis.macs.abbreviated))",
            "Depth:        \(analysis.depth) weight layers on the longest path; \(analysis.graph.layers.count - 1) layers in all",
        ]
        if model.hasAuxClassifiers {
            lines.append("Aux heads:    available with --aux")
        }
        return lines
    }

    /// Words of `text` in lines of at most `width` columns; a word longer than a line is cut.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
            while current.count > width {
                lines.append(String(current.prefix(width)))
                current = String(current.dropFirst(width))
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
