import CNNData
import CNNModel
import CNNRuntime

/// The feature-map screen's explanations, drawn where the maps go: the result as a heatmap over
/// the input (or the layer's grid, or the occlusion positions), the unit's theoretical field as
/// a box on it, the method's numbers in the info line; progress while the session computes.
enum ExplanationView {
    static func title(_ method: ExplainRun.Method) -> String {
        switch method {
        case .erf: "Effective receptive field"
        case .gradcam: "Grad-CAM"
        case .guided: "Guided backpropagation"
        case .occlusion: "Occlusion"
        case .topPatches: "Top patches"
        }
    }

    /// Draws the explanation into `area`; returns the info line's text.
    static func render(_ state: AppState, method: ExplainRun.Method, area: Rect, into canvas: inout Canvas) -> String {
        let theme = state.theme
        guard let snapshot = state.featureMaps.explanations?.snapshot else {
            canvas.put("no sample to explain", x: area.x, y: area.y, style: theme.bad, clip: area)
            return "Esc back"
        }
        let (heading, body) = area.splitTop(1)
        var line = title(method)
        if let r = snapshot.result {
            if let layer = r.layer { line += " · \(layer)" }
            if let channel = r.channel { line += " #\(channel)" }
            if let unit = r.unit { line += " unit (\(unit.y), \(unit.x))" }
            if let k = r.classIndex {
                let name = r.className.flatMap { $0 == String(k) ? nil : " \($0)" } ?? ""
                line += " · class \(k)\(name), p \(formatFixed(Double(r.probability ?? 0), digits: 3))"
            }
            if method == .occlusion {
                line += " · \(state.featureMaps.occlusionPatch)-pixel square, step \(state.featureMaps.occlusionStride)"
            }
        }
        canvas.put(truncate(line, to: heading.width), x: heading.x, y: heading.y, style: theme.title, clip: heading)
        switch snapshot.phase {
        case .idle, .preparing:
            say("preparing the gradients' buffers…", theme.accent, in: body, &canvas)
            return "Esc back"
        case .computing(let done, let total):
            say(total > 0 ? "computing… \(done) of \(total)" : "computing…", theme.accent, in: body, &canvas)
            return "Esc back"
        case .failed(let message):
            say(message, theme.bad, in: body, &canvas)
            return "Esc back"
        case .done:
            break
        }
        guard let result = snapshot.result else { return "Esc back" }
        // An untrained network's explanations look like something and mean little: say so first.
        let untrained = state.featureMaps.engine?.isTrained == false ? "random weights: this explains noise · " : ""
        if method == .topPatches { return untrained + renderPatches(state, result, area: body, into: &canvas) }
        let (map, height, width) = Self.map(result)
        let scale: HeatmapScale = method == .occlusion ? .signed : .linear
        let heatmap = Heatmap(values: map, width: width, height: height, scale: scale)
        let (picture, legend) = body.splitBottom(2)
        let drawn = heatmap.render(area: picture, into: &canvas, theme: theme)
        HeatmapLegend(range: heatmap.range, scale: heatmap.scale).render(area: legend, into: &canvas, theme: theme)
        var info = "Esc back"
        if method == .erf, let unit = result.unit, let field = result.field {
            let input = state.analysis.input
            let box = field.inputPixels(ofUnit: unit.y, unit.x, height: input.height, width: input.width)
            outline(box, source: Size2(height, width), on: drawn, within: picture, theme: theme, into: &canvas)
            // The ERF papers' measure: how much of the theoretical field holds 20, 50, 90, 99% of the gradient.
            let fractions = result.fieldShares.map { String(Int($0.fraction * 100)) }.joined(separator: "/")
            let shares = result.fieldShares.map { String(Int(($0.share * 100).rounded())) }.joined(separator: "/")
            let averaged = result.averagedOver > 1 ? "mean over \(result.averagedOver) samples · " : ""
            info =
                "\(averaged)\(fractions)% of |gradient| in \(shares)% of the \(field.size.h)x\(field.size.w) field (box) · "
                + "a \(result.averagedOver > 1 ? "this sample" : "average \(FeatureMapsState.averagedSamples)") · Esc back"
        } else if method == .occlusion {
            info = "↑↓ class · largest drop \(formatFixed(Double(map.max() ?? 0), digits: 3)) · +/- square · </> step · Esc back"
        } else if method == .gradcam {
            info =
                "↑↓ class · \(height)x\(width) map, field of a unit \(result.layer.flatMap { state.analysis.graph.layer(named: $0) }.map { state.analysis.layers[$0.id].receptiveField.size.h } ?? 0) pixels · Esc back"
        }
        return untrained + info
    }

    /// The result as one map: a gradient's magnitude summed over the input's channels, or the
    /// method's own map.
    static func map(_ r: ExplainRun.Result) -> (values: [Float], height: Int, width: Int) {
        if r.shape.count == 3 {
            let (c, h, w) = (r.shape[0], r.shape[1], r.shape[2])
            var out = [Float](repeating: 0, count: h * w)
            for ch in 0..<c { for p in 0..<(h * w) { out[p] += abs(r.values[ch * h * w + p]) } }
            return (out, h, w)
        }
        return (r.values, r.shape.first ?? 0, r.shape.count > 1 ? r.shape[1] : 1)
    }

    /// The top patches as a grid of crops, each the input its unit sees (as fed), with its rank,
    /// sample and value; a list when the cells are too small for pictures.
    static func renderPatches(_ state: AppState, _ r: ExplainRun.Result, area: Rect, into canvas: inout Canvas) -> String {
        let theme = state.theme
        let dataset = state.featureMaps.dataset.displayName
        let info = "\(dataset) samples exciting #\(r.channel ?? 0) most, cropped to its unit's field · ←→ channel · Esc back"
        guard !r.patches.isEmpty else {
            say("no samples in \(dataset)", theme.bad, in: area, &canvas)
            return info
        }
        let columns = 3, rows = (r.patches.count + columns - 1) / columns
        let (cellWidth, cellHeight) = (area.width / columns, area.height / max(rows, 1))
        func caption(_ rank: Int, _ p: ExplainRun.Patch) -> String { "\(rank + 1). \(p.sample) \(formatFixed(Double(p.value), digits: 3))" }
        guard cellHeight >= 4, cellWidth >= 8 else {
            for (rank, p) in r.patches.enumerated() where area.y + rank < area.maxY {
                let text =
                    caption(rank, p)
                    + "  unit (\(p.y), \(p.x))  rows \(p.rows.lowerBound)-\(p.rows.upperBound), columns \(p.columns.lowerBound)-\(p.columns.upperBound)"
                canvas.put(truncate(text, to: area.width), x: area.x, y: area.y + rank, style: theme.text, clip: area)
            }
            return info
        }
        for (rank, p) in r.patches.enumerated() {
            let cell = Rect(x: area.x + (rank % columns) * cellWidth, y: area.y + (rank / columns) * cellHeight, width: cellWidth - 1, height: cellHeight)
            let (title, picture) = cell.splitTop(1)
            // Narrow cells drop the data set's name (the info line says it): "1. #187 4.60".
            var text = caption(rank, p)
            if displayWidth(text) > title.width, let id = try? SampleID(parsing: p.sample) {
                text = "\(rank + 1). #\(id.index) \(formatFixed(Double(p.value), digits: 2))"
            }
            canvas.put(truncate(text, to: title.width), x: title.x, y: title.y, style: theme.text, clip: title)
            guard let id = try? SampleID(parsing: p.sample), let sample = try? state.featureMaps.samples?.sample(id) else { continue }
            let fed = FeatureMapsScreen.fedImage(nil, sample: sample.image, shape: state.analysis.input, labels: state.model.labels)
            fed.cropped(rows: p.rows, columns: p.columns).render(area: picture, into: &canvas, theme: theme)
        }
        return info
    }

    static func say(_ text: String, _ style: Style, in area: Rect, _ canvas: inout Canvas) {
        canvas.put(
            truncate(text, to: area.width), x: area.x + max(0, (area.width - displayWidth(text)) / 2), y: area.y + area.height / 2, style: style, clip: area)
    }

    /// Outlines source pixels `box` (rows, columns of a `source`-sized map drawn on the cells
    /// `drawn`) with a line just outside their cells, so that the box hides none of them; where
    /// the picture reaches the edge of `clip`, the line stays on that edge.
    static func outline(
        _ box: (rows: ClosedRange<Int>, columns: ClosedRange<Int>), source: Size2, on drawn: Rect, within clip: Rect, theme: Theme,
        into canvas: inout Canvas
    ) {
        guard drawn.width > 0, drawn.height > 0, source.h > 0, source.w > 0, clip.width > 1, clip.height > 1 else { return }
        // The first and last cell a pixel covers (one cell holds several pixels when shrunk).
        func first(_ p: Int, _ cells: Int, _ pixels: Int) -> Int { p * cells / pixels }
        func last(_ p: Int, _ cells: Int, _ pixels: Int) -> Int { max(first(p, cells, pixels), ((p + 1) * cells - 1) / pixels) }
        let top = max(drawn.y + first(box.rows.lowerBound, drawn.height, source.h) - 1, clip.y)
        let bottom = min(drawn.y + last(box.rows.upperBound, drawn.height, source.h) + 1, clip.maxY - 1)
        let left = max(drawn.x + first(box.columns.lowerBound, drawn.width, source.w) - 1, clip.x)
        let right = min(drawn.x + last(box.columns.upperBound, drawn.width, source.w) + 1, clip.maxX - 1)
        guard top < bottom, left < right else { return }
        let g = theme.glyphs, style = theme.key
        for x in left...right {
            canvas.put(String(g.horizontal), x: x, y: top, style: style, clip: clip)
            canvas.put(String(g.horizontal), x: x, y: bottom, style: style, clip: clip)
        }
        for y in top...bottom {
            canvas.put(String(g.vertical), x: left, y: y, style: style, clip: clip)
            canvas.put(String(g.vertical), x: right, y: y, style: style, clip: clip)
        }
        for (x, y, c) in [(left, top, g.topLeft), (right, top, g.topRight), (left, bottom, g.bottomLeft), (right, bottom, g.bottomRight)] {
            canvas.put(String(c), x: x, y: y, style: style, clip: clip)
        }
    }
}
