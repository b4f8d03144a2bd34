import CNNModel

/// Where the tiles of a layer's channels go in an area: the size each map is shown at, tiles
/// per row and column, and pages. Pure layout maths, so a screen can page and move the
/// selection with the same numbers `ChannelGrid` draws with.
///
/// A tile is a title row above the picture, at least `titleWidth` columns wide; tiles sit
/// left to right, top to bottom from the area's top-left corner, one blank column apart.
/// The scale is chosen so that:
/// 1. when every channel fits on one page at 1:1 or larger, the largest whole factor that
///    still shows them all (six 5x5 kernels fill the area);
/// 2. otherwise 1:1, if a page then holds at least `minimumTiles` (or all channels);
/// 3. otherwise the map shrunk by the smallest whole divisor that holds that many (a 112x112
///    map as 28x28 tiles), down to one pixel per map.
public struct ChannelGridLayout: Hashable, Sendable {
    /// How much a map is enlarged or shrunk in its tile.
    public enum Scale: Hashable, Sendable {
        /// Every pixel a k x k block.
        case enlarged(Int)
        /// Boxes of k x k pixels averaged into one (the last box may be smaller).
        case shrunk(Int)

        /// The size a `source` map is shown at.
        public func shown(_ source: Size2) -> Size2 {
            switch self {
            case .enlarged(let k): return Size2(source.h * k, source.w * k)
            case .shrunk(let k): return Size2((source.h + k - 1) / k, (source.w + k - 1) / k)
            }
        }
    }

    /// Blank columns between tiles side by side.
    public static let gap = 1

    public let area: Rect
    public let mapSize: Size2
    public let channels: Int
    public let scale: Scale
    /// Pixels each map is shown at.
    public let shown: Size2
    /// Cells of one tile, the title row included.
    public let tileWidth: Int
    public let tileHeight: Int
    public let columns: Int
    public let rows: Int

    public init(area: Rect, mapSize: Size2, channels: Int, shading: PixelShading, titleWidth: Int = 0, minimumTiles: Int = 8) {
        let source = Size2(max(mapSize.h, 1), max(mapSize.w, 1))
        let titleWidth = min(max(titleWidth, 0), area.width)
        func geometry(_ scale: Scale) -> (width: Int, height: Int, columns: Int, rows: Int) {
            let cells = shading.cells(for: scale.shown(source))
            let width = max(cells.columns, titleWidth), height = cells.rows + 1
            return (width, height, (area.width + Self.gap) / (width + Self.gap), area.height / height)
        }
        func tiles(_ scale: Scale) -> Int {
            let g = geometry(scale)
            return g.columns * g.rows
        }
        let wanted = max(1, min(channels, minimumTiles))
        var chosen: Scale
        if tiles(.enlarged(1)) >= max(channels, 1) {
            var k = 1
            while tiles(.enlarged(k + 1)) >= max(channels, 1) { k += 1 }
            chosen = .enlarged(k)
        } else if tiles(.enlarged(1)) >= wanted {
            chosen = .enlarged(1)
        } else {
            let largest = max(source.h, source.w)
            chosen = .shrunk(largest)
            for k in 2..<max(largest, 2) where tiles(.shrunk(k)) >= wanted {
                chosen = .shrunk(k)
                break
            }
        }
        let g = geometry(chosen)
        self.area = area
        self.mapSize = mapSize
        self.channels = max(channels, 0)
        scale = chosen
        shown = chosen.shown(source)
        // A tile larger than the area is cut to it, so every rect stays inside.
        tileWidth = min(g.width, area.width)
        tileHeight = min(g.height, area.height)
        columns = max(g.columns, 1)
        rows = max(g.rows, 1)
    }

    public var tilesPerPage: Int { columns * rows }

    /// At least one page, even for no channels.
    public var pageCount: Int { max(1, (channels + tilesPerPage - 1) / tilesPerPage) }

    /// The page channel `channel` is on.
    public func page(of channel: Int) -> Int { max(channel, 0) / tilesPerPage }

    /// The channels on page `page` (empty past the last page).
    public func channels(onPage page: Int) -> Range<Int> {
        let start = min(max(page, 0) * tilesPerPage, channels)
        return start..<min(start + tilesPerPage, channels)
    }

    /// The tile of channel `channel` on its page, title row included.
    public func tileRect(channel: Int) -> Rect {
        tileRect(slot: max(channel, 0) % tilesPerPage)
    }

    /// The `slot`-th tile of any page, counted left to right, top to bottom.
    public func tileRect(slot: Int) -> Rect {
        let column = slot % columns, row = slot / columns
        return Rect(
            x: area.x + column * (tileWidth + Self.gap), y: area.y + row * tileHeight,
            width: tileWidth, height: tileHeight)
    }
}
