import CNNModel

/// The range of values a heatmap's shades span, `lower...upper`, always finite and ordered.
///
/// Built from a map's finite values (NaN and infinities are skipped, so one bad activation
/// does not wash out the rest); a map without any finite value gets `0...0`.
public struct ValueRange: Hashable, Sendable, CustomStringConvertible {
    public let lower: Float
    public let upper: Float

    /// `a...b` in either order; a non-finite bound becomes 0.
    public init(_ a: Float, _ b: Float) {
        let a = a.isFinite ? a : 0, b = b.isFinite ? b : 0
        lower = min(a, b)
        upper = max(a, b)
    }

    /// The smallest and largest finite value of `values` (one pass); `0...0` when none is finite.
    public init<Values: Sequence>(of values: Values) where Values.Element == Float {
        var lo = Float.infinity, hi = -Float.infinity
        for v in values where v.isFinite {
            if v < lo { lo = v }
            if v > hi { hi = v }
        }
        self.init(lo <= hi ? lo : 0, lo <= hi ? hi : 0)
    }

    /// Both ranges together: a per-layer scale is the union of its channels' ranges.
    public func union(_ other: ValueRange) -> ValueRange {
        ValueRange(min(lower, other.lower), max(upper, other.upper))
    }

    /// True for a constant map, whose shades have no span to spread over.
    public var isConstant: Bool { lower == upper }

    /// The largest magnitude, the half-width of a signed scale.
    public var magnitude: Float { max(abs(lower), abs(upper)) }

    /// `-0.53..2.10`, as tile titles show it.
    public var description: String { shortNumber(lower) + ".." + shortNumber(upper) }
}

/// A number in at most about five characters for titles and legends: `0`, `-0.53`, `2.10`,
/// `12.5`, `347`, and `1.2e3` / `-4.0e-5` outside 0.01 ..< 1000.
public func shortNumber(_ value: Float) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    if value == 0 { return "0" }
    let v = Double(value), magnitude = abs(v)
    if magnitude >= 0.01 && magnitude < 1000 {
        // Rounding can carry into the next decade (9.996 -> 10.00); the digits follow the rounded value.
        let digits = magnitude < 9.995 ? 2 : (magnitude < 99.95 ? 1 : 0)
        return formatFixed(v, digits: digits)
    }
    var exponent = 0
    var mantissa = magnitude
    while mantissa >= 10 {
        mantissa /= 10
        exponent += 1
    }
    while mantissa < 1 {
        mantissa *= 10
        exponent -= 1
    }
    if (mantissa * 10).rounded(.toNearestOrAwayFromZero) >= 100 {
        mantissa /= 10
        exponent += 1
    }
    return (v < 0 ? "-" : "") + formatFixed(mantissa, digits: 1) + "e" + String(exponent)
}
