import CNNData
import CNNModel
import CNNReport
import CNNRuntime
import CNNZoo

/// Screen 4: a real forward pass, layer by layer. Left, the sample as fed, the predictions and
/// the engine's progress; right, the selected layer's output channels as heatmaps (or one
/// zoomed, or the layer's kernels).
public enum FeatureMapsScreen {
    /// Where the screen's parts go in the body of the frame: computed once from the body, read
    /// by drawing and by the keys that page through the channel grid.
    struct Layout {
        let left: Rect
        let main: Rect
        /// Where the channel grid goes, inside the main frame, above its info line.
        let grid: Rect

        init(body: Rect) {
            (left, main) = body.splitLeft(body.width >= 110 ? 36 : 30)
            grid = main.inset(by: 1).splitBottom(1).rest
        }
    }

    public static func render(_ state: AppState, area: Rect, into canvas: inout Canvas) {
        let layout = Layout(body: area)
        // One reading of the engine for the whole frame.
        let engine = state.featureMaps.engine
        renderLeft(state, engine: engine, area: layout.left, into: &canvas)
        renderMain(state, engine: engine, area: layout.main, into: &canvas)
    }

    // MARK: - Left column

    static func renderLeft(_ state: AppState, engine: InferenceSnapshot?, area: Rect, into canvas: inout Canvas) {
        let theme = state.theme
        let maps = state.featureMaps
        // A short terminal (80x24) keeps the picture legible: the Engine panel folds into the
        // Prediction frame's title and the prediction shows its top 3.
        let compact = area.height < 30
        let predictionRows = compact ? 6 : 8
        let imageRows = compact ? max(2, area.height - predictionRows - 5) : min(16, max(4, area.height - 20))
        let (inputArea, rest) = area.splitTop(imageRows + 5)
        let (predictionArea, engineArea) = rest.splitTop(predictionRows)

        let focused = maps.focus == .input
        let arrows = theme.glyphs.vertical == "|" ? "←→".replacingArrows() : "←→"  // as the key hints write them
        let inputInner = Frame(
            title: focused ? "Input \(arrows) sample" : "Input",
            focused: focused
        ).render(area: inputArea, into: &canvas, theme: theme)
        let (picture, text) = inputInner.splitTop(imageRows)
        if let sample = maps.sample, state.analysis.input.height * state.analysis.input.width <= Image.maxPixels {
            let image = sample.image
            // What the model was fed (fitted and normalized, undone for display) once the engine has
            // it; the sample itself until then.
            let drawn = fedImage(engine?.output(0)?.values, sample: image, shape: state.analysis.input, labels: state.model.labels)
                .render(area: picture, into: &canvas, theme: theme)
            // A zoomed channel's unit: the input pixels it sees.
            if maps.view == .zoomed, maps.explanation == nil, let layer = state.selectedLayer {
                let shape = state.analysis.layers[layer].outputShape
                if shape.isSpatial {
                    let (uy, ux) = (min(maps.unitY, shape.height - 1), min(maps.unitX, shape.width - 1))
                    let input = state.analysis.input
                    let box = state.analysis.layers[layer].receptiveField.inputPixels(ofUnit: uy, ux, height: input.height, width: input.width)
                    ExplanationView.outline(
                        box, source: Size2(input.height, input.width), on: drawn, within: picture, theme: theme, into: &canvas)
                }
            }
            let position = maps.fileSample == nil && maps.sampleCount > 0 ? "  (\((maps.index + 1).grouped) of \(maps.sampleCount.grouped))" : ""
            let truth =
                sample.label.map { label in "true class: \(label)" + (sample.className.map { $0 == String(label) ? "" : " \($0)" } ?? "") }
                ?? "no label, \(image.width)x\(image.height)"
            let input = state.analysis.input
            let fedText =
                "fed: \(input), "
                + ImageFitting.describe(
                    width: image.width, height: image.height, channels: image.channels,
                    inputChannels: input.channels, inputWidth: input.width, inputHeight: input.height,
                    sourceSize: false)
            let lines = [(sample.name + position, theme.title), (truth, theme.text), (fedText, theme.dim)]
            for (i, (line, style)) in lines.enumerated() {
                canvas.put(truncate(line, to: text.width, ellipsis: theme.glyphs.ellipsis), x: text.x, y: text.y + i, style: style, clip: text)
            }
        } else {
            canvas.put("no samples found", x: text.x, y: text.y, style: theme.bad, clip: text)
            canvas.put("(Assets/, or CNN_TUI_ASSETS)", x: text.x, y: text.y + 1, style: theme.dim, clip: text)
        }

        let title =
            compact
            ? (engine.flatMap { engineSummary($0, layers: state.analysis.graph.layers.count - 1) }.map { "Prediction · " + $0 } ?? "Prediction") : "Prediction"
        let predictionInner = Frame(title: title).render(area: predictionArea, into: &canvas, theme: theme)
        if compact, let engine, case .failed = engine.phase {
            renderEngine(state, engine: engine, area: predictionInner, into: &canvas)
        } else {
            renderPrediction(state, engine: engine, area: predictionInner, into: &canvas)
        }
        guard !compact else { return }
        let engineInner = Frame(title: "Engine").render(area: engineArea, into: &canvas, theme: theme)
        renderEngine(state, engine: engine, area: engineInner, into: &canvas)
    }

    /// The engine's state in a few words, for the Prediction frame's title when there is no room
    /// for the Engine panel: `4.5 ms`, `layer 3/12`, `preparing…`, `failed`.
    static func engineSummary(_ status: InferenceSnapshot, layers: Int) -> String? {
        switch status.phase {
        case .preparing: return "preparing…"
        case .computing(let layer): return "layer \(layer)/\(layers)"
        case .done: return status.seconds.map { "\(formatFixed($0 * 1000, digits: 1)) ms" }
        case .failed: return "failed"
        }
    }

    /// The input as the model is fed it: the engine's input tensor with the normalization undone
    /// (clamped to 0...255); until the engine has it, the sample placed as `ImageFitting.fit`
    /// places it (centred on black, or resized to the nearest pixel), in its own channels.
    static func fedImage(_ values: [Float]?, sample: Image, shape: TensorShape, labels: LabelSet?) -> ImageView {
        let (c, h, w) = (shape.channels, shape.height, shape.width)
        guard let values, c == 1 || c == 3 else {
            let sc = sample.channels
            var pixels = [UInt8](repeating: 0, count: sc * h * w)
            for y in 0..<h {
                for x in 0..<w {
                    guard
                        let p = ImageFitting.sourcePixel(
                            x: Double(x), y: Double(y), width: sample.width, height: sample.height,
                            inputWidth: w, inputHeight: h)
                    else { continue }
                    for channel in 0..<sc { pixels[(y * w + x) * sc + channel] = sample[p.x, p.y, channel] }
                }
            }
            return ImageView(width: w, height: h, channels: sc, pixels: pixels)
        }
        let mean = labels?.mean ?? [0], std = labels?.std ?? [1]
        var pixels = [UInt8](repeating: 0, count: c * h * w)
        for channel in 0..<c {
            let m = mean[min(channel, mean.count - 1)], s = std[min(channel, std.count - 1)]
            for i in 0..<(h * w) {
                let v = (values[channel * h * w + i] * s + m) * 255
                pixels[i * c + channel] = UInt8(min(max(v.rounded(), 0), 255))
            }
        }
        return ImageView(width: w, height: h, channels: c, pixels: pixels)
    }

    /// The top five classes as bars, or why there are none.
    static func renderPrediction(_ state: AppState, engine: InferenceSnapshot?, area: Rect, into canvas: inout Canvas) {
        let theme = state.theme
        guard let status = engine else { return }
        func say(_ lines: [(String, Style)]) {
            for (i, (line, style)) in lines.enumerated() {
                canvas.put(truncate(line, to: area.width, ellipsis: theme.glyphs.ellipsis), x: area.x, y: area.y + i, style: style, clip: area)
            }
        }
        let last = state.analysis.graph.layers.count - 1
        let shape = state.analysis.layers[last].outputShape
        guard shape.height * shape.width == 1, shape.channels > 1 else {
            say([("not a classifier:", theme.dim), ("the output is \(shape)", theme.dim)])
            return
        }
        if let weights = status.weights, !status.isTrained {
            say([(weights, theme.accent), ("an untrained network's", theme.dim), ("predictions mean nothing", theme.dim)])
            return
        }
        guard let values = status.output(last)?.values else {
            say([("waiting for the output layer", theme.dim)])
            return
        }
        let softmaxed = state.analysis.graph.layers[last].op == .activation(.softmax)
        let top = InferenceReport.top(values, k: min(5, values.count), alreadyProbabilities: softmaxed)
        let names = state.model.labels.flatMap { $0.names.count == values.count ? $0.names : nil }
        // Only a label that counts the model's own classes says right or wrong.
        let truth = status.sample?.label(in: state.model.labels)
        let otherLabels = truth == nil && status.sample?.label != nil
        let nameWidth = min(12, max(3, top.map { displayWidth(names?[$0.index] ?? String($0.index)) }.max() ?? 3))
        if let best = top.first {
            var headline = "predicted \(names?[best.index] ?? String(best.index)) (\(percent(best.probability)))"
            if let truth {
                headline += truth == best.index ? ", right" : ", true \(names.flatMap { truth < $0.count ? $0[truth] : nil } ?? String(truth))"
            } else if otherLabels {
                headline += ", labels differ"
            }
            canvas.put(
                truncate(headline, to: area.width, ellipsis: theme.glyphs.ellipsis), x: area.x, y: area.y,
                style: truth == best.index ? theme.good : theme.accent, clip: area)
        }
        for (row, entry) in top.enumerated() where row < area.height - 1 {
            let y = area.y + row + 1
            let name = names?[entry.index] ?? String(entry.index)
            let style = entry.index == truth ? theme.good : (row == 0 ? theme.bad : theme.text)
            let x = canvas.put(pad(truncate(name, to: nameWidth, ellipsis: theme.glyphs.ellipsis), to: nameWidth), x: area.x, y: y, style: style, clip: area)
            ShareBar(fraction: entry.probability).render(
                area: Rect(x: x + 1, y: y, width: area.maxX - x - 1, height: 1),
                into: &canvas, theme: theme, style: style)
        }
    }

    /// What the engine is doing: preparing, which layer it computes, or how long the pass took.
    static func renderEngine(_ state: AppState, engine: InferenceSnapshot?, area: Rect, into canvas: inout Canvas) {
        let theme = state.theme
        guard let status = engine else { return }
        let layers = state.analysis.graph.layers
        var lines: [(String, Style)] = []
        switch status.phase {
        case .preparing:
            lines.append(("preparing weights and buffers…", theme.accent))
        case .computing(let layer):
            lines.append(("computing layer \(layer)/\(layers.count - 1)", theme.accent))
            lines.append((layers[min(layer, layers.count - 1)].name, theme.text))
        case .done:
            if let seconds = status.seconds {
                lines.append(("forward pass: \(layers.count - 1) layer\(layers.count == 2 ? "" : "s")", theme.good))
                lines.append(("in \(formatFixed(seconds * 1000, digits: 1)) ms", theme.good))
            }
        case .failed(let message):
            lines.append((message, theme.bad))
        }
        if case .computing(let layer) = status.phase, area.height > 2 {
            lines.append(("", theme.text))
            let y = area.y + 2
            ShareBar(fraction: Double(layer) / Double(max(layers.count - 1, 1))).render(
                area: Rect(x: area.x, y: y, width: area.width, height: 1), into: &canvas, theme: theme, style: theme.accent)
        }
        if let weights = status.weights {
            for line in wrap(weights, width: area.width) { lines.append((line, status.isTrained ? theme.text : theme.accent)) }
        }
        for (i, (line, style)) in lines.enumerated() where !line.isEmpty {
            canvas.put(truncate(line, to: area.width, ellipsis: theme.glyphs.ellipsis), x: area.x, y: area.y + i, style: style, clip: area)
        }
    }

    // MARK: - Main area

    static func renderMain(_ state: AppState, engine: InferenceSnapshot?, area: Rect, into canvas: inout Canvas) {
        let theme = state.theme
        let maps = state.featureMaps
        let id = state.selectedLayer ?? 0
        let layer = state.analysis.graph.layers[id]
        let shape = state.analysis.layers[id].outputShape
        let kind = maps.view == .kernels ? "kernels of " : ""
        let title = "\(kind)\(layer.name) · \(layer.op.summary) · \(shape) · layer \(id)/\(state.analysis.graph.layers.count - 1)"
        let inner = Frame(title: title, focused: true).render(area: area, into: &canvas, theme: theme)
        let (body, infoLine) = inner.splitBottom(1)
        var info: String
        if let method = maps.explanation {
            info = ExplanationView.render(state, method: method, area: body, into: &canvas)
        } else {
            switch maps.view {
            case .kernels:
                info = renderKernels(state, layer: layer, weight: engine?.parameters[id], area: body, into: &canvas)
            case .channels, .zoomed:
                guard let output = engine?.output(id) else {
                    let message = engine == nil ? "no engine session" : "computing… (layer \(id) is not ready yet)"
                    canvas.put(
                        message, x: body.x + max(0, (body.width - displayWidth(message)) / 2), y: body.y + body.height / 2,
                        style: theme.accent, clip: body)
                    info = ""
                    break
                }
                if shape.height * shape.width == 1 || !shape.isSpatial {
                    info = renderVector(state, layer: id, output: output, area: body, into: &canvas)
                } else if maps.view == .zoomed {
                    info = renderZoomed(state, engine: engine, output: output, area: body, into: &canvas)
                } else {
                    info = renderChannels(state, output: output, area: body, into: &canvas)
                }
            }
        }
        let scaleText = "scale: " + (maps.perLayerScale ? "layer" : "channel") + ", " + (maps.view == .kernels ? "signed" : (maps.signed ? "signed" : "linear"))
        // As many of the parts as fit whole, the last ones (the keys' reminders) left out first.
        var parts = (maps.explanation == nil ? [scaleText] : []) + info.split(separator: " · ").map(String.init)
        while parts.count > 1 && displayWidth(parts.joined(separator: " · ")) > infoLine.width { parts.removeLast() }
        info = parts.joined(separator: " · ")
        canvas.put(truncate(info, to: infoLine.width, ellipsis: theme.glyphs.ellipsis), x: infoLine.x, y: infoLine.y, style: theme.dim, clip: infoLine)
    }

    private static func scale(_ state: AppState) -> HeatmapScale { state.featureMaps.signed ? .signed : .linear }

    /// The range to shade channel maps with: the layer's (found by the engine as it finished the
    /// layer) or nil for each channel's own.
    private static func layerRange(_ state: AppState, _ output: LayerValues) -> ValueRange? {
        state.featureMaps.perLayerScale ? ValueRange(output.lower, output.upper) : nil
    }

    static func renderChannels(_ state: AppState, output: LayerValues, area: Rect, into canvas: inout Canvas) -> String {
        let shape = output.shape
        let channel = min(state.featureMaps.channel, shape.channels - 1)
        let range = layerRange(state, output)
        let layout = ChannelGrid(mapSize: Size2(shape.height, shape.width), channels: shape.channels).layout(in: area, theme: state.theme)
        let grid = ChannelGrid(
            mapSize: Size2(shape.height, shape.width), channels: shape.channels,
            page: layout.page(of: channel), selected: channel)
        let names = channelNames(state, layer: state.selectedLayer ?? 0)
        _ = output.values.withUnsafeBufferPointer { values in
            grid.render(
                area: area, into: &canvas, theme: state.theme,
                title: { c, map in
                    "\(names.flatMap { c < $0.count ? $0[c] : nil } ?? "#\(c)") \(ValueRange(of: map.values))"
                }
            ) { c in
                Heatmap(channel: c, of: values, width: shape.width, height: shape.height, range: range, scale: scale(state))
            }
        }
        return "\(shape.channels) channels · page \(layout.page(of: channel) + 1)/\(layout.pageCount) · Enter zooms #\(channel)"
    }

    static func renderZoomed(_ state: AppState, engine: InferenceSnapshot?, output: LayerValues, area: Rect, into canvas: inout Canvas) -> String {
        let shape = output.shape
        let channel = min(state.featureMaps.channel, shape.channels - 1)
        let range = layerRange(state, output)
        let (picture, legend) = area.splitBottom(2)
        let map = output.values.withUnsafeBufferPointer { values in
            Heatmap(channel: channel, of: values, width: shape.width, height: shape.height, range: range, scale: scale(state))
        }
        let own = ValueRange(of: map.values)
        let layer = state.selectedLayer ?? 0
        let name = channelNames(state, layer: layer).flatMap { channel < $0.count ? " " + $0[channel] : nil } ?? ""
        canvas.put(
            "#\(channel)\(name) of \(shape.channels): \(shape.height)x\(shape.width), values \(own)", x: picture.x, y: picture.y,
            style: state.theme.title, clip: picture)
        let drawn = map.render(area: picture.splitTop(1).1, into: &canvas, theme: state.theme)
        HeatmapLegend(range: map.range, scale: map.scale).render(area: legend, into: &canvas, theme: state.theme)
        // The unit cursor, and what it is: its value and its field on the input.
        let (uy, ux) = (min(state.featureMaps.unitY, shape.height - 1), min(state.featureMaps.unitX, shape.width - 1))
        if drawn.width > 0, drawn.height > 0 {
            let cellX = drawn.x + min(drawn.width - 1, ux * drawn.width / shape.width)
            let cellY = drawn.y + min(drawn.height - 1, uy * drawn.height / shape.height)
            canvas.put("◆", x: cellX, y: cellY, style: state.theme.key, clip: drawn)
        }
        let field = state.analysis.layers[layer].receptiveField
        let box = field.inputPixels(ofUnit: uy, ux, height: state.analysis.input.height, width: state.analysis.input.width)
        let value = output.values[(channel * shape.height + uy) * shape.width + ux]
        let unitText =
            "unit (\(uy), \(ux)) = \(formatFixed(Double(value), digits: 4)) · sees rows \(box.rows.lowerBound)-\(box.rows.upperBound), "
            + "columns \(box.columns.lowerBound)-\(box.columns.upperBound) (field \(field.size.h)x\(field.size.w))"
        // A single-channel kernel small enough to read says more than the channel's number.
        let what = kernelNumbers(engine?.parameters[layer], filter: channel).map { "kernel " + $0 } ?? "channel \(channel) zoomed"
        return what + " · " + unitText + " · e field · Enter back"
    }

    /// A flat output (dense layers, global pooling) as one map of its values, laid out in the
    /// most nearly square rectangle that holds them exactly.
    static func renderVector(_ state: AppState, layer: Int, output: LayerValues, area: Rect, into canvas: inout Canvas) -> String {
        let count = output.values.count
        if count <= area.height - 1 {
            return renderValueList(state, layer: layer, values: output.values, area: area, into: &canvas)
        }
        let (rows, columns) = nearSquare(count)
        let (picture, legend) = area.splitBottom(2)
        let map = Heatmap(values: output.values, width: columns, height: rows, range: layerRange(state, output), scale: scale(state))
        canvas.put(
            "\(count.grouped) values as \(rows)x\(columns), row by row; values \(ValueRange(of: map.values))",
            x: picture.x, y: picture.y, style: state.theme.title, clip: picture)
        map.render(area: picture.splitTop(1).1, into: &canvas, theme: state.theme)
        HeatmapLegend(range: map.range, scale: map.scale).render(area: legend, into: &canvas, theme: state.theme)
        return "flat output"
    }

    /// A short flat output, one value per row with a bar from zero (class names on the last layer).
    static func renderValueList(_ state: AppState, layer: Int, values: [Float], area: Rect, into canvas: inout Canvas) -> String {
        let theme = state.theme
        let isLast = layer == state.analysis.graph.layers.count - 1
        let names = isLast ? state.model.labels.flatMap { $0.names.count == values.count ? $0.names : nil } : nil
        let range = ValueRange(of: values)
        canvas.put("\(values.count) values, \(range)", x: area.x, y: area.y, style: theme.title, clip: area)
        let labelWidth = min(16, max(3, (names ?? values.indices.map(String.init)).map(displayWidth).max() ?? 3))
        let top = values.indices.max { values[$0] < values[$1] }
        let barArea = max(4, area.width - labelWidth - 12)
        let half = barArea / 2
        for (i, v) in values.enumerated() where i + 1 < area.height {
            let y = area.y + 1 + i
            let label = names?[i] ?? String(i)
            var x = canvas.put(
                pad(truncate(label, to: labelWidth, ellipsis: theme.glyphs.ellipsis), to: labelWidth), x: area.x, y: y,
                style: i == top ? theme.accent : theme.text, clip: area)
            x = canvas.put(pad(shortNumber(v), to: 9, alignRight: true) + "  ", x: x, y: y, style: theme.number, clip: area)
            let cells = range.magnitude > 0 ? Int((Double(abs(v)) / Double(range.magnitude) * Double(half)).rounded()) : 0
            let bar = String(repeating: theme.glyphs.barFull, count: cells)
            if v >= 0 {
                canvas.put(String(theme.glyphs.vertical) + bar, x: x + half, y: y, style: theme.good, clip: area)
            } else {
                canvas.put(bar, x: x + half - cells, y: y, style: theme.bad, clip: area)
                canvas.put(String(theme.glyphs.vertical), x: x + half, y: y, style: theme.dim, clip: area)
            }
        }
        return isLast ? "the network's output" : "flat output"
    }

    /// The layer's weights: each convolution kernel as a tile (output filter · input channel), or
    /// a dense layer's matrix as one map.
    static func renderKernels(_ state: AppState, layer: Layer, weight: ParameterValues?, area: Rect, into canvas: inout Canvas) -> String {
        let theme = state.theme
        guard layer.op.isWeightLayer, let weight else {
            let message = layer.op.isWeightLayer ? "waiting for the weights" : "\(layer.name) has no kernels: w shows the weights of conv and dense layers"
            canvas.put(message, x: area.x + max(0, (area.width - displayWidth(message)) / 2), y: area.y + area.height / 2, style: theme.dim, clip: area)
            return ""
        }
        let full = ValueRange(weight.lower, weight.upper)
        let range = state.featureMaps.perLayerScale ? full : nil
        return weight.withValues { values in
            if weight.shape.count == 4 {
                let (outputs, inputs, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
                let count = outputs * inputs
                let channel = min(state.featureMaps.channel, count - 1)
                let layout = ChannelGrid(mapSize: Size2(kh, kw), channels: count).layout(in: area, theme: theme)
                let grid = ChannelGrid(mapSize: Size2(kh, kw), channels: count, page: layout.page(of: channel), selected: channel)
                grid.render(
                    area: area, into: &canvas, theme: theme,
                    title: { k, map in
                        let names = channelNames(state, layer: layer.id)
                        let name = inputs == 1 ? names.flatMap { k < $0.count ? $0[k] : nil } ?? "#\(k)" : "#\(k / inputs).\(k % inputs)"
                        return "\(name) \(ValueRange(of: map.values))"
                    }
                ) { k in
                    Heatmap(channel: k, of: values, width: kw, height: kh, range: range, scale: .signed)
                }
                return
                    "\(outputs) filters x \(inputs) input channel\(inputs == 1 ? "" : "s") of \(kh)x\(kw) · page \(layout.page(of: channel) + 1)/\(layout.pageCount) · w maps"
            }
            let (outputs, inputs) = (weight.shape[0], weight.shape[1])
            let (picture, legend) = area.splitBottom(2)
            let map = Heatmap(values, width: inputs, height: outputs, range: full, scale: .signed)
            canvas.put("weight matrix \(outputs)x\(inputs) (out x in), values \(full)", x: picture.x, y: picture.y, style: theme.title, clip: picture)
            map.render(area: picture.splitTop(1).1, into: &canvas, theme: theme)
            HeatmapLegend(range: map.range, scale: map.scale).render(area: legend, into: &canvas, theme: theme)
            return "dense weights · w maps"
        }
    }

    /// The names the model gives `layer`'s output channels (the `filters` model's kernels).
    static func channelNames(_ state: AppState, layer: Int) -> [String]? {
        state.model.channelNames[state.analysis.graph.layers[layer].name]
    }

    /// A small single-channel kernel's numbers, row by row (`0 -1 0 | -1 5 -1 | 0 -1 0`), for
    /// the zoomed map it makes; nil for kernels over several channels or larger than 5x5.
    static func kernelNumbers(_ weight: ParameterValues?, filter: Int) -> String? {
        guard let weight, weight.shape.count == 4, weight.shape[1] == 1, weight.shape[2] * weight.shape[3] <= 25,
            filter < weight.shape[0]
        else { return nil }
        let (kh, kw) = (weight.shape[2], weight.shape[3])
        return weight.withValues { values in
            (0..<kh).map { y in (0..<kw).map { x in shortNumber(values[(filter * kh + y) * kw + x]) }.joined(separator: " ") }
                .joined(separator: " | ")
        }
    }

    /// Rows and columns with `rows·columns == count`, as close to square as the divisors allow.
    static func nearSquare(_ count: Int) -> (rows: Int, columns: Int) {
        guard count > 0 else { return (1, 1) }
        var rows = Int(Double(count).squareRoot())
        while rows > 1 && count % rows != 0 { rows -= 1 }
        return (rows, count / rows)
    }
}
