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
            return Int16(Palette.nearestBasic(i, basic: colors >= 16 ? 16 : 8))
        }
    }
}
