import CNNModel
import CNNReport

/// Drawing: a pure function of the state into a canvas of the terminal's size.
extension AppState {
    public func render() -> Canvas {
        var canvas = Canvas(width: size.width, height: size.height)
        render(into: &canvas)
        return canvas
    }

    public func render(into canvas: inout Canvas) {
        if isTooSmall {
            renderTooSmall(into: &canvas)
            return
        }
        let layout = self.layout
        renderTabs(area: layout.tabs, into: &canvas)
        switch screen {
        case .graph: GraphScreen.render(self, area: layout.body, into: &canvas)
        case .receptiveField: ReceptiveFieldScreen.render(self, area: layout.body, into: &canvas)
        case .calculator: CalculatorScreen.render(self, area: layout.body, into: &canvas)
        case .featureMaps: FeatureMapsScreen.render(self, area: layout.body, into: &canvas)
        }
        renderFooter(area: layout.footer, into: &canvas)
        switch overlay {
        case .help(let scroll): HelpOverlay.render(self, scroll: scroll, into: &canvas)
        case .picker(let picker): PickerOverlay.render(picker, state: self, into: &canvas)
        case .edit(let editor): LayerEditorOverlay.render(editor, state: self, into: &canvas)
        case .save(let path): PromptBox.save(path).render(state: self, into: &canvas)
        case .add(let line):
            PromptBox.addLayer(line, after: selectedLayer.map { analysis.graph.layers[$0].name } ?? "?").render(state: self, into: &canvas)
        case .report(let panel): ReportPanelOverlay.render(panel, state: self, into: &canvas)
        case nil: break
        }
    }

    private func renderTooSmall(into canvas: inout Canvas) {
        let lines = [
            "Terminal too small",
            "\(size.width)x\(size.height); cnn-tui needs at least \(Self.minimumSize.width)x\(Self.minimumSize.height).",
            "Enlarge the window, or press q to quit.",
        ]
        let top = max(0, (size.height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < size.height {
            let x = max(0, (size.width - displayWidth(line)) / 2)
            canvas.put(line, x: x, y: top + i, style: i == 0 ? theme.bad : theme.text)
        }
    }

    /// The top line: program name, the screens as tabs, the open model.
    private func renderTabs(area: Rect, into canvas: inout Canvas) {
        canvas.fill(area, style: theme.tabInactive)
        let right = " \(model.title) · \(analysis.input) "
        let fullTabs = ScreenID.allCases.map { displayWidth(" \($0.rawValue) \($0.title) ") + 1 }.reduce(0, +)
        let short = displayWidth(" cnn-tui ") + fullTabs + displayWidth(right) + 1 > area.width
        var x = canvas.put(" cnn-tui ", x: area.x, y: area.y, style: theme.header)
        for id in ScreenID.allCases {
            let label = " \(id.rawValue) \(short ? id.shortTitle : id.title) "
            x = canvas.put(label, x: x + 1, y: area.y, style: id == screen ? theme.tabActive : theme.tabInactive, clip: area)
        }
        // The model's name, cut to the room beside the tabs rather than left out.
        let room = area.maxX - x - 2
        let shown = displayWidth(right) <= room ? right : truncate(right, to: room, ellipsis: theme.glyphs.ellipsis) + " "
        if room >= 8 { canvas.put(shown, x: area.maxX - displayWidth(shown), y: area.y, style: theme.header, clip: area) }
    }

    /// The model's totals in the longest form that fits `width`: every total stays, the
    /// parameter counts shorten first.
    func totals(width: Int) -> String {
        let a = analysis
        let rest = " │ Memory \(Display.megabytes(a.memory.totalBytes)) MB │ Depth \(a.depth)"
        let torchinfo = a.params(.torchinfo), keras = a.params(.keras)
        let counts = { (params: String) in "Params \(params) · Mult-adds \(a.macs.abbreviated) (torchinfo)" }
        let forms = [
            counts(torchinfo.grouped) + (keras != torchinfo ? " · Params \(keras.grouped) (Keras, with BN statistics)" : ""),
            counts(torchinfo.grouped) + (keras != torchinfo ? " · \(keras.grouped) (Keras)" : ""),
            counts(torchinfo.grouped),
            counts(torchinfo.abbreviated),
        ]
        let fitting = forms.first { displayWidth($0 + rest) <= width } ?? forms[forms.count - 1]
        return truncate(fitting + rest, to: width)
    }

    /// Totals, then either the status message, the search line or the key hints.
    private func renderFooter(area: Rect, into canvas: inout Canvas) {
        canvas.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), style: theme.header)
        canvas.put(" " + totals(width: area.width - 2), x: area.x, y: area.y, style: theme.header, clip: area)
        let y = area.y + 1
        if screen == .graph && graph.searching {
            let x = canvas.put("/", x: area.x, y: y, style: theme.key, clip: area)
            let end = canvas.put(graph.query, x: x, y: y, style: theme.text, clip: area)
            canvas.put("_", x: end, y: y, style: theme.key.with(.bold), clip: area)
            let count = graph.matches.count
            canvas.put("  \(count) match\(count == 1 ? "" : "es") · Enter keep · Esc cancel", x: end + 1, y: y, style: theme.dim, clip: area)
        } else if screen == .featureMaps, let path = featureMaps.pathPrompt {
            let x = canvas.put("Image file: ", x: area.x + 1, y: y, style: theme.key, clip: area)
            let end = canvas.put(path, x: x, y: y, style: theme.text, clip: area)
            canvas.put("_", x: end, y: y, style: theme.key.with(.bold), clip: area)
            canvas.put("  Enter open · Esc cancel", x: end + 1, y: y, style: theme.dim, clip: area)
        } else if let status {
            canvas.put(" " + status, x: area.x, y: y, style: theme.accent, clip: area)
        } else {
            // The screen's own hints as far as they fit, but always "? help" and "q quit" at the end.
            let hints = KeyHelp.hints(for: self)
            let (head, tail) = (hints.dropLast(2), hints.suffix(2))
            func width(_ hint: KeyHelp.Entry) -> Int { displayWidth(hint.key) + displayWidth(hint.action) + 3 }
            let tailWidth = tail.map(width).reduce(0, +)
            var shown: [KeyHelp.Entry] = []
            var room = area.width - 1 - tailWidth
            for hint in head {
                guard width(hint) <= room else { break }
                shown.append(hint)
                room -= width(hint)
            }
            shown += tail
            var x = area.x + 1
            for (key, action) in shown {
                x = canvas.put(key, x: x, y: y, style: theme.key, clip: area)
                x = canvas.put(" " + action + "  ", x: x, y: y, style: theme.dim, clip: area)
            }
        }
    }
}
