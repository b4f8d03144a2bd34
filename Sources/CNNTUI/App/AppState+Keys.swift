import CNNZoo

/// What keys do: overlays first, then keys every screen shares, then the screen's own.
extension AppState {
    public mutating func handle(_ key: Key) {
        if key == .resize { return }
        status = nil
        if case .ctrl("c") = key { shouldQuit = true; return }
        if let overlay {
            handleOverlay(overlay, key)
            return
        }
        if screen == .graph && graph.searching {
            handleSearchTyping(key)
            return
        }
        if screen == .calculator && (calculator.isEditing || calculator.takesDigits && key.isDigit) {
            calculator.handle(key)
            return
        }
        switch key {
        case .character("q"): shouldQuit = true
        case .character("?"): overlay = .help
        case .character("m"): overlay = .picker(ModelPicker(selecting: model.name))
        case .tab: switchScreen(to: ScreenID(rawValue: screen.rawValue % ScreenID.allCases.count + 1)!)
        case .backTab: switchScreen(to: ScreenID(rawValue: (screen.rawValue + ScreenID.allCases.count - 2) % ScreenID.allCases.count + 1)!)
        case .character(let c) where ("1"..."4").contains(c): switchScreen(to: ScreenID(rawValue: Int(String(c))!)!)
        default:
            switch screen {
            case .graph: handleGraph(key)
            case .receptiveField: receptiveField.handle(key, pageHeight: pageHeight)
            case .calculator: calculator.handle(key)
            case .featureMaps: break
            }
        }
    }

    /// Rows of the main table on screen (for paging); depends only on the terminal size.
    public var pageHeight: Int { max(1, size.height - 6) }

    private mutating func switchScreen(to next: ScreenID) {
        // The graph and receptive-field screens share the selected layer.
        if screen == .graph, next == .receptiveField, let layer = graph.selectedLayer {
            receptiveField.select(layer: layer, pageHeight: pageHeight)
        }
        if screen == .receptiveField, next == .graph, let layer = receptiveField.selectedLayer {
            graph.reveal(layer: layer, pageHeight: pageHeight)
        }
        screen = next
    }

    private mutating func handleGraph(_ key: Key) {
        let page = pageHeight
        switch key {
        case .up, .character("k"): graph.move(by: -1, pageHeight: page)
        case .down, .character("j"): graph.move(by: 1, pageHeight: page)
        case .pageUp: graph.move(by: -page, pageHeight: page)
        case .pageDown: graph.move(by: page, pageHeight: page)
        case .home, .character("g"): graph.select(0, pageHeight: page)
        case .end, .character("G"): graph.select(graph.rows.count - 1, pageHeight: page)
        case .enter, .character(" "): graph.toggleSelected(pageHeight: page)
        case .left, .character("h"): graph.collapseCurrent(pageHeight: page)
        case .right, .character("l"): graph.expandCurrent(pageHeight: page)
        case .character("+"), .character("="): graph.expandAll(pageHeight: page)
        case .character("-"): graph.collapseAll(pageHeight: page)
        case .character("/"):
            graph.searching = true
            graph.query = ""
        case .character("n"), .character("N"):
            let forward = key == .character("n")
            if graph.query.isEmpty {
                status = "No search yet: press / to search layer names"
            } else if !graph.jumpToMatch(forward: forward, pageHeight: page) {
                status = "No layer matches '\(graph.query)'"
            }
        default: break
        }
    }

    private mutating func handleSearchTyping(_ key: Key) {
        switch key {
        case .escape:
            graph.searching = false
            graph.query = ""
        case .enter:
            graph.searching = false
            let count = graph.matches.count
            status = count == 0 ? "No layer matches '\(graph.query)'"
                : "\(count) match\(count == 1 ? "" : "es") for '\(graph.query)': n next, N previous"
        case .backspace:
            if !graph.query.isEmpty { graph.query.removeLast() }
            _ = graph.jumpToMatch(forward: true, includeCurrent: true, pageHeight: pageHeight)
        case .character(let c):
            graph.query.append(c)
            _ = graph.jumpToMatch(forward: true, includeCurrent: true, pageHeight: pageHeight)
        default: break
        }
    }

    private mutating func handleOverlay(_ current: Overlay, _ key: Key) {
        switch current {
        case .help:
            if key == .escape || key == .character("?") || key == .character("q") || key == .enter { overlay = nil }
        case .picker(var picker):
            switch key {
            case .escape: overlay = nil
            case .enter:
                overlay = nil
                if let chosen = picker.chosen { open(chosen) }
            default:
                picker.handle(key)
                overlay = .picker(picker)
            }
        }
    }
}
