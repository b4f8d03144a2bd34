/// Every key of every screen, for the help overlay and the hint line.
public enum KeyHelp {
    public typealias Entry = (key: String, action: String)

    public static let global: [Entry] = [
        ("Tab / S-Tab", "next / previous screen"), ("1-4", "go to a screen"), ("m", "choose a model"),
        ("?", "help for this screen"), ("Esc", "close a panel"), ("q", "quit"),
    ]

    public static func keys(for screen: ScreenID) -> [Entry] {
        switch screen {
        case .graph:
            return [
                ("↑↓ / j k", "move"), ("PgUp PgDn", "page"), ("g / G", "top / bottom"),
                ("Enter / Space", "open or close a block"), ("← / h", "close the block around"), ("→ / l", "open a block"),
                ("+ / -", "open all / close all"), ("/", "search layer names"), ("n / N", "next / previous match"),
            ]
        case .receptiveField:
            return [
                ("↑↓ / j k", "move in the table"), ("PgUp PgDn", "page"), ("g / G", "top / bottom"),
                ("c", "switch to the comparison and back"), ("i", "draw the field on the sample image (feature maps' sample)"), ("↑↓ (comparison)", "choose n, k, C or size"),
                ("← → / - +", "change the value"),
            ]
        case .calculator:
            return CalculatorScreenState.help
        case .featureMaps:
            return [
                ("n / p (j / k)", "next / previous layer, in execution order"), ("g / G", "first / last layer"),
                ("← → ↑ ↓", "choose a channel"), ("PgUp PgDn", "page of channels"), ("Enter", "zoom the channel, and back"),
                ("w", "the layer's kernels (weights), and back"), ("s", "scale per layer / per channel"),
                ("d", "linear / signed (zero-centred) colours"), ("[ / ]", "previous / next sample"),
                ("{ / }", "previous / next data set (MNIST, CIFAR-10, CIFAR-100, ImageNet)"), ("o", "open an image file (PNG, PGM, PPM)"),
                ("i", "focus the input: ← → sample, ↑ ↓ data set; i or Esc back to the maps"),
            ]
        }
    }

    /// The short list on the bottom line.
    static func hints(for state: AppState) -> [Entry] {
        var hints: [Entry]
        switch state.screen {
        case .graph: hints = [("↑↓", "move"), ("⏎", "open/close"), ("+/-", "all"), ("/", "search")]
        case .receptiveField:
            hints = state.receptiveField.focus == .table ? [("↑↓", "layer"), ("c", "compare kernels")] : [("↑↓", "setting"), ("←→", "change"), ("c", "back to table")]
        case .calculator: hints = state.calculator.hints
        case .featureMaps:
            hints = state.featureMaps.focus == .input
                ? [("←→", "sample"), ("↑↓", "data set"), ("i", "back to maps"), ("n/p", "layer")]
                : [("n/p", "layer"), ("←→", "channel"), ("⏎", "zoom"), ("w", "kernels"), ("[ ]", "sample"), ("i", "input")]
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
