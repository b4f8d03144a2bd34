import CBLAS
import Dispatch
import Synchronization

/// The threads the engine may use: `--threads`, or OpenBLAS's default (`OPENBLAS_NUM_THREADS`, or
/// every core).
///
/// Two ways run a product on several threads. OpenBLAS splits one SGEMM among its threads: the
/// trainer's batched products, large enough that this pays. The executor splits each layer
/// itself instead, into shares that run at once, each with its own scratch space and each
/// calling OpenBLAS single-threaded: so the unfolding (im2col), the Winograd transforms, the
/// bias and activation, the depthwise and dense layers run in parallel too, not only the
/// products (on one machine, ResNet-50 on two threads went from 1.5x with OpenBLAS's threads to
/// 1.6x; Benchmarks/engine.sh measures it, beside what two cores give on the machine at all).
public enum EngineThreads {
    private static let setting = Atomic<Int>(0)
    /// The multiply-adds below which a layer is not split (the tests lower it to split small ones).
    static let workPerShare = Atomic<Int>(2_000_000)
    /// The floats below which a pass over memory is not split (the tests lower it too).
    static let floatsPerShare = Atomic<Int>(1 << 16)

    /// The thread count (at least 1).
    public static var count: Int {
        let set = setting.load(ordering: .relaxed)
        return set > 0 ? set : max(1, Int(openblas_get_num_threads()))
    }

    /// The most shares a layer is split into: two per thread when there are several, taken by
    /// the threads as they come free, so that a thread the system holds back (a busy or virtual
    /// machine) leaves the others more shares rather than making them wait for its half.
    public static var shares: Int {
        let threads = count
        return threads > 1 ? 2 * threads : 1
    }

    /// Sets the count, for the engine's own shares and for OpenBLAS's threads.
    public static func set(_ count: Int) {
        _ = BLASKernels.selection
        let count = max(1, count)
        setting.store(count, ordering: .relaxed)
        openblas_set_num_threads(Int32(count))
    }

    /// Runs `body` with OpenBLAS single-threaded (the executor's pass, which splits its layers
    /// itself), then gives OpenBLAS the engine's count back.
    static func withSingleThreadedBLAS<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let threads = count
        guard threads > 1 else { return try body() }
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(Int32(threads)) }
        return try body()
    }
}

/// Runs `body(share, shares)` for `share` in `0..<shares` on as many threads, `shares` being at
/// most `limit` and `EngineThreads.count`. Each share writes its own part of the output and uses
/// its own scratch space; a share that calls OpenBLAS does so inside `withSingleThreadedBLAS`.
func forEachShare(limit: Int, _ body: (_ share: Int, _ shares: Int) -> Void) {
    let shares = min(limit, EngineThreads.shares)
    guard shares > 1 else { return body(0, 1) }
    withoutActuallyEscaping(body) { body in
        let shared = SharedBody(body: body)
        DispatchQueue.concurrentPerform(iterations: shares) { shared.body($0, shares) }
    }
}

/// Share `share` of `shares` of `0..<total`: contiguous runs whose sizes differ by at most one.
func shareRange(of total: Int, share: Int, shares: Int) -> Range<Int> {
    (total * share / shares)..<(total * (share + 1) / shares)
}

/// The shares a layer of `multiplyAdds` is worth splitting into, at most `limit`: one per
/// `EngineThreads.workPerShare` (2 million) multiply-adds (a share is handed to another thread
/// in some microseconds; LeNet-5's layers stay on one).
func worthwhileShares(multiplyAdds: Int, limit: Int) -> Int {
    max(1, min(limit, multiplyAdds / EngineThreads.workPerShare.load(ordering: .relaxed)))
}

/// How many blocks to cut work of `blocks` natural blocks into for `shares`: as many as the shares
/// when there are fewer, twice as many when the threads would otherwise finish apart (5 blocks
/// among 4 shares), else `blocks` as they are.
func balancedBlockCount(_ blocks: Int, shares: Int) -> Int {
    guard shares > 1 else { return blocks }
    if blocks < shares { return shares }
    return blocks < 2 * shares && blocks % shares != 0 ? 2 * shares : blocks
}

/// The shares a pass over `floats` floats of memory is worth splitting into, at most `limit`: one
/// per `EngineThreads.floatsPerShare` (64K) floats. Such passes (residual adds, pooling, the dense layers' weights) move memory
/// rather than multiply: 64K floats take some 10-30 microseconds, worth a handover to another thread,
/// where 64K multiply-adds would not be.
func worthwhileShares(floats: Int, limit: Int) -> Int {
    max(1, min(limit, floats / EngineThreads.floatsPerShare.load(ordering: .relaxed)))
}

/// The body of `forEachShare`, handed to the threads: each share writes its own part.
private struct SharedBody: @unchecked Sendable {
    let body: (Int, Int) -> Void
}
