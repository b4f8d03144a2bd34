/// The names closest to one a user mistyped, for "did you mean" messages: of models, layers,
/// blocks and commands alike.
public enum NameSuggestions {
    /// Up to `limit` of `names` closest to `name`, ignoring case. A name the user typed part of
    /// (`lenet` for lenet5) beats any spelling that is merely close (edit distance).
    public static func closest(to name: String, among names: [String], limit: Int = 3) -> [String] {
        let key = name.lowercased()
        let candidates = names.map { (name: $0, key: $0.lowercased()) }
        for matching in [candidates.filter { $0.key.hasPrefix(key) },
                         key.count >= 3 ? candidates.filter { $0.key.contains(key) } : []] where !matching.isEmpty {
            return Array(matching.map(\.name).sorted().prefix(limit))
        }
        let scored = candidates.map { candidate -> (String, Int) in
            let bonus = candidate.key.hasPrefix(key) || key.hasPrefix(candidate.key) ? -2 : 0
            return (candidate.name, editDistance(key, candidate.key) + bonus)
        }
        let cutoff = max(3, key.count / 2)
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

/// Levenshtein distance between two strings.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = Array(repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
