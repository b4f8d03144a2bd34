import CBLAS
import CKernels

#if canImport(Glibc)
    import Glibc
#endif

/// Which of OpenBLAS's kernels the engine's products run on, and the fix for a CPU that OpenBLAS
/// does not know.
///
/// OpenBLAS picks its kernels when it loads, from the CPU model it recognises. An OpenBLAS older
/// than the CPU (Debian 12's 0.3.21 on Intel's Xeon family 6 model 207) falls back to its
/// Prescott (SSE3) kernels and runs SGEMM at a fifth of the speed its SkylakeX kernels reach on
/// the same core. The CPU's own features say better: where it has AVX2 and FMA but OpenBLAS chose
/// an older kernel, the engine has OpenBLAS load SkylakeX (AVX-512) or Haswell (AVX2) instead,
/// once, before its first product. A user's `OPENBLAS_CORETYPE` is obeyed as it is.
public enum BLASKernels {
    /// The OpenBLAS cores whose SGEMM uses at least AVX2 and FMA.
    static let vectorCores: Set<String> = ["haswell", "zen", "skylakex", "cooperlake", "sapphirerapids", "excavator"]

    /// The core to load instead of `current`, or nil to keep it: a core without AVX2 on a CPU
    /// with AVX2 and FMA (`level` 1) or AVX-512 (`level` 2), unless the user chose the core.
    static func replacement(current: String, level: Int, userChoseCore: Bool) -> String? {
        guard !userChoseCore, level >= 1, !vectorCores.contains(current.lowercased()) else { return nil }
        return level >= 2 ? "SkylakeX" : "Haswell"
    }

    /// The kernels in use, and the one OpenBLAS had picked when the engine replaced it.
    public struct Selection: Sendable, Equatable {
        public let core: String
        public let replaced: String?

        /// `SkylakeX` or `SkylakeX (OpenBLAS picked Prescott for this CPU)`.
        public var description: String { core + (replaced.map { " (OpenBLAS picked \($0) for this CPU)" } ?? "") }
    }

    /// Made once, before the engine's first product (the executor and the trainer ask for it).
    public static let selection: Selection = {
        let picked = coreName()
        let level = Int(cnn_kernels_cpu_level())
        guard let core = replacement(current: picked, level: level, userChoseCore: getenv("OPENBLAS_CORETYPE") != nil) else {
            return Selection(core: picked, replaced: nil)
        }
        load(core: core)
        unsetenv("OPENBLAS_CORETYPE")
        let now = coreName()
        return Selection(core: now, replaced: now == picked ? nil : picked)
    }()

    /// Has OpenBLAS choose its kernels again as if `OPENBLAS_CORETYPE` were `core` (it reads the
    /// variable when it chooses); leaves the variable set.
    static func load(core: String) {
        setenv("OPENBLAS_CORETYPE", core, 1)
        gotoblas_dynamic_quit()
        gotoblas_dynamic_init()
    }

    /// The OpenBLAS kernel in use (`Haswell`, `Zen`, `SkylakeX`...).
    static func coreName() -> String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}

/// The OpenBLAS kernel the engine runs on, printed with every timing and benchmark.
public func blasCoreName() -> String {
    BLASKernels.selection.description
}

/// The kernels the engine's passes run on, for timings and benchmarks:
/// `OpenBLAS SkylakeX, CKernels avx512`.
public func engineKernels() -> String {
    "OpenBLAS \(blasCoreName()), CKernels \(String(cString: cnn_kernels_level_name()))"
}
