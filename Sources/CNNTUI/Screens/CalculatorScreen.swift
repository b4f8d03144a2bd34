import CNNModel
import CNNReport

/// Screen 3: the parameter calculator, form on the left, live results on the right.
public enum CalculatorScreen {
    /// The form's label column: the longest label and a space.
    static let labelWidth = 17
    /// The widest value the form shows: the longest mode name between its arrows.
    static let valueWidth = CalculatorScreenState.Mode.allCases.map { displayWidth("◂ \($0.name) ▸") }.max()!

    public static func render(_ state: AppState, area: Rect, into canvas: inout Canvas) {
        let theme = state.theme
        let calc = state.calculator
        // The form as narrow as its widest value allows, so the results get the room, up to 46 wide.
        let formWidth = area.width >= 110 ? 46 : labelWidth + valueWidth + 2
        let (left, right) = area.splitLeft(formWidth)
        let form = Frame(title: "Parameter calculator", focused: true).render(area: left, into: &canvas, theme: theme)
        var y = form.y
        for (i, field) in calc.fields.enumerated() where y < form.maxY {
            let focused = i == calc.focused
            canvas.put(pad(field.label, to: labelWidth), x: form.x, y: y, style: theme.dim, clip: form)
            var value = calc.text(field)
            if focused && calc.isEditing { value += "_" }
            if focused && !calc.isEditing { value = "◂ \(value) ▸" }
            canvas.put(value, x: form.x + labelWidth, y: y, style: focused ? theme.selection : theme.text, clip: form)
            y += 1
            if field == .mode { y += 1 }
        }
        let notes = note(for: calc).map { ($0, theme.dim) } + (calc.caveat.map { [($0, theme.bad)] } ?? [])
        for (line, style) in notes where y < form.maxY {
            y += 1
            for chunk in wrapNote(line, width: form.width) where y < form.maxY {
                canvas.put(chunk, x: form.x, y: y, style: style, clip: form)
                y += 1
            }
        }
        let results = Frame(title: calc.mode.title).render(area: right, into: &canvas, theme: theme)
        let rows = fitted(resultRows(calc, width: results.width, theme: theme), height: results.height)
        for (i, row) in rows.enumerated() where i < results.height {
            var x = results.x + row.indent
            for (text, style) in row.parts {
                x = canvas.put(text, x: x, y: results.y + i, style: style, clip: results)
            }
        }
    }

    /// A note wrapped to `width`; a formula (`name = ...`, one sentence) too long for the line
    /// breaks after its `=`, the right-hand side indented below, rather than inside the formula.
    static func wrapNote(_ note: String, width: Int) -> [String] {
        guard displayWidth(note) > width, !note.contains(". "), let equals = note.firstRange(of: " = ") else { return wrap(note, width: width) }
        let name = String(note[..<equals.lowerBound]), rhs = String(note[equals.upperBound...])
        guard !name.contains(" ") else { return wrap(note, width: width) }
        return [name + " ="] + wrap(rhs, width: width - 2).map { "  " + $0 }
    }

    static func note(for calc: CalculatorScreenState) -> [String] {
        switch calc.mode {
        case .conv: return ["params = kH*kW*(Cin/groups)*Cout + Cout", "output = floor((H+2p-d(k-1)-1)/s) + 1"]
        case .dense: return ["params = in*out + out. A flattened 512x7x7 map is 25,088 features (VGG16's first dense layer)."]
        case .separable: return ["A depthwise k x k conv filters each channel alone; a 1x1 conv then mixes channels (MobileNet)."]
        case .bottleneck: return ["ResNet's bottleneck: reduce channels with a 1x1, convolve 3x3 at the narrow width, expand back."]
        case .head: return ["VGG16 flattens 512x7x7 into a 4096-unit dense layer; GoogLeNet and ResNet pool globally first."]
        }
    }

    /// One line of the results: coloured parts from a left indent. Rows that can go when the
    /// panel is short have a `spare` rank, dropped highest first: per-layer mult-adds (3; the
    /// totals keep them), blank lines (2), the comparison's heading (1).
    struct Row {
        var indent = 0
        var parts: [(String, Style)]
        var spare = 0
    }

    /// Drops the spare rows, most spare first and from the bottom, until the rows fit.
    static func fitted(_ rows: [Row], height: Int) -> [Row] {
        var rows = rows
        for rank in [3, 2, 1] {
            while rows.count > height, let i = rows.lastIndex(where: { $0.spare == rank }) { rows.remove(at: i) }
        }
        return rows
    }

    /// The label column of the result rows (`  Mult-adds `).
    static let resultLabelWidth = 12

    static func resultRows(_ calc: CalculatorScreenState, width: Int, theme: Theme) -> [Row] {
        func wrapped(_ text: String, _ style: Style, indent: Int = 0, spare: Int = 0) -> [Row] {
            wrap(text, width: width - indent).map { Row(indent: indent, parts: [($0, style)], spare: spare) }
        }
        /// `label value` on one row (the value in its first form that fits), or the first form on
        /// the next row when none fits.
        func labelled(_ label: String, _ values: String..., style: Style, spare: Int = 0) -> [Row] {
            let value = values[0]
            if let fits = values.first(where: { resultLabelWidth + displayWidth($0) <= width }) {
                return [Row(parts: [(pad(label, to: resultLabelWidth), theme.dim), (fits, style)], spare: spare)]
            }
            return [Row(parts: [(label, theme.dim)], spare: spare)] + wrapped(value, style, indent: 4, spare: spare)
        }
        if let problem = calc.draftProblem { return wrapped(problem, theme.bad) }
        var rows: [Row] = []
        var totals: [(title: String, params: Int, macs: Int)] = []
        let compares = calc.alternatives.count > 1
        for (title, chain) in zip(calc.alternatives, calc.lines) {
            if !rows.isEmpty { rows.append(Row(parts: [], spare: 2)) }
            rows.append(Row(parts: [(title, theme.title)]))
            var params = 0, macs = 0
            var failed = false
            for line in chain {
                if let error = line.error {
                    rows += wrapped("\(line.title): impossible: \(error)", theme.bad)
                    failed = true
                    continue
                }
                guard let r = line.result else { continue }
                params += r.params
                macs += r.macs
                let shape = "\(r.input) -> \(r.output)"
                if displayWidth(line.title) + 2 + displayWidth(shape) <= width {
                    rows.append(Row(parts: [(line.title + "  ", theme.text), (shape, theme.text)]))
                } else {
                    rows.append(Row(parts: [(line.title, theme.text)]))
                    rows += wrapped(shape, theme.text, indent: 2)
                }
                rows += labelled("  params", r.formula, style: theme.accent)
                rows += labelled("  Mult-adds", r.macs.grouped, style: theme.number, spare: compares ? 3 : 0)
            }
            guard !failed else { continue }
            totals.append((title, params, macs))
            if compares {
                rows += labelled(
                    "  total", "\(params.grouped) params, \(macs.abbreviated) Mult-adds",
                    "\(params.abbreviated) params, \(macs.abbreviated) Mult-adds", style: theme.number)
            }
        }
        guard totals.count == 2 else { return rows }
        let (small, big) = totals[0].params <= totals[1].params ? (totals[0], totals[1]) : (totals[1], totals[0])
        guard big.params > 0 else { return rows }
        let share = Double(small.params) / Double(big.params)
        rows.append(Row(parts: [], spare: 2))
        rows.append(Row(parts: [("Comparison", theme.title)], spare: 1))
        rows += wrapped("\(small.title): \(percent(share, digits: 1)) of the parameters of \(big.title.lowercased())", theme.accent)
        return rows
    }
}
