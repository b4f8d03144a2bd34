import XCTest

/// Compares two float arrays element by element: |a - b| <= absolute + relative·|a|. On failure,
/// reports the largest difference and the first few mismatching indices (as llm.c's tests do).
public func assertMatches(
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
            if mismatches.count < 5 {
                mismatches.append("[\(i)] expected \(expected[i]), got \(actual[i])")
            } else if mismatches.count == 5 {
                mismatches.append("...")
            }
        }
    }
    if !mismatches.isEmpty {
        XCTFail("\(message): max difference \(worst); " + mismatches.joined(separator: "; "), file: file, line: line)
    }
}
