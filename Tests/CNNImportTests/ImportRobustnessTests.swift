import CNNModel
import CNNZoo
import Foundation
import TestSupport
import XCTest

@testable import CNNImport

/// Damaged files all the way through: whatever the reader accepts, the converter and the
/// analysis take without a crash, and what they refuse is one line.
final class ImportRobustnessTests: XCTestCase {
    /// Every byte of an exported network flipped in turn: read, converted, analysed, or refused.
    func testEveryFlippedByteOfAnExportReadsOrIsRefusedAllTheWay() throws {
        let original = try Data(contentsOf: Repository.fixture("onnx/tiny-cnn-opset13.onnx"))
        var read = 0, converted = 0
        for i in original.indices {
            var data = original
            data[i] ^= 0xFF
            guard let model = try? ONNXFile.decode(data, folder: nil) else { continue }
            read += 1
            do {
                let network = try ONNXImport.network(model, file: "flipped.onnx")
                converted += 1
                if let input = network.input { _ = try? ModelAnalysis(graph: network.graph, input: input) }
            } catch {
                XCTAssertFalse("\(error)".contains("\n"), "one line: \(error)")
            }
        }
        XCTAssertGreaterThan(read, 0)
        XCTAssertGreaterThan(converted, 0, "some flips (in weights) still give a network")
    }

    /// Random edits of a written model file (characters dropped, digits changed to huge or zero
    /// values, lines swapped): each reads to an analysable graph or is one line naming the line.
    func testMangledModelFilesReadOrNameTheLine() throws {
        let text = ModelText.write(try XCTUnwrap(Zoo.model(named: "googlenet")).graph(), input: TensorShape(channels: 3, height: 224, width: 224))
        var random = SeededGenerator(seed: 17)
        var accepted = 0
        for _ in 0..<300 {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for _ in 0..<3 {
                let row = Int(random.next() % UInt64(lines.count))
                var chars = Array(lines[row])
                switch random.next() % 4 {
                case 0 where !chars.isEmpty: chars.remove(at: Int(random.next() % UInt64(chars.count)))
                case 1: chars = Array(String(chars).replacingOccurrences(of: "3", with: ["0", "99999999999", "-1", "1e9"][Int(random.next() % 4)]))
                case 2: lines.swapAt(row, Int(random.next() % UInt64(lines.count)))
                default: chars.insert(["<", ":", "{", "}", "=", " "][Int(random.next() % 6)], at: chars.isEmpty ? 0 : Int(random.next() % UInt64(chars.count)))
                }
                if row < lines.count { lines[row] = String(chars) }
            }
            do {
                let (graph, input) = try ModelText.read(lines.joined(separator: "\n"), file: "m.cnn")
                accepted += 1
                _ = try? ModelAnalysis(graph: graph, input: input)
            } catch {
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix("m.cnn"), message)
                XCTAssertFalse(message.contains("\n"), message)
            }
        }
        XCTAssertGreaterThan(accepted, 0, "some edits leave a valid file")
    }
}
