import CNNModel

/// How a picture of `source` pixels is fitted into room for `capacity` pixels, shared by
/// heatmaps and images so both scale the same way.
///
/// A picture that fits at 1:1 is enlarged by the largest integer factor that still fits, so
/// every source pixel becomes the same k x k block (nearest neighbour, nothing invented). A
/// picture that does not fit is shrunk to the largest size with its aspect ratio that fits,
/// each shown pixel the average of the box of source pixels it covers.
public enum PixelFit {
    /// The size the picture is shown at, in pixels (height first, as `Size2`); zero when there
    /// is no room or no picture.
    public static func shownSize(source: Size2, capacity: Size2) -> Size2 {
        guard source.h > 0, source.w > 0, capacity.h > 0, capacity.w > 0 else { return Size2(0, 0) }
        if source.h <= capacity.h && source.w <= capacity.w {
            let factor = min(capacity.h / source.h, capacity.w / source.w)
            return Size2(source.h * factor, source.w * factor)
        }
        let scale = min(Double(capacity.h) / Double(source.h), Double(capacity.w) / Double(source.w))
        // The tiny epsilon keeps an exact ratio like 56/112 from flooring one short.
        let h = Int((Double(source.h) * scale + 1e-9).rounded(.down))
        let w = Int((Double(source.w) * scale + 1e-9).rounded(.down))
        return Size2(min(max(h, 1), capacity.h), min(max(w, 1), capacity.w))
    }

    /// The source pixels along one axis that shown pixel `index` stands for: the one nearest
    /// pixel when enlarging, the box it averages when shrinking (never empty).
    public static func span(_ index: Int, shown: Int, source: Int) -> Range<Int> {
        guard shown > 0, source > 0 else { return 0..<0 }
        let lower = min(index * source / shown, source - 1)
        let upper = min(max(lower + 1, (index + 1) * source / shown), source)
        return lower..<upper
    }
}
