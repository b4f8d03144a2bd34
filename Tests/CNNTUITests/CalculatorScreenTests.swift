import CNNModel
import CNNZoo
import XCTest

@testable import CNNTUI

/// Screen 3, the parameter calculator, rendered into the in-memory canvas and read as text.
final class CalculatorScreenTests: XCTestCase {
    private func calculator(_ model: String = "lenet5", _ width: Int = 120, _ height: Int = 40) throws -> AppState {
        var s = try AppState(model: Zoo.model(named: model)!, size: (width, height))
        s.handle(.character("3"))
        return s
    }

    private func type(_ text: String, into state: inout AppState) {
        for ch in text { state.handle(.character(ch)) }
    }

    private func text(_ state: AppState) -> String { state.render().lines.joined(separator: "\n") }

    // MARK: The course examples

    func testCalculatorStartsWithTheCourseExample() throws {
        let text = text(try calculator())
        XCTAssertTrue(text.contains("3x32x32 -> 4x28x28"), text)
        XCTAssertTrue(text.contains("5*5*3*4 + 4 = 304"), text)
    }

    func testCalculatorTypingAndImpossibleSettings() throws {
        var s = try calculator()
        for _ in 0..<4 { s.handle(.down) }  // kernel
        type("40", into: &s)
        s.handle(.enter)
        let text = text(s)
        XCTAssertTrue(text.contains("impossible"), text)
        XCTAssertTrue(text.contains("larger than its padded"), text)
    }

    func testCalculatorHeadComparisonUsesVGG16Numbers() throws {
        var s = try calculator("vgg16")
        for _ in 0..<4 { s.handle(.right) }  // mode: head
        XCTAssertEqual(s.calculator.mode, .head)
        s.handle(.down)
        type("512", into: &s); s.handle(.down)
        type("7", into: &s); s.handle(.down)
        type("7", into: &s); s.handle(.enter)
        let text = text(s)
        XCTAssertTrue(text.contains("25088*4096 + 4096 = 102,764,544"), text)
        XCTAssertTrue(text.contains("512*4096 + 4096 = 2,101,248"), text)
    }
}
