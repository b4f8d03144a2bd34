@testable import CNNEngine

/// Runs `body` once with every layer on one thread and once split between two (however small
/// the layer: the threshold of `worthwhileShares` lowered to one multiply-add), passing the
/// share count; the engine's thread count is restored after.
func forEachShareCount(_ body: (_ shares: Int) throws -> Void) rethrows {
    let (threads, work) = (EngineThreads.count, EngineThreads.workPerShare.load(ordering: .relaxed))
    defer {
        EngineThreads.set(threads)
        EngineThreads.workPerShare.store(work, ordering: .relaxed)
    }
    EngineThreads.workPerShare.store(1, ordering: .relaxed)
    for shares in [1, 2] {
        EngineThreads.set(shares)
        try EngineThreads.withSingleThreadedBLAS { try body(shares) }
    }
}
