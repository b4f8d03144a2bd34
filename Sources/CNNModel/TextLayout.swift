// Text laid out in terminal columns, for every renderer: the report tables and the screens
// measure, cut, pad and wrap with these, so that a column lines up the same everywhere. They sit
// in CNNModel, beside NumberFormatting, because everything that draws text stands on it.

/// Columns a character takes on a terminal: 2 for East Asian wide and emoji, 0 for combining
/// marks and control characters, 1 otherwise. The only place display width is decided.
public func displayWidth(of character: Character) -> Int {
    guard let scalar = character.unicodeScalars.first else { return 0 }
    let v = scalar.value
    if v < 0x300 { return v < 0x20 ? 0 : 1 }
    if (0x300...0x36F).contains(v) || (0x200B...0x200F).contains(v) { return 0 }
    let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
        0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
        0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD,
    ]
    return wide.contains { $0.contains(v) } ? 2 : 1
}

/// Columns a string takes.
public func displayWidth(_ text: String) -> Int {
    text.reduce(0) { $0 + displayWidth(of: $1) }
}

/// `text` cut to `width` columns, ending in `…` when cut.
public func truncate(_ text: String, to width: Int, ellipsis: Character = "…") -> String {
    guard width > 0 else { return "" }
    if displayWidth(text) <= width { return text }
    return prefix(text, columns: width - 1) + String(ellipsis)
}

/// `text` padded with spaces (or cut) to exactly `width` columns.
public func pad(_ text: String, to width: Int, alignRight: Bool = false) -> String {
    let cut = truncate(text, to: width)
    let fill = String(repeating: " ", count: max(0, width - displayWidth(cut)))
    return alignRight ? fill + cut : cut + fill
}

/// The words of `text` in lines of at most `width` columns, broken at spaces and newlines; a word
/// longer than a line is cut across lines.
public func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    var lines: [String] = []
    var current = ""
    for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
        if current.isEmpty {
            current = String(word)
        } else if displayWidth(current) + 1 + displayWidth(String(word)) <= width {
            current += " " + word
        } else {
            lines.append(current)
            current = String(word)
        }
        while displayWidth(current) > width {
            let head = prefix(current, columns: width)
            lines.append(head)
            current = String(current.dropFirst(head.count))
        }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
}

/// A fraction as a percentage: with `digits` decimals when given (`percent(0.9731, digits: 2)` is
/// `97.31%`); otherwise with the precision a share needs: `31.2%`, `0.05%`, `<0.01%`, `0%`.
public func percent(_ fraction: Double, digits: Int? = nil) -> String {
    let p = fraction * 100
    if let digits { return formatFixed(p, digits: digits) + "%" }
    if p == 0 { return "0%" }
    if p < 0.01 { return "<0.01%" }
    if p < 1 { return formatFixed(p, digits: 2) + "%" }
    return formatFixed(p, digits: 1) + "%"
}

/// The longest start of `text` that fits in `columns` columns (at least one character when
/// `columns` > 0, so that wrapping always makes progress).
private func prefix(_ text: String, columns: Int) -> String {
    var out = ""
    var used = 0
    for ch in text {
        let w = displayWidth(of: ch)
        if used + w > columns && !(out.isEmpty && columns > 0) { break }
        out.append(ch)
        used += w
        if used >= columns { break }
    }
    return out
}
