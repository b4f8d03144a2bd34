import Foundation
import TestSupport
import XCTest

/// Data never lost: every file cnn-tui writes (`train`'s weights, `run --output`, `explain
/// --output`, `export`, the browser's save) goes through one `OutputFile.write`: a temporary
/// file beside it, flushed, then renamed over it. Killed with SIGKILL while it writes, the
/// program leaves the old file or the new one, whole, never a torn or missing one.
final class AtomicWriteTests: XCTestCase {
    func testSIGKILLMidWriteLeavesTheOldFileOrTheNewOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cnn-tui-sigkill-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (out, reference) = (folder.appendingPathComponent("out.safetensors").path, folder.appendingPathComponent("new.safetensors").path)
        func arguments(_ sample: String, _ path: String) -> [String] {
            ["run", "resnet18", "--input", "3x64x64", "--sample", sample, "--layers", "all", "--output", path]
        }
        // The old file, and what a complete new one holds (2.7 MB each).
        XCTAssertEqual(try CLITests.launch(arguments("imagenet:0", out)).status, 0)
        XCTAssertEqual(try CLITests.launch(arguments("imagenet:1", reference)).status, 0)
        let old = try Data(contentsOf: URL(fileURLWithPath: out)), new = try Data(contentsOf: URL(fileURLWithPath: reference))
        XCTAssertNotEqual(old, new)
        var outcomes: [String] = []
        var random = SeededGenerator(seed: 5)
        for trial in 0..<5 {
            let process = Process()
            process.executableURL = CLITests.binary
            process.arguments = arguments("imagenet:1", out)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Kill it once the temporary file exists (the write has begun), at once or a little
            // later: in the middle of the bytes, or about when it renames.
            let partial = out + ".partial"
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning && !FileManager.default.fileExists(atPath: partial) && Date() < deadline { usleep(200) }
            usleep(UInt32(trial == 0 ? 0 : random.next() % 40_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let found = try Data(contentsOf: URL(fileURLWithPath: out))
            let tornLeft = FileManager.default.fileExists(atPath: partial)
            XCTAssertTrue(found == old || found == new, "trial \(trial): \(out) is \(found.count) bytes, neither the old file nor the new one")
            outcomes.append((found == old ? "old" : "new") + (tornLeft ? " (a partial file left beside it)" : ""))
            try? FileManager.default.removeItem(atPath: partial)
            try old.write(to: URL(fileURLWithPath: out))
        }
        XCTAssertTrue(outcomes.contains { $0.hasPrefix("old (a partial") }, "at least one kill landed mid-write: \(outcomes)")
        print("SIGKILL while writing: \(outcomes.joined(separator: "; "))")
    }
}
