import XCTest

/// Compares two float arrays element by element: |a - b| <= absolute + relative·|a|. On failure,
/// reports the largest difference and the first few mismatching indices (as llm.c's tests do).
func assertMatches(
    _ expected: [Float], _ actual: [Float], relative: Float = 1e-4, absolute: Float = 1e-5,
    _ message: String = "", file: StaticString = #filePath, line: UInt = #line
) {
    guard expected.count == actual.count else {
        XCTFail("\(message): \(expected.count) expected values, \(actual.count) actual", file: file, line: line)
        return
    }
    var worst: Float = 0
    var mismatches: [String] = []
    for i in expected.indices {
        let diff = abs(expected[i] - actual[i])
        worst = max(worst, diff)
        if !(diff <= absolute + relative * abs(expected[i])) {
            if mismatches.count < 5 { mismatches.append("[\(i)] expected \(expected[i]), got \(actual[i])") }
            else if mismatches.count == 5 { mismatches.append("...") }
        }
    }
    if !mismatches.isEmpty {
        XCTFail("\(message): max difference \(worst); " + mismatches.joined(separator: "; "), file: file, line: line)
    }
}

/// A small deterministic generator (SplitMix64), so test data is the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` values uniform in [-1, 1).
    mutating func values(_ count: Int) -> [Float] {
        (0..<count).map { _ in Float.random(in: -1..<1, using: &self) }
    }
}
