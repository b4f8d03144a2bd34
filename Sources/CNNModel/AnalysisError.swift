/// Why a graph cannot be analysed for an input: the first layer whose shape is impossible, or
/// whose sizes overflow. The description is one sentence for a user.
public struct AnalysisError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The layer that failed (its unique name), or nil for a bad input shape.
    public let layer: String?
    /// The layer's op, as `Op.summary` writes it.
    public let op: String?
    public let reason: String

    public init(layer: String?, op: String?, reason: String) {
        self.layer = layer
        self.op = op
        self.reason = reason
    }

    public var description: String {
        guard let layer else { return reason }
        return "layer \(layer) (\(op ?? "?")): \(reason)"
    }
}
