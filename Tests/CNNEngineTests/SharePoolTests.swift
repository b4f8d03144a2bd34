import Dispatch
import XCTest

@testable import CNNEngine

/// The engine's own threads for `forEachShare`: each share of each job runs once, with the caller
/// taking part; a share that splits its own work, or a second caller at once, is served another way.
final class SharePoolTests: XCTestCase {
    /// Counts behind a serial queue (which ThreadSanitizer follows; it does not follow `Mutex`).
    private final class Counts: @unchecked Sendable {
        private var slots: [Int]
        private let queue = DispatchQueue(label: "counts")
        init(_ count: Int) { slots = [Int](repeating: 0, count: count) }
        func add(_ slot: Int) { queue.sync { slots[slot] += 1 } }
        var values: [Int] { queue.sync { slots } }
    }

    private func withThreads(_ count: Int, _ body: () throws -> Void) rethrows {
        let threads = EngineThreads.count
        defer { EngineThreads.set(threads) }
        EngineThreads.set(count)
        try body()
    }

    func testEachShareOfEachJobRunsOnce() {
        withThreads(2) {
            let caller = pthread_self()
            let elsewhere = Counts(1)
            let clock = ContinuousClock()
            for job in 0..<2_000 {
                let shares = 2 + job % 3
                let counts = Counts(shares)
                forEachShare(limit: shares) { share, count in
                    XCTAssertEqual(count, shares)
                    let end = clock.now + .microseconds(20)  // long enough for the other thread to take some
                    while clock.now < end {}
                    counts.add(share)
                    if pthread_equal(pthread_self(), caller) == 0 { elsewhere.add(0) }
                }
                XCTAssertEqual(counts.values, [Int](repeating: 1, count: shares), "job \(job)")
                if job % 500 == 0 { usleep(3_000) }  // the pool's threads asleep by the next job
            }
            if SharePool.processors > 1 { XCTAssertGreaterThan(elsewhere.values[0], 100, "shares run by the pool's thread") }
        }
    }

    func testNestedAndConcurrentSplits() {
        withThreads(2) {
            let counts = Counts(16)
            forEachShare(limit: 4) { outer, _ in
                forEachShare(limit: 4) { inner, _ in counts.add(outer * 4 + inner) }
            }
            XCTAssertEqual(counts.values, [Int](repeating: 1, count: 16))
            let both = Counts(2 * 4 * 200)
            DispatchQueue.concurrentPerform(iterations: 2) { caller in
                for job in 0..<200 {
                    forEachShare(limit: 4) { share, _ in both.add((caller * 200 + job) * 4 + share) }
                }
            }
            XCTAssertEqual(both.values, [Int](repeating: 1, count: 2 * 4 * 200))
        }
    }

    func testPoolRefusesWhileBusy() {
        withThreads(2) {
            var inner: Bool?
            XCTAssertTrue(
                SharePool.shared.run(shares: 2, threads: 2) { share, _ in
                    if share == 0 { inner = SharePool.shared.run(shares: 2, threads: 2) { _, _ in } }
                })
            XCTAssertEqual(inner, false)
            XCTAssertFalse(SharePool.shared.run(shares: 1 << 16, threads: 2) { _, _ in XCTFail("too many shares to count") })
        }
    }
}
