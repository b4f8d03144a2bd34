import CNNModel
import XCTest

@testable import CNNTUI

/// Paging a layer's channels into tiles, and the value-scale legend of the zoomed view.
final class ChannelGridTests: XCTestCase {
    private let halfBlocks = PixelShading(theme: Theme())
    private let characters = PixelShading(theme: Theme(ascii: true, colors: false))

    private func layout(_ channels: Int, of side: Int, _ width: Int, _ height: Int, _ shading: PixelShading) -> ChannelGridLayout {
        ChannelGridLayout(
            area: Rect(x: 0, y: 0, width: width, height: height), mapSize: Size2(side, side),
            channels: channels, shading: shading, titleWidth: 15)
    }

    /// Every page's tiles inside the area and apart from each other; pages cover every channel once.
    private func assertTilesFit(_ grid: ChannelGridLayout, file: StaticString = #filePath, line: UInt = #line) {
        var seen: [Int] = []
        for page in 0..<grid.pageCount {
            let rects = grid.channels(onPage: page).map { grid.tileRect(channel: $0) }
            for (i, r) in rects.enumerated() {
                XCTAssertEqual(r.intersection(grid.area), r, "tile \(r) leaves \(grid.area)", file: file, line: line)
                for other in rects[(i + 1)...] {
                    XCTAssertTrue(r.intersection(other).isEmpty, "\(r) overlaps \(other)", file: file, line: line)
                }
            }
            seen += grid.channels(onPage: page)
        }
        XCTAssertEqual(seen, Array(0..<grid.channels), file: file, line: line)
    }

    // MARK: - Layout

    func testSixMNISTSizedMapsFitOnOnePageAt120x40() {
        let grid = layout(6, of: 28, 120, 40, halfBlocks)
        XCTAssertEqual(grid.scale, .enlarged(1))
        XCTAssertEqual([grid.tileWidth, grid.tileHeight, grid.columns, grid.rows, grid.pageCount], [28, 15, 4, 2, 1])
        XCTAssertEqual(grid.tileRect(channel: 5), Rect(x: 29, y: 15, width: 28, height: 15))
        assertTilesFit(grid)
    }

    func testAt80x24TheSameMapsShrinkByTwoToStayOnOnePage() {
        let grid = layout(6, of: 28, 80, 24, halfBlocks)
        XCTAssertEqual(grid.scale, .shrunk(2))
        XCTAssertEqual(grid.shown, Size2(14, 14))
        XCTAssertEqual(grid.pageCount, 1)
        assertTilesFit(grid)
    }

    func testSixtyFour56x56MapsNeedSeveralPages() {
        let big = layout(64, of: 56, 120, 40, halfBlocks)
        XCTAssertEqual(big.shown, Size2(28, 28), "1:1 would show two tiles; halved, eight")
        XCTAssertEqual([big.tilesPerPage, big.pageCount], [8, 8])
        XCTAssertEqual(big.channels(onPage: 7), 56..<64)
        XCTAssertEqual(big.page(of: 20), 2)
        assertTilesFit(big)
        let small = layout(64, of: 56, 80, 24, halfBlocks)
        XCTAssertEqual(small.scale, .shrunk(3))
        XCTAssertEqual([small.tilesPerPage, small.pageCount], [8, 8])
        assertTilesFit(small)
    }

    func testA112x112LayerIsShownAt28x28() {
        let grid = layout(64, of: 112, 120, 40, halfBlocks)
        XCTAssertEqual(grid.scale, .shrunk(4))
        XCTAssertEqual(grid.shown, Size2(28, 28))
        assertTilesFit(grid)
    }

    func testFewSmallKernelsAreEnlargedToFillTheArea() {
        let grid = layout(6, of: 5, 120, 40, halfBlocks)
        XCTAssertEqual(grid.scale, .enlarged(7), "x8 would leave room for only two tiles")
        XCTAssertEqual(grid.pageCount, 1)
        assertTilesFit(grid)
    }

    func testASCIIPixelsAreTwiceAsWideSoTilesShrinkSooner() {
        let grid = layout(6, of: 28, 120, 40, characters)
        XCTAssertEqual(grid.shown, Size2(14, 14))
        XCTAssertEqual([grid.tileWidth, grid.tileHeight, grid.columns, grid.rows], [28, 15, 4, 2])
        assertTilesFit(grid)
    }

    func testTilesStayInsideOddAndTinyAreas() {
        for (width, height) in [(80, 24), (120, 40), (33, 9), (10, 3), (1, 1)] {
            for (channels, side) in [(1, 1), (512, 1), (3, 7), (64, 56), (96, 112), (1000, 1)] {
                for shading in [halfBlocks, characters] {
                    let area = Rect(x: 2, y: 1, width: width, height: height)
                    assertTilesFit(
                        ChannelGridLayout(
                            area: area, mapSize: Size2(side, side), channels: channels,
                            shading: shading, titleWidth: 15))
                }
            }
        }
    }

    // MARK: - Drawing

    func testAPageOfTilesWithTitlesAndTheSelectionHighlighted() {
        let maps: [[Float]] = [[0, 9, 9, 0], [9, 0, 0, 9], [0, 0, 0, 0]]
        let theme = Theme(ascii: true, colors: false)
        var canvas = Canvas(width: 22, height: 7, fill: Cell("x"))
        let area = Rect(x: 1, y: 0, width: 20, height: 6)
        let grid = ChannelGrid(mapSize: Size2(2, 2), channels: 3, selected: 1, titleWidth: 6)
        let drawn = grid.render(area: area, into: &canvas, theme: theme, title: { c, _ in "#\(c)" }) {
            Heatmap(values: maps[$0], width: 2, height: 2)
        }
        XCTAssertEqual(drawn.scale, .enlarged(1), "x2 would fit only two of the three")
        XCTAssertEqual(
            canvas.lines,
            [
                "x#0     #1     #2    x",
                "x   @@   @@          x",
                "x @@       @@        x",
                "x                    x",
                "x                    x",
                "x                    x",
                "xxxxxxxxxxxxxxxxxxxxxx",
            ])
        XCTAssertEqual(canvas[8, 0].style, theme.selection)
        XCTAssertEqual(canvas[13, 0].style, theme.selection, "the highlight spans the tile")
        XCTAssertEqual(canvas[1, 0].style, theme.text)
    }

    func testTheDefaultTitleIsTheChannelAndItsOwnRange() {
        XCTAssertEqual(ChannelGrid.title(channel: 12, values: [-0.53, 1, .nan, 2.1]), "#12 -0.53..2.10")
    }

    // MARK: - Legend

    func testLegendShowsTheRampAndItsEnds() {
        var canvas = Canvas(width: 20, height: 2, fill: Cell("x"))
        HeatmapLegend(range: ValueRange(0, 9), scale: .linear).render(area: canvas.area, into: &canvas, theme: Theme(ascii: true, colors: false))
        XCTAssertEqual(canvas.lines, ["  ..::--==++**##%%@@", "0               9.00"])
    }

    func testSignedLegendIsSymmetricWithZeroInTheMiddle() {
        var canvas = Canvas(width: 20, height: 2, fill: Cell("x"))
        let legend = HeatmapLegend(range: ValueRange(-1, 2), scale: .signed)
        legend.render(area: canvas.area, into: &canvas, theme: Theme())
        XCTAssertEqual(canvas.lines, [String(repeating: "▀", count: 20), "-2.00     0     2.00"])
        XCTAssertEqual(canvas[0, 0].style, Style(.index(21), .index(21)), "the left end is blue")
        XCTAssertEqual(canvas[19, 0].style, Style(.index(196), .index(196)), "the right end is red")
        XCTAssertEqual(canvas[10, 0].style.foreground, .index(231), "the middle is white")
    }
}
