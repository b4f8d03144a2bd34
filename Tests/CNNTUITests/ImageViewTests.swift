import CNNModel
import XCTest

@testable import CNNTUI

/// Sample images in the terminal: nearest palette colours, half blocks, ramps.
final class ImageViewTests: XCTestCase {
    private func index(_ color: Color) -> UInt8? {
        if case .index(let i) = color { return i }
        return nil
    }

    func testNearestColourPicksCubeOrGreyWhicheverIsCloser() {
        func nearest(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8? { index(Palette.nearest(red: r, green: g, blue: b)) }
        XCTAssertEqual(nearest(0, 0, 0), 16)
        XCTAssertEqual(nearest(255, 255, 255), 231)
        XCTAssertEqual(nearest(255, 0, 0), 196)
        XCTAssertEqual(nearest(95, 135, 175), 67, "exactly cube (1,2,3)")
        XCTAssertEqual(nearest(128, 128, 128), 244, "grey 128 is on the ramp (8 + 10*12); the cube's nearest is 135")
        XCTAssertEqual(nearest(130, 40, 200), 92, "each channel to its nearest step: cube (2,0,4)")
    }

    func testRGBPixelsBecomeHalfBlocks() {
        // 2x2: red, green / blue, white.
        let image = ImageView(width: 2, height: 2, channels: 3, pixels: [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255])
        var canvas = Canvas(width: 2, height: 1, fill: Cell("x"))
        let drawn = image.render(area: canvas.area, into: &canvas, theme: Theme())
        XCTAssertEqual(drawn, Rect(x: 0, y: 0, width: 2, height: 1))
        XCTAssertEqual(canvas.lines, ["▀▀"])
        XCTAssertEqual(canvas[0, 0].style, Style(.index(196), .index(21)))
        XCTAssertEqual(canvas[1, 0].style, Style(.index(46), .index(231)))
    }

    func testGreyImageInASCIIFollowsTheRamp() {
        let ramp = (0..<10).map { UInt8($0 * 255 / 9) }
        let image = ImageView(width: 10, height: 1, channels: 1, pixels: ramp)
        var canvas = Canvas(width: 22, height: 1, fill: Cell("x"))
        image.render(area: canvas.area, into: &canvas, theme: Theme(ascii: true, colors: false))
        XCTAssertEqual(canvas.lines, ["x  ..::--==++**##%%@@x"])
    }

    func testAlphaIsIgnoredAndShrinkingAveragesTheBox() {
        // 4x2 grey + alpha: left half 0 and 100, right half 200 and 255; alpha all 7.
        let pixels: [UInt8] = [0, 7, 100, 7, 200, 7, 255, 7, 0, 7, 100, 7, 200, 7, 255, 7]
        let image = ImageView(width: 4, height: 2, channels: 2, pixels: pixels)
        let shown = Size2(1, 2)
        XCTAssertTrue(image.sample(row: 0, column: 0, shown: shown) == (50, 50, 50))
        XCTAssertTrue(image.sample(row: 0, column: 1, shown: shown) == (228, 228, 228), "227.5 rounds up")
        var canvas = Canvas(width: 2, height: 1)
        XCTAssertEqual(image.render(area: canvas.area, into: &canvas, theme: Theme()), Rect(x: 0, y: 0, width: 2, height: 1))
    }

    func testA32x32CIFARImageIsEnlargedInAZoomArea() {
        let image = ImageView(width: 32, height: 32, channels: 3, pixels: [UInt8](repeating: 90, count: 32 * 32 * 3))
        var canvas = Canvas(width: 70, height: 34)
        // 70x34 cells hold 70x68 half-block pixels: factor 2, 64x32 cells, centred.
        XCTAssertEqual(image.render(area: canvas.area, into: &canvas, theme: Theme()), Rect(x: 3, y: 1, width: 64, height: 32))
    }
}
