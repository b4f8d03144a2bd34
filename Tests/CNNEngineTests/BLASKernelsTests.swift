import CKernels
import TestSupport
import XCTest

@testable import CNNEngine

#if canImport(Glibc)
    import Glibc
#endif

/// OpenBLAS's fallback on a CPU it does not know, replaced by the kernels the CPU's features
/// allow; a core the user chose is kept.
final class BLASKernelsTests: XCTestCase {
    func testAFallbackCoreIsReplacedByWhatTheCPUCanRun() {
        // Debian's OpenBLAS 0.3.21 on a Xeon family 6 model 207: AVX-512, but Prescott kernels.
        XCTAssertEqual(BLASKernels.replacement(current: "Prescott", level: 2, userChoseCore: false), "SkylakeX")
        XCTAssertEqual(BLASKernels.replacement(current: "Nehalem", level: 1, userChoseCore: false), "Haswell")
        XCTAssertEqual(BLASKernels.replacement(current: "Sandybridge", level: 2, userChoseCore: false), "SkylakeX", "AVX without AVX2")
    }

    func testAKnownCoreOrTheUsersChoiceIsKept() {
        XCTAssertNil(BLASKernels.replacement(current: "Cooperlake", level: 2, userChoseCore: false))
        XCTAssertNil(BLASKernels.replacement(current: "Zen", level: 2, userChoseCore: false), "Zen 4: OpenBLAS's AVX2 kernels as chosen")
        XCTAssertNil(BLASKernels.replacement(current: "Haswell", level: 1, userChoseCore: false))
        XCTAssertNil(BLASKernels.replacement(current: "Prescott", level: 2, userChoseCore: true), "OPENBLAS_CORETYPE is obeyed")
        XCTAssertNil(BLASKernels.replacement(current: "Prescott", level: 0, userChoseCore: false), "a CPU without AVX2 keeps it")
    }

    /// OpenBLAS chooses again when asked: Prescott, then back to what the engine runs on, with
    /// the same products either way (within float rounding).
    func testOpenBLASLoadsTheCoreItIsGiven() throws {
        let selected = BLASKernels.selection
        let before = getenv("OPENBLAS_CORETYPE").map { String(cString: $0) }
        defer {
            BLASKernels.load(core: selected.core)
            if let before { setenv("OPENBLAS_CORETYPE", before, 1) } else { unsetenv("OPENBLAS_CORETYPE") }
            XCTAssertEqual(BLASKernels.coreName(), selected.core)
        }
        let n = 64
        let a = (0..<(n * n)).map { Float(sin(Double($0))) }, b = (0..<(n * n)).map { Float(cos(Double($0))) }
        func product() -> [Float] {
            var c = [Float](repeating: 0, count: n * n)
            denseBatchForward(output: &c, input: a, weight: b, bias: nil, batch: n, inFeatures: n, outFeatures: n)
            return c
        }
        let fast = product()
        BLASKernels.load(core: "Prescott")
        XCTAssertEqual(BLASKernels.coreName(), "Prescott")
        assertMatches(fast, product(), relative: 1e-5, absolute: 1e-4, "Prescott against \(selected.core)")
    }
}
