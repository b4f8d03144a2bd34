import XCTest

@testable import CNNModel

/// "Did you mean": the names a mistyped one is a typo or a part of, and nothing far off.
final class NameSuggestionsTests: XCTestCase {
    private let commands = ["open", "list", "summary", "info", "rf", "run", "train", "params", "compare-rf", "nin"]

    func testASwappedPairOfLettersIsOneEdit() {
        XCTAssertEqual(editDistance("trian", "train"), 1)
        XCTAssertEqual(editDistance("sumary", "summary"), 1)
        XCTAssertEqual(editDistance("kitten", "sitting"), 3)
        XCTAssertEqual(editDistance("", "abc"), 3)
    }

    func testATypoSuggestsOnlyTheNamesNearIt() {
        XCTAssertEqual(NameSuggestions.closest(to: "trian", among: commands), ["train"])
        XCTAssertEqual(NameSuggestions.closest(to: "sumary", among: commands), ["summary"])
        XCTAssertEqual(NameSuggestions.closest(to: "Summry", among: commands), ["summary"])
        XCTAssertEqual(NameSuggestions.closest(to: "transformer", among: commands), [])
    }

    func testANameTypedInPartBeatsCloseSpellings() {
        XCTAssertEqual(NameSuggestions.closest(to: "comp", among: commands), ["compare-rf"])
        XCTAssertEqual(
            NameSuggestions.closest(to: "layer4.2.conv", among: ["layer4.2.conv1", "layer4.2.conv2", "layer4.2.bn1"]),
            ["layer4.2.conv1", "layer4.2.conv2"])
    }

    func testAListReadsAsASentence() {
        XCTAssertEqual(NameSuggestions.quotedList(["a"]), "'a'")
        XCTAssertEqual(NameSuggestions.quotedList(["a", "b", "c"]), "'a', 'b' or 'c'")
        XCTAssertEqual(NameSuggestions.quotedList([]), "")
    }
}
