import CNCurses
import CNNTUI

/// Colour pairs made on demand for each (foreground, background) the UI uses, capped at the
/// terminal's `COLOR_PAIRS`; on a terminal with fewer than 256 colours, indexed colours fall back
/// to the nearest of the basic 8 or 16.
struct ColorPairs {
    private let colors: Int
    private let limit: Int
    private var pairs: [Pair: Int] = [:]

    private struct Pair: Hashable {
        let foreground: Int16
        let background: Int16
    }

    init(colors: Int, pairs: Int) {
        self.colors = colors
        self.limit = min(pairs, Int(Int16.max))
    }

    /// Whether a pair was refused since the last `reset` (the table is full).
    private(set) var overflowed = false

    /// Forgets every pair, so numbers can be given out again (cells already on screen keep their
    /// old number's new colours: the caller repaints them).
    mutating func reset() {
        pairs.removeAll(keepingCapacity: true)
        overflowed = false
    }

    /// The pair number for these colours (0, the terminal's default, when out of pairs).
    mutating func pair(foreground: Color, background: Color) -> Int {
        let key = Pair(foreground: number(foreground), background: number(background))
        if key.foreground == -1 && key.background == -1 { return 0 }
        if let existing = pairs[key] { return existing }
        let next = pairs.count + 1
        guard next < limit else {
            overflowed = true
            return 0
        }
        init_pair(Int16(next), key.foreground, key.background)
        pairs[key] = next
        return next
    }

    /// The terminal's number for a colour: -1 for the default.
    private func number(_ color: Color) -> Int16 {
        switch color {
        case .default: return -1
        case .index(let i):
            if Int(i) < colors { return Int16(i) }
            return Int16(Self.nearestBasic(Int(i), basic: colors >= 16 ? 16 : 8))
        }
    }

    /// The closest of the first `basic` ANSI colours to an xterm-256 colour.
    static func nearestBasic(_ index: Int, basic: Int) -> Int {
        if index < basic { return index }
        if index < 16 { return index - 8 }
        let rgb = rgbOf(index)
        let palette: [(Int, Int, Int)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
            (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        var best = 0, bestDistance = Int.max
        for (i, p) in palette.prefix(basic).enumerated() {
            let d = (p.0 - rgb.0) * (p.0 - rgb.0) + (p.1 - rgb.1) * (p.1 - rgb.1) + (p.2 - rgb.2) * (p.2 - rgb.2)
            if d < bestDistance { (best, bestDistance) = (i, d) }
        }
        return best
    }

    /// The RGB value xterm gives a colour of its 6x6x6 cube or grey ramp.
    static func rgbOf(_ index: Int) -> (Int, Int, Int) {
        if index >= 232 {
            let v = 8 + 10 * (index - 232)
            return (v, v, v)
        }
        let i = index - 16
        let steps = [0, 95, 135, 175, 215, 255]
        return (steps[i / 36], steps[(i / 6) % 6], steps[i % 6])
    }
}
