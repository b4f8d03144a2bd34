/// How long one layer of a graph took to compute: what a profiled run measures and a report
/// renders. A plain value here, so that reports need no engine (the clock stays in CNNEngine).
public struct LayerTiming: Hashable, Sendable {
    /// The layer's id in its graph.
    public let layer: Int
    public let seconds: Double
    /// How the engine computed it (`Winograd, narrow GEMM`, `merged into conv1`), or "".
    public let kernel: String
    /// The layer whose kernel computed this one, when it was merged into it (its own time is
    /// only the bookkeeping).
    public let mergedInto: Int?

    public init(layer: Int, seconds: Double, kernel: String = "", mergedInto: Int? = nil) {
        self.layer = layer
        self.seconds = seconds
        self.kernel = kernel
        self.mergedInto = mergedInto
    }
}
