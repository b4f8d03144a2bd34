/// The names closest to one a user mistyped, for "did you mean" messages: of models, layers,
/// blocks and commands alike.
public enum NameSuggestions {
    /// Up to `limit` of `names` closest to `name`, ignoring case. A name the user typed part of
    /// (`lenet` for lenet5) beats any spelling that is merely close (edit distance).
    public static func closest(to name: String, among names: [String], limit: Int = 3) -> [String] {
        let key = name.lowercased()
        let candidates = names.map { (name: $0, key: $0.lowercased()) }
        for matching in [
            candidates.filter { $0.key.hasPrefix(key) },
            key.count >= 3 ? candidates.filter { $0.key.contains(key) } : [],
        ] where !matching.isEmpty {
            return Array(matching.map(\.name).sorted().prefix(limit))
        }
        // Otherwise the spellings nearest to it (a swapped pair of letters counts as one edit),
        // near enough to be a typo of it: at most a third of its letters wrong (at least 2), and
        // no more than one edit worse than the best, so `trian` suggests train, not nin or run.
        let scored = candidates.map { ($0.name, editDistance(key, $0.key)) }
        guard let best = scored.map(\.1).min() else { return [] }
        let cutoff = min(max(2, key.count / 3), best + 1)
        return scored.filter { $0.1 <= cutoff }.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
            .prefix(limit).map(\.0)
    }

    /// `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`.
    public static func quotedList(_ names: [String]) -> String {
        let quoted = names.map { "'\($0)'" }
        guard let last = quoted.last else { return "" }
        return quoted.count == 1 ? last : quoted.dropLast().joined(separator: ", ") + " or " + last
    }
}

/// Edit distance between two strings counting insertions, deletions, substitutions and swaps
/// of two neighbouring characters as one edit each (optimal string alignment).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    // d[i][j]: distance between a's first i characters and b's first j.
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[a.count][b.count]
}
