import CNNModel
import Foundation

/// `cnn-tui explain`'s output: a few lines a person reads, or JSON with every number.
extension ExplainRun.Result {
    /// What was explained, the result's strongest places, and the method's measure.
    public func lines(model: String, input shape: TensorShape) -> [String] {
        var lines = ["\(model) at \(shape), \(weights)", "input: \(input)"]
        // A digit's class name is its number: "class 6", not "class 6 6".
        let what = classIndex.map { k in
            "class \(k)" + (className.flatMap { $0 == String(k) ? nil : " \($0)" } ?? "") + String(format: " (p = %.4f)", probability ?? 0)
        }
        switch method {
        case .erf:
            guard let unit, let field, let layer else { break }
            lines.append(
                "effective receptive field of \(layer), channel \(unit.channel), unit (\(unit.y), \(unit.x)): "
                    + (averagedOver > 1 ? "its gradient's magnitude over the input, averaged over \(averagedOver) samples" : "its gradient over the input"))
            lines.append("theoretical field: \(field.size.h)x\(field.size.w), jump \(field.jump.h)")
            if !fieldShares.isEmpty {
                let parts = fieldShares.map { String(format: "%.0f%% of it in %.1f%%", $0.fraction * 100, $0.share * 100) }
                lines.append("of the gradient's magnitude: " + parts.joined(separator: ", ") + " of the theoretical field")
            }
            lines += strongest("largest |gradient|", channels: shape.channels, height: shape.height, width: shape.width)
        case .gradcam:
            lines.append(
                "Grad-CAM of \(what ?? "") at \(layer ?? "?"), \(self.shape[0])x\(self.shape[1]) (ReLU of the channels weighted by their mean gradient)")
            lines += grid()
        case .guided:
            lines.append("guided backpropagation of \(what ?? "") to the input")
            lines += strongest("largest |gradient|", channels: shape.channels, height: shape.height, width: shape.width)
        case .occlusion:
            lines.append("occlusion of \(what ?? ""): the drop in its probability with a grey square at each place, \(self.shape[0])x\(self.shape[1])")
            lines += grid()
        case .topPatches:
            lines.append("the samples that excite \(layer ?? "?") channel \(channel ?? 0) most, each its strongest unit and the input it sees:")
            for (rank, p) in patches.enumerated() {
                lines.append(
                    String(
                        format: "%2d. %@  unit (%d, %d)  %.4f  rows %d-%d, columns %d-%d", rank + 1, p.sample, p.y, p.x, p.value,
                        p.rows.lowerBound, p.rows.upperBound, p.columns.lowerBound, p.columns.upperBound))
            }
        }
        if let wrote { lines.append("wrote \(wrote)") }
        if !isTrained { lines.append("(random weights: an untrained network's explanations mean little)") }
        return lines
    }

    /// The map as numbers, row by row, when it is small enough to read; else its largest values.
    private func grid() -> [String] {
        guard shape.count == 2 else { return [] }
        let (h, w) = (shape[0], shape[1])
        if w <= 16 && h <= 16 {
            return (0..<h).map { y in (0..<w).map { String(format: "%8.4f", values[y * w + $0]) }.joined(separator: " ") }
        }
        return strongest("largest values", channels: 1, height: h, width: w)
    }

    /// The five largest magnitudes (summed over channels) and where they are.
    private func strongest(_ title: String, channels: Int, height: Int, width: Int) -> [String] {
        var magnitude = [Float](repeating: 0, count: height * width)
        for c in 0..<channels { for p in 0..<(height * width) { magnitude[p] += abs(values[c * height * width + p]) } }
        let top = magnitude.enumerated().sorted { $0.element > $1.element }.prefix(5)
        return ["\(title):"] + top.map { String(format: "  (%d, %d)  %.6g", $0.offset / width, $0.offset % width, $0.element) }
    }
}

/// `cnn-tui explain --json`.
public struct ExplanationJSON: Encodable, Sendable {
    public struct Share: Encodable, Sendable {
        public let fraction: Double
        public let share: Double
    }

    public let model: String
    public let input: [Int]
    public let inputSource: String
    public let weights: String
    public let trained: Bool
    public let method: String
    public let layer: String?
    public let classIndex: Int?
    public let className: String?
    public let probability: Float?
    /// [channel, y, x] for erf.
    public let unit: [Int]?
    public let channel: Int?
    public let shape: [Int]
    public let values: [Float]
    public let fieldSize: [Int]?
    public let fieldShares: [Share]
    /// erf: how many samples the gradient's magnitude is averaged over (1: the input's gradient).
    public let averagedOver: Int
    public let patches: [ExplainRun.Patch]
    public let wrote: String?

    public init(model: String, input: [Int], result r: ExplainRun.Result) {
        (self.model, self.input, inputSource, weights, trained) = (model, input, r.input, r.weights, r.isTrained)
        (method, layer, classIndex, className, probability) = (r.method.rawValue, r.layer, r.classIndex, r.className, r.probability)
        unit = r.unit.map { [$0.channel, $0.y, $0.x] }
        channel = r.channel
        (shape, values) = (r.shape, r.values)
        fieldSize = r.field.map { [$0.size.h, $0.size.w] }
        fieldShares = r.fieldShares.map { Share(fraction: $0.fraction, share: $0.share) }
        averagedOver = r.averagedOver
        (patches, wrote) = (r.patches, r.wrote)
    }
}
