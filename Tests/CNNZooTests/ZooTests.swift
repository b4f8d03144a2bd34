import CNNModel
import Foundation
import XCTest

@testable import CNNZoo

final class ZooTests: XCTestCase {
    func testEveryModelHasAReferenceFixtureAndMatchesIt() throws {
        for model in Zoo.all {
            let url = ReferenceFixture.directory.appendingPathComponent("\(model.name).json")
            XCTAssertTrue(FileManager.default.fileExists(atPath: url.path), "no fixture for \(model.name)")
            if model.name != "nasnet_mobile" {  // Keras reference: NASNetTests
                try assertMatchesTorchReference(model)
            }
        }
    }

    func testNamesAreUniqueLowercaseAndDescribed() {
        XCTAssertEqual(Zoo.all.count, 34)
        XCTAssertEqual(Set(Zoo.all.map(\.name)).count, Zoo.all.count)
        for model in Zoo.all {
            XCTAssertEqual(model.name, model.name.lowercased())
            XCTAssertGreaterThan(model.description.count, 200, model.name)
            XCTAssertFalse(model.paper.isEmpty, model.name)
            XCTAssertNoThrow(try model.analysis(), model.name)
        }
    }

    /// A count written in a description (`138,357,544`, `61,706`) must be one the analysis computes:
    /// a total, or a layer's parameters or output size.
    func testCountsQuotedInDescriptionsAreComputedOnes() throws {
        let pattern = try NSRegularExpression(pattern: "\\b\\d{1,3}(,\\d{3})+\\b")
        for model in Zoo.all {
            let text = model.description
            let a = try model.analysis()
            var computed = Set([a.totalParams, a.trainableParams, a.nonTrainableParams, a.macs])
            computed.formUnion(a.layers.map(\.params))
            computed.formUnion(a.layers.map(\.activations))
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let quoted = String(text[Range(match.range, in: text)!])
                let value = Int(quoted.replacingOccurrences(of: ",", with: ""))!
                XCTAssertTrue(computed.contains(value), "\(model.name) quotes \(quoted), which it does not compute")
            }
        }
    }

    func testSuggestionsForTypos() {
        XCTAssertEqual(Zoo.suggestions(for: "resnet5").first, "resnet50")
        XCTAssertTrue(Zoo.suggestions(for: "vgg").contains("vgg11"))
        XCTAssertEqual(Zoo.suggestions(for: "transformer"), [])
        XCTAssertEqual(Zoo.suggestions(for: "lenet"), ["lenet5"], "a name typed in part beats close spellings")
    }

    func testAuxiliaryClassifiersAreASwitch() throws {
        let plain = try Zoo.googlenet.analysis()
        let aux = try Zoo.googlenet.analysis(options: ZooOptions(auxClassifiers: true))
        XCTAssertEqual(plain.trainableParams, 6_624_904)
        XCTAssertEqual(aux.trainableParams, 13_004_888)
        XCTAssertEqual(aux.graph.outputs.count, 3, "two auxiliary heads and the main classifier")
    }
}
