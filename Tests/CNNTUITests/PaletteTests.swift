import XCTest

@testable import CNNTUI

/// xterm's 256 colours as RGB, and the fallback to 8 or 16 colours that the ncurses backend
/// uses on smaller terminals.
final class PaletteTests: XCTestCase {
    func testTheCubeAndRampHaveXtermsValues() {
        XCTAssertTrue(Palette.rgb(16) == (0, 0, 0))
        XCTAssertTrue(Palette.rgb(67) == (95, 135, 175))  // cube (1, 2, 3)
        XCTAssertTrue(Palette.rgb(196) == (255, 0, 0))
        XCTAssertTrue(Palette.rgb(231) == (255, 255, 255))
        XCTAssertTrue(Palette.rgb(232) == (8, 8, 8))
        XCTAssertTrue(Palette.rgb(255) == (238, 238, 238))
        XCTAssertTrue(Palette.rgb(9) == (255, 0, 0))
    }

    func testOnFewerColoursEachColourFallsToTheNearestBasicOne() {
        XCTAssertEqual(Palette.nearestBasic(196, basic: 16), 9)  // bright red
        XCTAssertEqual(Palette.nearestBasic(196, basic: 8), 1)  // red
        XCTAssertEqual(Palette.nearestBasic(231, basic: 16), 15)
        XCTAssertEqual(Palette.nearestBasic(231, basic: 8), 7)
        XCTAssertEqual(Palette.nearestBasic(244, basic: 16), 8)  // grey 128 -> 127
        XCTAssertEqual(Palette.nearestBasic(12, basic: 8), 4)  // bright blue -> blue
        XCTAssertEqual(Palette.nearestBasic(3, basic: 8), 3)
    }

    /// The picture's colour matching and the palette agree: every cube and ramp colour is its
    /// own nearest.
    func testEveryCubeAndRampColourIsItsOwnNearest() {
        for index in 16...255 {
            let c = Palette.rgb(UInt8(index))
            XCTAssertEqual(Palette.nearest(red: UInt8(c.red), green: UInt8(c.green), blue: UInt8(c.blue)), .index(UInt8(index)), "\(index)")
        }
    }
}
