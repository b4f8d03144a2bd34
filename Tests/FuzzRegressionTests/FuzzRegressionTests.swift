import CNNModel
import Foundation
import FuzzTargets
import TestSupport
import XCTest

/// The readers on the fuzzers' seeds (Fuzz/Corpus, each a valid file that must be read) and on
/// every input that once crashed, hung or ran out of memory (Tests/Fixtures/fuzz: each must be
/// read or refused in one line naming the file, and never crash: a crash ends this test process).
final class FuzzRegressionTests: XCTestCase {
    private func files(_ folder: URL) -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }

    func testEverySeedIsAValidFile() throws {
        var count = 0
        for target in FuzzTarget.allCases {
            let seeds = files(Repository.root.appendingPathComponent("Fuzz/Corpus/\(target.rawValue)"))
            XCTAssertFalse(seeds.isEmpty, "\(target) has seeds")
            for file in seeds {
                let error = target.read(try Data(contentsOf: file))
                XCTAssertNil(error, "\(target): \(file.lastPathComponent): \(error.map { "\($0)" } ?? "")")
                count += 1
            }
        }
        XCTAssertGreaterThanOrEqual(count, 29, "the seeds of Scripts/make-fuzz-seeds.py")
    }

    func testEveryInputThatOnceCrashedIsReadOrRefusedInOneLine() throws {
        var refused: [String] = []
        for target in FuzzTarget.allCases {
            for file in files(Repository.fixture("fuzz/\(target.rawValue)")) {
                guard let error = target.read(try Data(contentsOf: file)) else { continue }
                let message = error.localizedDescription
                XCTAssertFalse(message.contains("\n"), "\(file.lastPathComponent): one line: \(message)")
                // A reader's message names the file; an analysis's names the layer (the commands
                // say which file: "huge-input.cnn cannot take input 3x16777216x16777216: layer c ...").
                XCTAssertTrue(
                    message.hasPrefix("fuzz") || error is AnalysisError, "\(file.lastPathComponent): the message names the file: \(message)")
                refused.append("\(target.rawValue)/\(file.lastPathComponent): \(message)")
            }
        }
        // The audit's hostile files, refused with the limit they pass.
        let expected = [
            "safetensors/shape-2e40x2e40": "has more than 2,147,483,648 elements (cnn-tui's limit for one tensor",
            "safetensors/shared-bytes": "tensors a and b share bytes",
            "pnm/65536x65536.ppm": "65536x65536 is more than 178,956,970 pixels",
            "idx/zero-size-images": "images of 0x0 pixels",
        ]
        for (file, text) in expected {
            XCTAssertTrue(refused.contains { $0.hasPrefix(file + ":") && $0.contains(text) }, "\(file): \(text)\n\(refused.joined(separator: "\n"))")
        }
    }
}
