import Foundation
import XCTest

/// Compares a whole rendered screen with its golden lines. A failure names each line that
/// differs, expected above actual, instead of printing both arrays whole. With
/// `CNN_TUI_GOLDEN_OUT=DIR` set, the actual screen is also written to `DIR/NAME.swift` as the
/// Swift array literal the golden file holds, to review and paste after a deliberate change.
public func assertScreen(
    _ actual: [String], equals expected: [String], _ name: String, file: StaticString = #filePath, line: UInt = #line
) {
    guard actual != expected else { return }
    var report: [String] = []
    if actual.count != expected.count { report.append("\(expected.count) lines expected, \(actual.count) rendered") }
    for i in 0..<max(actual.count, expected.count) {
        let want = i < expected.count ? expected[i] : "(none)"
        let got = i < actual.count ? actual[i] : "(none)"
        if want != got { report.append("line \(i):\n  expected \"\(want)\"\n  rendered \"\(got)\"") }
    }
    if let folder = ProcessInfo.processInfo.environment["CNN_TUI_GOLDEN_OUT"] {
        let literal = actual.map { "        \"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"," }
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try? (literal.joined(separator: "\n") + "\n").write(toFile: folder + "/" + name + ".swift", atomically: true, encoding: .utf8)
        report.append("wrote \(folder)/\(name).swift")
    }
    XCTFail("\(name): the screen differs from its golden lines\n" + report.joined(separator: "\n"), file: file, line: line)
}
