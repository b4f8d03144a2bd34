#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Set by the SIGINT handler; read between steps of the work in progress.
nonisolated(unsafe) private var interrupted: sig_atomic_t = 0

/// Ctrl-C during long work (training), caught so that the work stops between two steps and
/// keeps what it has instead of dying mid-write.
public enum Interruption {
    /// Runs `body` with SIGINT caught; `isInterrupted` turns true once Ctrl-C is pressed. The
    /// default action (exit) is back when `body` returns.
    public static func catching<T>(_ body: (_ isInterrupted: () -> Bool) throws -> T) rethrows -> T {
        interrupted = 0
        signal(SIGINT) { _ in interrupted = 1 }
        defer { signal(SIGINT, SIG_DFL) }
        return try body { interrupted != 0 }
    }
}
