import CNNModel
import XCTest

@testable import CNNTUI

/// Heatmaps of small known maps, read back as text (and as colour indices for half blocks).
final class HeatmapTests: XCTestCase {
    private let ascii = Theme(ascii: true, colors: false)
    private let shades = Theme(ascii: false, colors: false)
    private let color = Theme()

    /// Renders into a canvas pre-filled with `x`, so an untouched cell shows up in the diff.
    private func draw(_ map: Heatmap, width: Int, height: Int, theme: Theme) -> (canvas: Canvas, drawn: Rect) {
        var canvas = Canvas(width: width, height: height, fill: Cell("x"))
        let drawn = map.render(area: canvas.area, into: &canvas, theme: theme)
        return (canvas, drawn)
    }

    private func row(_ values: [Float], range: ValueRange? = nil, scale: HeatmapScale = .linear) -> Heatmap {
        Heatmap(values: values, width: values.count, height: 1, range: range, scale: scale)
    }

    private func indices(_ cell: Cell) -> [UInt8?] {
        [cell.style.foreground, cell.style.background].map { if case .index(let i) = $0 { return i } else { return nil } }
    }

    // MARK: - Levels

    func testAGradientOverTenValuesMeetsEachOfTenLevelsOnce() {
        let levels = (0..<10).map { Heatmap.level(of: Float($0), in: ValueRange(0, 9), scale: .linear, levels: 10) }
        XCTAssertEqual(levels, Array(0..<10))
    }

    func testSignedScaleIsSymmetricAroundZero() {
        let range = ValueRange(-1, 4)  // magnitude 4: the ramp runs -4 ... +4
        XCTAssertEqual(Heatmap.position(of: 0, in: range, scale: .signed), 0.5)
        XCTAssertEqual(Heatmap.position(of: -4, in: range, scale: .signed), 0)
        XCTAssertEqual(Heatmap.position(of: 2, in: range, scale: .signed), 0.75)
        XCTAssertEqual(Heatmap.position(of: 9, in: range, scale: .signed), 1, "out of range clamps")
    }

    func testOddAndNonFiniteValuesHaveAPlaceOnTheRamp() {
        let range = ValueRange(0, 1)
        XCTAssertNil(Heatmap.position(of: .nan, in: range, scale: .linear))
        XCTAssertEqual(Heatmap.position(of: .infinity, in: range, scale: .linear), 1)
        XCTAssertEqual(Heatmap.position(of: -.infinity, in: range, scale: .signed), 0)
        XCTAssertEqual(Heatmap.position(of: 5, in: ValueRange(5, 5), scale: .linear), 0, "a constant map is darkest")
        XCTAssertEqual(Heatmap.position(of: 0, in: ValueRange(0, 0), scale: .signed), 0.5, "all zero is neutral")
    }

    func testRangesSkipNaNAndInfinity() {
        XCTAssertEqual(ValueRange(of: [3, .nan, -1, .infinity, 2]), ValueRange(-1, 3))
        XCTAssertEqual(ValueRange(of: [Float.nan, .nan]), ValueRange(0, 0))
        XCTAssertEqual(ValueRange(-0.53, 2.1).description, "-0.53..2.10")
        XCTAssertEqual(ValueRange(-1, 2).union(ValueRange(0, 5)), ValueRange(-1, 5))
    }

    func testShortNumbersKeepTitlesNarrow() {
        XCTAssertEqual(
            [0, 2.1, -0.534, 12.46, 347.2, 9.999, 1234, -0.00004].map { shortNumber(Float($0)) },
            ["0", "2.10", "-0.53", "12.5", "347", "10.0", "1.2e3", "-4.0e-5"])
    }

    // MARK: - Characters

    func testASCIIRampInOrderTwoColumnsPerPixel() {
        let (canvas, drawn) = draw(row((0..<10).map(Float.init)), width: 20, height: 1, theme: ascii)
        XCTAssertEqual(canvas.lines, ["  ..::--==++**##%%@@"])
        XCTAssertEqual(drawn, Rect(x: 0, y: 0, width: 20, height: 1))
    }

    func testUnicodeShadesWithoutColours() {
        let (canvas, _) = draw(row((0..<5).map(Float.init)), width: 10, height: 1, theme: shades)
        XCTAssertEqual(canvas.lines, ["  ░░▒▒▓▓██"])
        XCTAssertEqual(canvas[0, 0].style, .plain)
    }

    func testASCIIWithColoursKeepsTheCharactersAndAddsTheRampColour() {
        let (canvas, _) = draw(row([0, 9]), width: 4, height: 1, theme: Theme(ascii: true, colors: true))
        XCTAssertEqual(canvas.lines, ["  @@"])
        XCTAssertEqual(indices(canvas[3, 0]), [231, nil])
    }

    func testSignedZeroSitsInTheMiddleOfTheCharacterRamps() {
        let map = row([-1, 0, 1], scale: .signed)
        XCTAssertEqual(draw(map, width: 6, height: 1, theme: ascii).canvas.lines, ["  ++@@"])
        XCTAssertEqual(draw(map, width: 6, height: 1, theme: shades).canvas.lines, ["  ▒▒██"])
    }

    // MARK: - Half blocks

    func testHalfBlocksCarryTheTopPixelInFrontAndTheBottomBehind() {
        let map = Heatmap(values: [0, 1, 2, 3], width: 2, height: 2)
        let (canvas, drawn) = draw(map, width: 2, height: 1, theme: color)
        XCTAssertEqual(canvas.lines, ["▀▀"])
        XCTAssertEqual(drawn, Rect(x: 0, y: 0, width: 2, height: 1))
        // Levels of 26: 0 -> 0 (16, black), 1/3 -> 8 (grey 7 = 239), 2/3 -> 17 (grey 16 = 248), 1 -> 25 (231, white).
        XCTAssertEqual(indices(canvas[0, 0]), [16, 248])
        XCTAssertEqual(indices(canvas[1, 0]), [239, 231])
    }

    func testSignedColoursRunBlueThroughWhiteToRed() {
        let map = row([-2, 0, 1], scale: .signed)
        let (canvas, _) = draw(map, width: 3, height: 1, theme: color)
        XCTAssertEqual(indices(canvas[0, 0]), [21, nil], "most negative: pure blue, cube (0,0,5)")
        XCTAssertEqual(indices(canvas[1, 0]), [231, nil], "zero: white, the neutral middle")
        XCTAssertEqual(indices(canvas[2, 0]), [210, nil], "half way up: light red, cube (5,2,2)")
        XCTAssertEqual(Heatmap.divergingRamp.count, 11)
        XCTAssertEqual(Heatmap.divergingRamp[5], .index(231))
    }

    func testA28x28DigitFitsIn28x14Cells() {
        let digit = Heatmap(values: [Float](repeating: 1, count: 28 * 28), width: 28, height: 28)
        let (_, drawn) = draw(digit, width: 28, height: 14, theme: color)
        XCTAssertEqual(drawn, Rect(x: 0, y: 0, width: 28, height: 14))
    }

    // MARK: - Constant and broken maps

    func testAConstantMapIsOneUniformLevel() {
        let flat = Heatmap(values: [Float](repeating: 7, count: 6), width: 3, height: 2)
        XCTAssertEqual(draw(flat, width: 6, height: 2, theme: ascii).canvas.lines, ["      ", "      "])
        let zeros = Heatmap(values: [Float](repeating: 0, count: 4), width: 2, height: 2, scale: .signed)
        let (canvas, _) = draw(zeros, width: 2, height: 1, theme: color)
        XCTAssertEqual(indices(canvas[0, 0]), [231, 231])
    }

    func testNaNShowsAsMissingAndInfinitiesClampToTheEnds() {
        let map = row([.nan, 0, .infinity, -.infinity, 1])
        XCTAssertEqual(draw(map, width: 10, height: 1, theme: ascii).canvas.lines, ["??  @@  @@"])
        let (canvas, _) = draw(map, width: 5, height: 1, theme: color)
        XCTAssertEqual(canvas[0, 0].style.foreground, Heatmap.missingColor)
        let allNaN = Heatmap(values: [.nan, .nan, .nan, .nan], width: 2, height: 2)
        XCTAssertEqual(draw(allNaN, width: 4, height: 2, theme: ascii).canvas.lines, ["????", "????"])
    }

    func testShrinkingAveragesOnlyTheFiniteValues() {
        let map = row([.nan, 2, 4, 6])
        let shown = Size2(1, 2)
        XCTAssertEqual(map.sample(row: 0, column: 0, shown: shown), 2)
        XCTAssertEqual(map.sample(row: 0, column: 1, shown: shown), 5)
    }

    // MARK: - Fitting

    func testFittingEnlargesByWholeFactorsAndShrinksKeepingTheAspect() {
        XCTAssertEqual(PixelFit.shownSize(source: Size2(5, 5), capacity: Size2(24, 20)), Size2(20, 20))
        XCTAssertEqual(PixelFit.shownSize(source: Size2(28, 28), capacity: Size2(28, 28)), Size2(28, 28))
        XCTAssertEqual(PixelFit.shownSize(source: Size2(112, 112), capacity: Size2(28, 40)), Size2(28, 28))
        XCTAssertEqual(PixelFit.shownSize(source: Size2(112, 56), capacity: Size2(28, 28)), Size2(28, 14))
        XCTAssertEqual(PixelFit.shownSize(source: Size2(5, 5), capacity: Size2(0, 10)), Size2(0, 0))
        XCTAssertEqual((0..<4).map { PixelFit.span($0, shown: 4, source: 2) }, [0..<1, 0..<1, 1..<2, 1..<2])
        XCTAssertEqual((0..<3).map { PixelFit.span($0, shown: 3, source: 10) }, [0..<3, 3..<6, 6..<10])
    }

    func testA5x5MapIsEnlargedAndCentred() {
        var eye = [Float](repeating: 0, count: 25)
        for i in 0..<5 { eye[i * 5 + i] = 1 }
        let map = Heatmap(values: eye, width: 5, height: 5)
        // ASCII: room for 11x11 pixels -> factor 2, each pixel 4 columns x 2 rows, centred.
        let (canvas, drawn) = draw(map, width: 22, height: 11, theme: ascii)
        XCTAssertEqual(drawn, Rect(x: 1, y: 0, width: 20, height: 10))
        XCTAssertEqual(
            canvas.lines,
            [
                "x@@@@                x",
                "x@@@@                x",
                "x    @@@@            x",
                "x    @@@@            x",
                "x        @@@@        x",
                "x        @@@@        x",
                "x            @@@@    x",
                "x            @@@@    x",
                "x                @@@@x",
                "x                @@@@x",
                "xxxxxxxxxxxxxxxxxxxxxx",
            ])
        // Half blocks: 20x12 cells hold 20x24 pixels -> factor 4, 20x10 cells, one row free above.
        XCTAssertEqual(draw(map, width: 20, height: 12, theme: color).drawn, Rect(x: 0, y: 1, width: 20, height: 10))
    }

    func testA112x112MapIsAveragedDown() {
        // Each value is its column: a left-to-right gradient.
        let map = Heatmap(values: (0..<(112 * 112)).map { Float($0 % 112) }, width: 112, height: 112)
        let (canvas, drawn) = draw(map, width: 20, height: 10, theme: ascii)
        XCTAssertEqual(drawn, Rect(x: 0, y: 0, width: 20, height: 10))
        XCTAssertEqual(Set(canvas.lines), ["  ..::--==++**##%%@@"])
        let (_, half) = draw(map, width: 28, height: 14, theme: color)
        XCTAssertEqual(half, Rect(x: 0, y: 0, width: 28, height: 14))
        XCTAssertEqual(map.sample(row: 0, column: 0, shown: Size2(28, 28)), 1.5, "mean of columns 0...3")
        XCTAssertEqual(map.sample(row: 27, column: 27, shown: Size2(28, 28)), 109.5)
    }

    func testOneChannelOfATensorBuffer() {
        let tensor: [Float] = [0, 1, 2, 3, 4, 5, 6, 7]  // [1, 2, 2, 2]
        let map = tensor.withUnsafeBufferPointer { Heatmap(channel: 1, of: $0, width: 2, height: 2) }
        XCTAssertEqual(map.values, [4, 5, 6, 7])
        XCTAssertEqual(map.range, ValueRange(4, 7))
    }
}
