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

    private func text(_ state: AppState) -> String { state.render().lines.joined(separator: "\n") }

    /// Chooses the mode from the first field (→ steps through them).
    private func choose(_ mode: CalculatorScreenState.Mode, in state: inout AppState) {
        while state.calculator.mode != mode { state.handle(.right) }
    }

    // MARK: The course examples

    func testCalculatorStartsWithTheCourseExample() throws {
        let text = text(try calculator())
        XCTAssertTrue(text.contains("3x32x32 -> 4x28x28"), text)
        XCTAssertTrue(text.contains("5*5*3*4 + 4 = 304"), text)
    }

    func testCalculatorTypingAndImpossibleSettings() throws {
        var s = try calculator()
        for _ in 0..<4 { s.handle(.down) }  // kernel
        s.type("40")
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
        s.type("512")
        s.handle(.down)
        s.type("7")
        s.handle(.down)
        s.type("7")
        s.handle(.enter)
        let text = text(s)
        XCTAssertTrue(text.contains("25088*4096 + 4096 = 102,764,544"), text)
        XCTAssertTrue(text.contains("512*4096 + 4096 = 2,101,248"), text)
    }

    // MARK: Keys say what they do

    func testQuestionMarkOpensTheHelpWhileTyping() throws {
        var s = try calculator()
        s.handle(.down)  // channels
        s.type("1")
        XCTAssertTrue(s.calculator.isEditing)
        s.handle(.character("?"))
        XCTAssertNotNil(s.overlay, "? is help everywhere, even while a number is being typed")
        let help = text(s)
        XCTAssertTrue(help.contains("type into a number field (1-4"), help)
        XCTAssertTrue(help.contains("switch screens, also while typing"), help)
        XCTAssertTrue(help.contains("switch screens from Calculate and Bias"), help)
        s.handle(.escape)
        XCTAssertNil(s.overlay)
        XCTAssertTrue(s.calculator.isEditing, "closing the help goes back to the number being typed")
    }

    func testDigitsTypeIntoNumbersButSwitchScreensFromTheModeField() throws {
        var s = try calculator()
        s.handle(.down)
        s.handle(.character("2"))
        XCTAssertEqual(s.screen, .calculator, "on a number field, 2 is a digit")
        s.handle(.escape)
        s.handle(.up)  // the mode field holds no number
        s.handle(.character("2"))
        XCTAssertEqual(s.screen, .receptiveField)
    }

    func testTabSwitchesScreensWhileTyping() throws {
        var s = try calculator()
        s.handle(.down)
        s.type("12")
        s.handle(.tab)
        XCTAssertEqual(s.screen, .featureMaps)
    }

    // MARK: Results follow every keystroke

    func testResultsFollowTheNumberBeingTyped() throws {
        var s = try calculator()
        for _ in 0..<4 { s.handle(.down) }  // kernel
        s.type("3")
        XCTAssertTrue(s.calculator.isEditing)
        XCTAssertTrue(text(s).contains("3x32x32 -> 4x30x30"), "a 3x3 kernel, before Enter: \(text(s))")
        s.handle(.backspace)
        XCTAssertTrue(text(s).contains("Kernel k: type a number"), text(s))
        s.type("0")
        XCTAssertTrue(text(s).contains("Kernel k must be at least 1"), text(s))
        s.handle(.escape)
        XCTAssertTrue(text(s).contains("5*5*3*4 + 4 = 304"), "Esc drops the typed number: \(text(s))")
    }

    // MARK: Starting points that teach the lesson

    func testBottleneckStartsFromResNetsWidths() throws {
        var s = try calculator()
        choose(.bottleneck, in: &s)
        let text = text(s)
        XCTAssertTrue(text.contains("256x56x56 -> 64x56x56"), text)
        XCTAssertTrue(text.contains("1*1*256*64 + 64 = 16,448"), text)
        XCTAssertTrue(text.contains("3*3*256*256 + 256 = 590,080"), text)
        // (16,448 + 36,928 + 16,640) / (2 * 590,080)
        XCTAssertTrue(text.contains("Bottleneck 1x1-3x3-1x1: 5.9% of the parameters of two plain 3x3"), text)
        XCTAssertFalse(text.contains("wider than its input"), text)
    }

    func testABottleneckWiderThanItsInputSaysSo() throws {
        var s = try calculator()
        choose(.bottleneck, in: &s)
        s.handle(.down)
        s.handle(.down)  // bottleneck width
        for _ in 0..<3 { s.handle(.right) }  // 64 -> 512
        XCTAssertEqual(s.calculator.value(.bottleneck), 512)
        let text = text(s)
        XCTAssertTrue(text.contains("The bottleneck (512) is wider than"), text)
        XCTAssertTrue(text.contains("(256): it adds weights instead of saving"), text)
    }

    func testHeadStartsFromVGG16sClassifier() throws {
        var s = try calculator()
        choose(.head, in: &s)
        let text = text(s)
        XCTAssertTrue(text.contains("25088*4096 + 4096 = 102,764,544"), text)
        XCTAssertTrue(text.contains("512*4096 + 4096 = 2,101,248"), text)
        XCTAssertTrue(text.contains("Global pooling + dense: 2.0% of the parameters of flatten + dense"), text)
    }

    func testPlusAndMinusUndoEachOther() throws {
        var s = try calculator()
        s.handle(.down)  // channels, 3
        s.handle(.character("-"))
        XCTAssertEqual(s.calculator.value(.channels), 2)
        s.handle(.character("+"))
        XCTAssertEqual(s.calculator.value(.channels), 3)
        for _ in 0..<7 { s.handle(.character("+")) }
        XCTAssertEqual(s.calculator.value(.channels), 32, "one up below 8, doubling from 8: 4 5 6 7 8 16 32")
        for _ in 0..<7 { s.handle(.character("-")) }
        XCTAssertEqual(s.calculator.value(.channels), 3, "and the same steps back")
    }

    // MARK: Nothing cut, one word for mult-adds

    func testNothingIsCutInAnyModeAt80x24And120x40() throws {
        for (w, h) in [(80, 24), (120, 40)] {
            for model in ["lenet5", "vgg16"] {
                var s = try calculator(model, w, h)
                for mode in CalculatorScreenState.Mode.allCases {
                    choose(mode, in: &s)
                    // The body: the tab line and the two footer lines are not the screen's.
                    for line in s.render().lines.dropFirst().dropLast(2) {
                        XCTAssertFalse(line.contains("…"), "\(model) \(w)x\(h) \(mode): \(line)")
                        XCTAssertFalse(line.contains("MACs"), "\(model) \(w)x\(h) \(mode): \(line)")
                    }
                }
            }
        }
    }

    func testComparisonsEndInAConclusionAt80x24() throws {
        var s = try calculator("lenet5", 80, 24)
        for mode in [CalculatorScreenState.Mode.separable, .bottleneck, .head] {
            choose(mode, in: &s)
            let text = text(s)
            XCTAssertTrue(text.contains("% of the"), "\(mode): \(text)")
        }
    }
}
