/// Every key of every screen, for the help overlay and the hint line.
public enum KeyHelp {
    public typealias Entry = (key: String, action: String)

    public static let global: [Entry] = [
        ("Tab / S-Tab", "next / previous screen"), ("1-4", "go to a screen"), ("m", "choose a model"),
        ("?", "help for this screen"), ("Esc", "close a panel"), ("q", "quit"),
    ]

    /// The help overlay's rows for the current screen (and its focus).
    public static func keys(for state: AppState) -> [Entry] {
        switch state.screen {
        case .graph: return GraphBrowser.keys.help
        case .receptiveField: return state.receptiveField.help
        case .featureMaps: return state.featureMaps.help
        default: return keys(for: state.screen)
        }
    }

    public static func keys(for screen: ScreenID) -> [Entry] {
        switch screen {
        case .graph:
            return GraphBrowser.keys.help
        case .receptiveField:
            return ReceptiveFieldScreenState.tableKeys.help + ReceptiveFieldScreenState.sharedKeys.help
        case .calculator:
            return CalculatorScreenState.help
        case .featureMaps:
            return FeatureMapsState.mapKeys.help
        }
    }

    /// The short list on the bottom line.
    static func hints(for state: AppState) -> [Entry] {
        var hints: [Entry]
        switch state.screen {
        case .graph: hints = GraphBrowser.keys.hints
        case .receptiveField: hints = state.receptiveField.hints
        case .calculator: hints = state.calculator.hints
        case .featureMaps: hints = state.featureMaps.hints
        }
        if state.theme.glyphs.vertical == "|" {
            hints = hints.map { (key: $0.key.replacingArrows(), action: $0.action) }
        }
        return hints + [("m", "models"), ("Tab", "screen"), ("?", "help"), ("q", "quit")]
    }
}

extension String {
    /// Arrows and the return symbol written in ASCII, for `--ascii`.
    func replacingArrows() -> String {
        var out = ""
        for ch in self {
            switch ch {
            case "↑": out += "Up"
            case "↓": out += "Dn"
            case "←": out += "Lt"
            case "→": out += "Rt"
            case "⏎": out += "Enter"
            default: out.append(ch)
            }
        }
        return out
    }
}
