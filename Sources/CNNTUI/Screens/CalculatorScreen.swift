import CNNModel
import CNNReport

/// Screen 3: the parameter calculator, form on the left, live results on the right.
public enum CalculatorScreen {
    public static func render(_ state: AppState, area: Rect, into canvas: inout Canvas) {
        let theme = state.theme
        let calc = state.calculator
        let (left, right) = area.splitLeft(min(46, area.width / 2))
        let form = Frame(title: "Parameter calculator", focused: true).render(area: left, into: &canvas, theme: theme)
        var y = form.y
        for (i, field) in calc.fields.enumerated() where y < form.maxY {
            let focused = i == calc.focused
            canvas.put(pad(field.label, to: 20), x: form.x, y: y, style: theme.dim, clip: form)
            var value = calc.text(field)
            if focused && calc.isEditing { value += "_" }
            if focused && !calc.isEditing { value = "◂ \(value) ▸" }
            canvas.put(value, x: form.x + 20, y: y, style: focused ? theme.selection : theme.text, clip: form)
            y += 1
            if field == .mode { y += 1 }
        }
        y += 1
        let notes = note(for: calc)
        for line in notes where y < form.maxY {
            for chunk in wrapText(line, width: form.width) where y < form.maxY {
                canvas.put(chunk, x: form.x, y: y, style: theme.dim, clip: form)
                y += 1
            }
        }
        let results = Frame(title: calc.mode.title).render(area: right, into: &canvas, theme: theme)
        renderResults(state, area: results, into: &canvas)
    }

    static func note(for calc: CalculatorScreenState) -> [String] {
        switch calc.mode {
        case .conv: return ["params = kH*kW*(Cin/groups)*Cout + Cout; output = floor((H + 2p - d(k-1) - 1) / s) + 1."]
        case .dense: return ["params = in*out + out. A flattened 512x7x7 map is 25,088 features (VGG16's first dense layer)."]
        case .separable: return ["A depthwise k x k conv filters each channel alone; a 1x1 conv then mixes channels (MobileNet)."]
        case .bottleneck: return ["ResNet's bottleneck: reduce channels with a 1x1, convolve 3x3 at the narrow width, expand back."]
        case .head: return ["VGG16 flattens 512x7x7 into a 4096-unit dense layer; GoogLeNet and ResNet pool globally first."]
        }
    }

    static func renderResults(_ state: AppState, area: Rect, into canvas: inout Canvas) {
        let theme = state.theme
        let calc = state.calculator
        var y = area.y
        var totals: [(String, Int, Int)] = []
        for (title, chain) in zip(calc.alternatives, calc.lines) where y < area.maxY {
            canvas.put(title, x: area.x, y: y, style: theme.title, clip: area)
            y += 1
            var params = 0, macs = 0
            var failed = false
            for line in chain where y < area.maxY {
                if let error = line.error {
                    for chunk in wrapText("\(line.title): impossible: \(error)", width: area.width) where y < area.maxY {
                        canvas.put(chunk, x: area.x, y: y, style: theme.bad, clip: area)
                        y += 1
                    }
                    failed = true
                    continue
                }
                guard let r = line.result else { continue }
                params += r.params
                macs += r.macs
                let rows: [(String, String, Style)] = [
                    (line.title, "\(r.input) -> \(r.output)", theme.text),
                    ("  params", r.formula, theme.accent),
                    ("  mult-adds", r.macs.grouped, theme.number),
                ]
                for (label, value, style) in rows where y < area.maxY {
                    canvas.put(pad(label, to: 14), x: area.x, y: y, style: theme.dim, clip: area)
                    canvas.put(truncate(value, to: area.width - 14), x: area.x + 14, y: y, style: style, clip: area)
                    y += 1
                }
            }
            if !failed { totals.append((title, params, macs)) }
            y += 1
        }
        guard totals.count == 2, y + 2 < area.maxY else { return }
        let (a, b) = (totals[0], totals[1])
        canvas.put("Comparison", x: area.x, y: y, style: theme.title, clip: area)
        y += 1
        for t in totals where y < area.maxY {
            canvas.put(pad(t.0, to: 32) + pad(t.1.grouped + " params", to: 20) + t.2.abbreviated + " MACs", x: area.x, y: y, style: theme.text, clip: area)
            y += 1
        }
        if b.1 > 0, y < area.maxY {
            let ratio = Double(a.1) / Double(b.1)
            canvas.put("\(a.0): \(formatFixed(ratio * 100, digits: 1))% of the parameters of \(b.0.lowercased())",
                       x: area.x, y: y, style: theme.accent, clip: area)
        }
    }
}
