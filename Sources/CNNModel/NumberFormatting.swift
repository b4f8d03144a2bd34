extension Int {
    /// The number with thousands separators, as torchinfo and Keras print counts: `138,357,544`.
    public var grouped: String {
        let digits = String(magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return self < 0 ? "-" + out : out
    }

    /// A short human form with a unit suffix: `25.6M`, `4.09G`, `61.7K`, `152`.
    public var abbreviated: String {
        let value = Double(self)
        let units: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")]
        for (scale, suffix) in units where abs(value) >= scale {
            let scaled = value / scale
            let digits = scaled >= 100 ? 0 : (scaled >= 10 ? 1 : 2)
            return formatFixed(scaled, digits: digits) + suffix
        }
        return String(self)
    }
}

/// `value` with exactly `digits` decimals, rounded half away from zero; no Foundation needed.
public func formatFixed(_ value: Double, digits: Int) -> String {
    guard value.isFinite else { return String(value) }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
    let whole = Int(rounded / scale)
    let frac = Int(rounded - Double(whole) * scale)
    let sign = value < 0 && rounded != 0 ? "-" : ""
    guard digits > 0 else { return sign + String(whole) }
    let fracText = String(frac)
    return sign + String(whole) + "." + String(repeating: "0", count: digits - fracText.count) + fracText
}
