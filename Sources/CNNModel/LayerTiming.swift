/// How long one layer of a graph took to compute: what a profiled run measures and a report
/// renders. A plain value here, so that reports need no engine (the clock stays in CNNEngine).
public struct LayerTiming: Hashable, Sendable {
    /// The layer's id in its graph.
    public let layer: Int
    public let seconds: Double

    public init(layer: Int, seconds: Double) {
        self.layer = layer
        self.seconds = seconds
    }
}
