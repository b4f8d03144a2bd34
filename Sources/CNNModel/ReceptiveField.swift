/// The receptive field of a layer's units on the input, per axis, after Araujo, Norris and Sim,
/// "Computing Receptive Fields of Convolutional Neural Networks" (Distill, 2019).
///
/// A window of span `k' = d(k-1)+1`, stride `s` and leading padding `p` maps
/// `size -> size + (k'-1)·jump`, `jump -> jump·s`, `start -> start + ((k'-1)/2 - p)·jump`.
/// Where paths merge (residual adds, concatenations) `size` is the largest and `minSize` the
/// smallest over the paths.
public struct ReceptiveField: Hashable, Sendable {
    /// Input pixels that can influence one unit, on the longest path (the largest field).
    public var size: Size2
    /// The same on the path that sees least (equal to `size` for a single path).
    public var minSize: Size2
    /// Distance in input pixels between neighbouring units (the effective stride).
    public var jump: Size2
    /// Centre of the first unit's field, in input pixel coordinates (pixel centres at 0, 1, ...).
    public var startH: Double
    public var startW: Double
    /// Spatial size of the map the units belong to; a dense layer's window spans it.
    public var extent: Size2
    /// Some path gives every unit the whole input (after global pooling, a dense layer or an
    /// squeeze-and-excitation scale).
    public var isGlobal: Bool
    /// An adaptive pooling with uneven windows made the numbers an upper bound.
    public var isApproximate: Bool

    /// A single input pixel.
    public static func input(extent: Size2) -> ReceptiveField {
        ReceptiveField(
            size: 1, minSize: 1, jump: 1, startH: 0, startW: 0, extent: extent,
            isGlobal: false, isApproximate: false)
    }

    public var isMultiPath: Bool { size != minSize }

    /// The centre, in input pixel coordinates, of the field of unit (`y`, `x`).
    public func centre(ofUnit y: Int, _ x: Int) -> (h: Double, w: Double) {
        (startH + Double(y) * Double(jump.h), startW + Double(x) * Double(jump.w))
    }

    /// The input pixels the (largest) field of unit (`y`, `x`) covers, clipped to an input of
    /// `height` x `width`.
    public func inputPixels(ofUnit y: Int, _ x: Int, height: Int, width: Int) -> (rows: ClosedRange<Int>, columns: ClosedRange<Int>) {
        // Saturated sizes and far-off centres (absurd strides and paddings) stay representable.
        func integer(_ value: Double) -> Int { value.isNaN ? 0 : Int(min(max(value, -0x1p62), 0x1p62)) }
        func span(_ centre: Double, _ size: Int, _ limit: Int) -> ClosedRange<Int> {
            let low = integer((centre - Double(size - 1) / 2).rounded(.up)), high = integer((centre + Double(size - 1) / 2).rounded(.down))
            // A field wholly in the padding (a kernel of 1 with padding 5) keeps the nearest edge pixel.
            let first = min(max(0, low), max(limit - 1, 0))
            return first...max(first, min(limit - 1, high))
        }
        let c = centre(ofUnit: y, x)
        return (span(c.h, size.h, height), span(c.w, size.w, width))
    }

    /// Through a sliding window. Sizes saturate at `Int.max` instead of overflowing.
    func through(_ window: Window, extent: Size2) -> ReceptiveField {
        var rf = self
        let span = Size2(
            saturating(window.dilation.h, times: window.kernel.h - 1) &+ 1,
            saturating(window.dilation.w, times: window.kernel.w - 1) &+ 1)
        rf.size = Size2(grow(size.h, span.h, jump.h), grow(size.w, span.w, jump.w))
        rf.minSize = Size2(grow(minSize.h, span.h, jump.h), grow(minSize.w, span.w, jump.w))
        rf.startH = startH + (Double(span.h - 1) / 2 - Double(window.padStart.h)) * Double(jump.h)
        rf.startW = startW + (Double(span.w - 1) / 2 - Double(window.padStart.w)) * Double(jump.w)
        rf.jump = Size2(saturating(jump.h, times: window.stride.h), saturating(jump.w, times: window.stride.w))
        rf.extent = extent
        rf.isApproximate = isApproximate || window.isApproximate
        return rf
    }

    /// `size + (span - 1) * jump`, saturating.
    private func grow(_ size: Int, _ span: Int, _ jump: Int) -> Int {
        let (sum, overflow) = size.addingReportingOverflow(saturating(span - 1, times: jump))
        return overflow ? Int.max : sum
    }

    /// Every unit sees the whole current map: global pooling, or a dense layer over a flattened map.
    /// The jump is kept: past this point units have no spatial layout left to step over.
    func global() -> ReceptiveField {
        var rf = through(Window(kernel: extent, stride: 1), extent: 1)
        rf.isGlobal = true
        return rf
    }

    /// Where paths join: the largest and smallest fields over them; jump, start and extent from
    /// the first input that still has a spatial layout (a squeeze-and-excitation scale is global).
    static func merge(_ fields: [ReceptiveField]) -> ReceptiveField {
        var rf = fields.first { !$0.isGlobal } ?? fields[0]
        for other in fields {
            rf.size = Size2(max(rf.size.h, other.size.h), max(rf.size.w, other.size.w))
            rf.minSize = Size2(min(rf.minSize.h, other.minSize.h), min(rf.minSize.w, other.minSize.w))
            rf.isGlobal = rf.isGlobal || other.isGlobal
            rf.isApproximate = rf.isApproximate || other.isApproximate || (!other.isGlobal && other.jump != rf.jump)
        }
        return rf
    }
}

/// The sliding window an op applies, for receptive-field arithmetic.
struct Window {
    var kernel: Size2
    var stride: Size2
    var dilation: Size2 = 1
    /// Padding before the first row and column (negative for a crop).
    var padStart: Size2 = 0
    var isApproximate = false
}

extension Op {
    /// The window this op slides over its input, nil for ops that work pixel by pixel.
    func window(input: TensorShape, output: TensorShape, padding: Pad4?) -> Window? {
        let lead = Size2(padding?.top ?? 0, padding?.left ?? 0)
        switch self {
        case .conv2d(let c):
            return Window(kernel: c.kernel, stride: c.stride, dilation: c.dilation, padStart: lead)
        case .pool(let p):
            return Window(kernel: p.kernel, stride: p.stride, padStart: lead)
        case .zeroPad:
            return Window(kernel: 1, stride: 1, padStart: lead)
        case .crop(let p):
            return Window(kernel: 1, stride: 1, padStart: Size2(-p.top, -p.left))
        case .adaptiveAvgPool:
            let h = adaptiveWindow(input.height, output.height)
            let w = adaptiveWindow(input.width, output.width)
            return Window(
                kernel: Size2(h.kernel, w.kernel), stride: Size2(h.stride, w.stride),
                isApproximate: h.approximate || w.approximate)
        default:
            return nil
        }
    }

    /// PyTorch's adaptive pooling windows `[floor(i·n/m), ceil((i+1)·n/m))`: exact when `m`
    /// divides `n`, otherwise the longest window and the floor of the mean stride.
    private func adaptiveWindow(_ n: Int, _ m: Int) -> (kernel: Int, stride: Int, approximate: Bool) {
        if n % m == 0 { return (n / m, n / m, false) }
        var longest = 1
        for i in 0..<m {
            let start = (i * n) / m
            let end = ((i + 1) * n + m - 1) / m
            longest = max(longest, end - start)
        }
        return (longest, max(1, n / m), true)
    }
}

/// `a * b`, or `Int.max` where it overflows (receptive fields of absurd inputs).
func saturating(_ a: Int, times b: Int) -> Int {
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    return overflow ? Int.max : product
}
