import CNNModel

#if canImport(Glibc)
    import Glibc
#endif

extension Executor {
    /// Runs the remaining layers one at a time, timing each.
    public func runProfiled() -> [LayerTiming] {
        var timings: [LayerTiming] = []
        while computedThrough < analysis.graph.layers.count - 1 {
            let id = computedThrough + 1
            let start = monotonicSeconds()
            run(through: id)
            timings.append(
                LayerTiming(layer: id, seconds: monotonicSeconds() - start, kernel: kernel(of: id), mergedInto: mergedRoot(of: id)))
        }
        return timings
    }
}

/// Seconds on a monotonic clock.
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
