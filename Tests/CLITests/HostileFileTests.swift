import Foundation
import TestSupport
import XCTest

/// The commands on files made to break them (Tests/Fixtures/fuzz): one line on stderr and exit
/// 1, or a normal run, never a crash. The first is the report that started the fuzzing: a
/// weights file whose header gives a 2^40 x 2^40 tensor trapped `run lenet5 --weights FILE`.
final class HostileFileTests: XCTestCase {
    private func run(_ arguments: String...) throws -> CLITests.Run {
        try CLITests.launch(arguments)
    }

    private func fixture(_ name: String) -> String { Repository.fixture("fuzz/" + name).path }

    private func assertRefused(_ r: CLITests.Run, _ text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 1, r.stderr, file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("Error: ") && r.stderr.contains(text), r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line: \(r.stderr)", file: file, line: line)
    }

    func testAWeightsFileWithAnAbsurdShapeIsAnError() throws {
        let path = fixture("safetensors/shape-2e40x2e40")
        assertRefused(
            try run("run", "lenet5", "--weights", path),
            "\(path): not a valid safetensors file: tensor a: shape [1099511627776, 1099511627776] has more than 2,147,483,648 elements "
                + "(cnn-tui's limit for one tensor, 8 GiB of float32)")
        assertRefused(try run("run", "lenet5", "--weights", fixture("safetensors/shared-bytes")), "tensors a and b share bytes 0..<8")
    }

    func testAnImageThatClaimsToBeHugeIsRefusedBeforeItIsRead() throws {
        assertRefused(
            try run("run", "lenet5", "--image", fixture("pnm/65536x65536.ppm")), "65536x65536 is more than 178,956,970 pixels")
    }

    /// Networks whose numbers run away: shapes and fields stay numbers, counts that cannot be
    /// made are not made, and the engine refuses what it could not hold.
    func testModelFilesWithAbsurdSizes() throws {
        let strides = try run("rf", fixture("modeltext/far-strides.cnn"), "--all")
        XCTAssertEqual(strides.status, 0, strides.stderr)
        XCTAssertTrue(strides.stdout.contains("9223372036854775807"), "a jump that saturates:\n\(strides.stdout)")
        let pool = try run("summary", fixture("modeltext/huge-pool-window.cnn"), "--count", "all")
        XCTAssertEqual(pool.status, 0, pool.stderr)
        assertRefused(try run("run", fixture("modeltext/huge-pool-window.cnn")), "too large to run: the input: shape [1, 1, 16777216, 16777216] has more than")
        assertRefused(try run("summary", fixture("modeltext/huge-input.cnn")), "huge-input.cnn cannot take input 3x16777216x16777216: layer c")
    }

    /// A folder where a file goes: `summary x.keras/` spun forever in the zip reader.
    func testAFolderForAFileIsSaidToBeOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cnn-tui-folder-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["net.keras", "net.onnx", "net.cnn", "net.json"] {
            let path = folder.appendingPathComponent(name).path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            assertRefused(try run("summary", path), "\(path): is a folder, not a file")
        }
        assertRefused(try run("run", "lenet5", "--weights", folder.path), "\(folder.path): is a folder, not a file")
        assertRefused(try run("run", "lenet5", "--image", folder.path), "\(folder.path): is a folder, not a file")
        // A device would be read forever.
        assertRefused(try run("run", "lenet5", "--image", "/dev/zero"), "/dev/zero: is not a regular file (a device or a pipe?)")
        assertRefused(try run("summary", "/dev/null.cnn"), "no such file")
    }

    func testHostileONNXFilesAreOneLineErrors() throws {
        for (name, text) in [
            ("pad-int64-max", "padding [0, 0, 9223372036854775807, 0, 0, 0, 1, 0] (each at most 16,777,216)"),
            ("functions-2-to-the-40", "has more than 1,000,000 nodes once its functions are inlined"),
        ] {
            assertRefused(try run("summary", fixture("onnx/\(name).onnx")), text)
        }
        for name in ["reshape-float-1e19", "mul-int64-max", "gather-empty-huge-dims"] {
            let r = try run("summary", fixture("onnx/\(name).onnx"))
            XCTAssertEqual(r.status, 1, "\(name): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(name): \(r.stderr)")
        }
    }
}
