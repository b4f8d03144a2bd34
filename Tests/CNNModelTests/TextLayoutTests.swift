import XCTest

@testable import CNNModel

/// Text in terminal columns, as every table and screen lays it out.
final class TextLayoutTests: XCTestCase {
    func testWideCharactersTakeTwoColumnsAndCombiningMarksNone() {
        XCTAssertEqual(displayWidth("conv1"), 5)
        XCTAssertEqual(displayWidth("猫 cat"), 6)
        XCTAssertEqual(displayWidth("e\u{301}"), 1)  // e + combining acute
        XCTAssertEqual(displayWidth("├─●"), 3)
    }

    func testTruncateEndsInAnEllipsisOnlyWhenItCuts() {
        XCTAssertEqual(truncate("inception3a", to: 20), "inception3a")
        XCTAssertEqual(truncate("inception3a", to: 11), "inception3a")
        XCTAssertEqual(truncate("inception3a", to: 8), "incepti…")
        XCTAssertEqual(truncate("猫猫猫", to: 4), "猫…")
        XCTAssertEqual(truncate("abc", to: 0), "")
    }

    func testPadFillsToExactlyTheWidthOnEitherSide() {
        XCTAssertEqual(pad("64", to: 5), "64   ")
        XCTAssertEqual(pad("64", to: 5, alignRight: true), "   64")
        XCTAssertEqual(pad("猫", to: 3), "猫 ")
        XCTAssertEqual(pad("1,000,000", to: 6), "1,000…")
    }

    func testWrapBreaksAtSpacesAndCutsOnlyWordsLongerThanALine() {
        XCTAssertEqual(
            wrap("two 3x3 convolutions see as far as one 5x5 with fewer weights", width: 20),
            ["two 3x3 convolutions", "see as far as one", "5x5 with fewer", "weights"])
        XCTAssertEqual(wrap("layer4.2.conv3", width: 6), ["layer4", ".2.con", "v3"])
        XCTAssertEqual(wrap("猫猫猫 a", width: 4), ["猫猫", "猫 a"])
        XCTAssertEqual(wrap("a\nb", width: 10), ["a b"])
        XCTAssertEqual(wrap("anything", width: 0), [])
    }

    func testPercentShowsAShareWithThePrecisionItNeeds() {
        XCTAssertEqual(percent(0.312), "31.2%")
        XCTAssertEqual(percent(0.0005), "0.05%")
        XCTAssertEqual(percent(0.00001), "<0.01%")
        XCTAssertEqual(percent(0), "0%")
        XCTAssertEqual(percent(0.97314, digits: 2), "97.31%")
        XCTAssertEqual(percent(1, digits: 1), "100.0%")
    }
}
