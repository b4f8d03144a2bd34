import CBLAS
import CKernels
import Dispatch
import Glibc
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
///
/// The shares go to the engine's own threads (`SharePool`), which wait for the next layer by
/// spinning; where those are busy (a share that splits its own work, or a second pass at once on
/// another thread) to libdispatch's.
func forEachShare(limit: Int, _ body: (_ share: Int, _ shares: Int) -> Void) {
    let shares = min(limit, EngineThreads.shares)
    guard shares > 1 else { return body(0, 1) }
    if SharePool.shared.run(shares: shares, threads: min(EngineThreads.count, shares, SharePool.processors), body) { return }
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

/// Threads that take the shares of `forEachShare` with the caller: between layers they spin for up
/// to `spinTime` rather than sleep, so a layer's shares start at once. libdispatch's
/// `concurrentPerform` wakes a sleeping thread for each call: on one 2-vCPU AMD EPYC (KVM) that
/// took about 50 microseconds a call (four shares of 1 ms of work: 550 microseconds on two
/// threads), some 3-4 ms of ResNet-50's 40 ms pass on two threads.
///
/// One pass uses the pool at a time; a caller that finds it busy gets `false` and splits its work
/// another way.
final class SharePool: @unchecked Sendable {
    static let shared = SharePool()
    /// How long an idle thread spins before it sleeps.
    static let spinTime = Duration.milliseconds(1)
    /// The processors online: no more threads take part in a job, as spinning threads beyond them
    /// would take the processors from those with shares to run (ResNet-50 with `--threads 4` on two
    /// took 97 ms against 41.6 before this limit).
    static let processors = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))

    /// The job's generation (high 32 bits), its share count (16 bits) and the next share to take
    /// (low 16 bits): a thread takes share `next` by advancing it, so that a share is taken once
    /// and only while its job is current.
    private let ticket = Atomic<UInt64>(0)
    /// The shares of the current job that are done.
    private let done = Atomic<Int>(0)
    /// The pool's threads that may take shares of the current job (those below it).
    private let participants = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    /// Threads asleep on `wake`, or about to be.
    private let sleepers = Atomic<Int>(0)
    private let wake = DispatchSemaphore(value: 0)
    private let started = Mutex<Int>(0)
    /// The current job's body: set before its ticket is published, cleared once all its shares
    /// are done; read only by a thread that has taken one of them.
    private var body: ((Int, Int) -> Void)?

    /// Runs `body(share, shares)` for each share on the caller and up to `threads - 1` of the
    /// pool's threads; `false` (nothing run) when the pool is in use or `shares` too many.
    func run(shares: Int, threads: Int, _ body: (Int, Int) -> Void) -> Bool {
        guard shares < 1 << 16, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return false
        }
        defer { busy.store(false, ordering: .releasing) }
        startThreads(threads - 1)
        withoutActuallyEscaping(body) { body in
            self.body = body
            done.store(0, ordering: .relaxed)
            participants.store(threads - 1, ordering: .relaxed)
            let generation = (ticket.load(ordering: .relaxed) >> 32) &+ 1
            let job = (generation & 0xFFFF_FFFF) << 32 | UInt64(shares) << 16
            ticket.store(job, ordering: .sequentiallyConsistent)
            for _ in 0..<sleepers.exchange(0, ordering: .sequentiallyConsistent) { wake.signal() }
            takeShares(of: job)
            while done.load(ordering: .acquiring) < shares { cnn_spin_pause() }
            self.body = nil
        }
        return true
    }

    /// Takes and runs shares of the job whose ticket was `job` while it is current and has some left.
    private func takeShares(of job: UInt64) {
        var seen = job
        while true {
            let (shares, next) = (Int(seen >> 16 & 0xFFFF), Int(seen & 0xFFFF))
            guard next < shares else { return }
            let (taken, current) = ticket.compareExchange(expected: seen, desired: seen + 1, ordering: .acquiringAndReleasing)
            if taken {
                runShare(next, of: shares)
                done.add(1, ordering: .releasing)
                seen += 1
            } else {
                guard current >> 32 == job >> 32 else { return }
                seen = current
            }
        }
    }

    /// Out of line, so that the thread's reference to the body is gone before the share counts as done.
    @inline(never)
    private func runShare(_ share: Int, of shares: Int) {
        guard let body else { preconditionFailure("a share taken without a job") }
        body(share, shares)
    }

    private func startThreads(_ count: Int) {
        started.withLock { started in
            while started < count {
                let index = started
                DispatchQueue(label: "cnn-tui.shares.\(index)").async { self.serve(index) }
                started += 1
            }
        }
    }

    /// Thread `index`'s loop: waits for a job (spinning, then asleep), takes shares while it has any.
    private func serve(_ index: Int) {
        let clock = ContinuousClock()
        var generation = ticket.load(ordering: .acquiring) >> 32
        while true {
            var spinning = clock.now
            var job = ticket.load(ordering: .acquiring)
            var spins = 0
            while job >> 32 == generation {
                cnn_spin_pause()
                spins += 1
                if spins % 256 == 0 && clock.now - spinning > Self.spinTime {
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    if ticket.load(ordering: .sequentiallyConsistent) >> 32 == generation { wake.wait() }
                    spinning = clock.now
                }
                job = ticket.load(ordering: .acquiring)
            }
            generation = job >> 32
            if index < participants.load(ordering: .relaxed) { takeShares(of: job) }
        }
    }
}
