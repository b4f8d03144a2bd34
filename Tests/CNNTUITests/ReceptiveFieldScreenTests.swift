import CNNModel
import CNNZoo
import XCTest

@testable import CNNTUI

/// Screen 2, receptive fields, rendered into the in-memory canvas and read as text.
final class ReceptiveFieldScreenTests: XCTestCase {
    private func state(_ model: String, _ width: Int = 120, _ height: Int = 40) throws -> AppState {
        try AppState(model: Zoo.model(named: model)!, size: (width, height))
    }

    private func type(_ text: String, into state: inout AppState) {
        for ch in text { state.handle(.character(ch)) }
    }

    private func text(_ state: AppState) -> String { state.render().lines.joined(separator: "\n") }

    /// The receptive-field screen of `model` with the kernel comparison focused.
    private func comparison(_ model: String = "vgg16", _ width: Int = 120, _ height: Int = 40) throws -> AppState {
        var s = try state(model, width, height)
        s.handle(.character("2"))
        s.handle(.character("c"))
        return s
    }

    func testReceptiveFieldScreenFollowsTheGraphSelection() throws {
        var s = try state("vgg16")
        s.handle(.character("/"))
        type("features.30", into: &s)
        s.handle(.enter)
        s.handle(.tab)
        XCTAssertEqual(s.screen, .receptiveField)
        let text = text(s)
        XCTAssertTrue(text.contains("features.30: unit (3,3) of 7x7"), text)
        XCTAssertTrue(text.contains("sees 212x212 of the 224x224 input"), text)
    }

    func testStackComparisonReactsToKeys() throws {
        var s = try comparison()
        s.handle(.right)  // n = 3
        let text = text(s)
        XCTAssertTrue(text.contains("3 x 3x3    RF 7    110,784 params"), text)
        XCTAssertTrue(text.contains("1 x 7x7    RF 7    200,768 params"), text)
        XCTAssertTrue(text.contains("after conv 3: 7x7"), text)
    }
}
