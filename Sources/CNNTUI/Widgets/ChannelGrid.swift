import CNNModel

/// A page of a layer's output channels as titled heatmap tiles, one selected.
///
/// The layout is `ChannelGridLayout`'s for the area and the theme's shading; the heatmaps
/// come from a closure, asked only for the channels on the page drawn, so a screen can hand
/// out slices of the engine's tensor without copying the whole layer.
public struct ChannelGrid {
    public var mapSize: Size2
    public var channels: Int
    /// The page drawn (clamped to the pages there are).
    public var page: Int
    /// The channel whose title is highlighted, if it is on the page.
    public var selected: Int?
    /// Columns kept for the title: `#12 -0.53..2.10` is 15.
    public var titleWidth: Int

    public init(mapSize: Size2, channels: Int, page: Int = 0, selected: Int? = nil, titleWidth: Int = 15) {
        self.mapSize = mapSize
        self.channels = channels
        self.page = page
        self.selected = selected
        self.titleWidth = titleWidth
    }

    /// The layout `render` uses for `area` under `theme`.
    public func layout(in area: Rect, theme: Theme) -> ChannelGridLayout {
        ChannelGridLayout(area: area, mapSize: mapSize, channels: channels, shading: PixelShading(theme: theme), titleWidth: titleWidth)
    }

    /// `#12 -0.53..2.10`: the channel and its own finite min..max, whatever the shading scale.
    public static func title(channel: Int, values: [Float]) -> String {
        "#\(channel) \(ValueRange(of: values))"
    }

    /// Clears `area` and draws the tiles of page `page`; `heatmap(c)` gives channel c's map
    /// and its scale, `title(c, map)` its title (by default `ChannelGrid.title`). Returns the layout.
    @discardableResult
    public func render(
        area: Rect, into canvas: inout Canvas, theme: Theme,
        title: ((Int, Heatmap) -> String)? = nil, heatmap: (Int) -> Heatmap
    ) -> ChannelGridLayout {
        let shading = PixelShading(theme: theme)
        let layout = ChannelGridLayout(area: area, mapSize: mapSize, channels: channels, shading: shading, titleWidth: titleWidth)
        canvas.fill(area)
        for channel in layout.channels(onPage: min(max(page, 0), layout.pageCount - 1)) {
            let tile = layout.tileRect(channel: channel)
            let map = heatmap(channel)
            let text = title?(channel, map) ?? Self.title(channel: channel, values: map.values)
            let style = channel == selected ? theme.selection : theme.text
            let cut = truncate(text, to: tile.width, ellipsis: theme.glyphs.ellipsis)
            canvas.put(pad(cut, to: tile.width), x: tile.x, y: tile.y, style: style, clip: tile)
            let (_, picture) = tile.splitTop(1)
            map.render(area: picture, into: &canvas, shading: shading)
        }
        return layout
    }
}
