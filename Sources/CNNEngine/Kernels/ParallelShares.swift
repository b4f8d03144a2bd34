import CBLAS
import Dispatch

/// Runs `body(share, shares)` for `share` in `0..<shares` on as many threads, `shares` being at
/// most `limit` and the threads the engine may use (OpenBLAS's setting: `--threads`,
/// `OPENBLAS_NUM_THREADS`, or every core). For the engine's own kernels, whose shares write
/// disjoint parts of their output and call no BLAS.
func forEachShare(limit: Int, _ body: (_ share: Int, _ shares: Int) -> Void) {
    let shares = min(limit, Int(openblas_get_num_threads()))
    guard shares > 1 else { return body(0, 1) }
    withoutActuallyEscaping(body) { body in
        let shared = SharedBody(body: body)
        DispatchQueue.concurrentPerform(iterations: shares) { shared.body($0, shares) }
    }
}

/// The body of `forEachShare`, handed to the threads: each share writes its own part.
private struct SharedBody: @unchecked Sendable {
    let body: (Int, Int) -> Void
}
