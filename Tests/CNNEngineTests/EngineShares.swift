@testable import CNNEngine

/// Runs `body` with every layer on one thread, then split into two and into three shares on two
/// threads (however small the layer: the thresholds of `worthwhileShares` lowered to one
/// multiply-add or float), passing the share count; the engine's thread count is restored after.
func forEachShareCount(_ body: (_ shares: Int) throws -> Void) rethrows {
    let (threads, work) = (EngineThreads.count, EngineThreads.workPerShare.load(ordering: .relaxed))
    let floats = EngineThreads.floatsPerShare.load(ordering: .relaxed)
    defer {
        EngineThreads.set(threads)
        EngineThreads.workPerShare.store(work, ordering: .relaxed)
        EngineThreads.floatsPerShare.store(floats, ordering: .relaxed)
    }
    EngineThreads.workPerShare.store(1, ordering: .relaxed)
    EngineThreads.floatsPerShare.store(1, ordering: .relaxed)
    for shares in [1, 2, 3] {
        EngineThreads.set(min(shares, 2))
        try EngineThreads.withSingleThreadedBLAS { try body(shares) }
    }
}
