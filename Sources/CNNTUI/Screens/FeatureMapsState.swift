import CNNData
import CNNModel
import CNNRuntime
import CNNZoo

/// What the feature-map screen shows: the sample, the engine session computing it, and how the
/// selected layer's channels are viewed. The layer itself is the one the graph screen selects.
public struct FeatureMapsState {
    /// What the main area shows for the selected layer.
    public enum View: Sendable {
        case channels
        /// One channel over the whole area, with a value scale.
        case zoomed
        /// The layer's kernels (weights).
        case kernels
    }

    /// The panel the arrow keys act on.
    public enum Focus: Sendable {
        /// The channel grid: arrows move between channels.
        case maps
        /// The input picture: left / right change the sample, up / down the data set.
        case input
    }

    public var session: InferenceSession?
    /// The bundled samples (nil when Assets/ was not found).
    public let samples: SampleCache?
    public var dataset: BundledDataset
    public var index = 0
    /// A sample from a file, shown instead of the bundled one.
    public var fileSample: Sample?
    /// The selected channel (or kernel) of the selected layer.
    public var channel = 0
    public var view: View = .channels
    public var focus: Focus = .maps
    /// Shade by the whole layer's range (true) or each channel's own.
    public var perLayerScale = true
    /// Zero-centred colours (negative blue, positive red) instead of dark-to-bright.
    public var signed = false
    /// The image path being typed after `o`.
    public var pathPrompt: String?
    /// Weights for the session: a file, and the seed of random ones.
    public var weightsFile: String?
    public var seed = ModelWeights.defaultSeed
    /// The unit under the cursor in a zoomed channel: its row and column.
    public var unitY = 0
    public var unitX = 0
    /// The explanation shown in place of the maps (`e`, `c`, `g`, `x`, `t`); nil for the maps.
    public var explanation: ExplainRun.Method?
    /// Computes the explanations in the background, made at the first one.
    public var explanations: ExplanationSession?
    /// The occlusion square's side in input pixels (`+` / `-`).
    public var occlusionPatch = 8
    /// How far the occlusion square moves each step (`<` / `>`).
    public var occlusionStride = 4
    /// What the explanation shown was asked for with, to ask again only when that changes.
    var explanationKey = ""
    /// Which of the top-5 classes Grad-CAM, guided backprop and occlusion explain (↑ ↓): 0, the
    /// predicted one.
    public var explainedRank = 0
    /// How many of the data set's samples the effective receptive field averages over (`a`):
    /// 1, the sample's own gradient, or `averagedSamples`.
    public var erfSamples = 1
    public static let averagedSamples = 32

    public init(samples: SampleCache?, input: TensorShape) {
        self.samples = samples
        dataset = BundledDataset.suited(for: input)
    }

    /// The sample to run: a file's, or the current bundled one.
    public var sample: Sample? {
        if let fileSample { return fileSample }
        return try? samples?.sample(SampleID(dataset, index))
    }

    /// Samples in the current data set.
    public var sampleCount: Int { samples?.count(dataset) ?? 0 }

    /// What the engine shows now (nil before the screen first started it); a frame reads it once.
    public var engine: InferenceSnapshot? { session?.snapshot }

    /// Starts a session for `model` unless one runs it already, and runs the current sample.
    mutating func start(model: ZooModel, analysis: ModelAnalysis) {
        if let session, session.model.name == model.name, session.analysis.input == analysis.input { return }
        guard sample != nil else { return }  // nothing to run: the screen says why
        session = InferenceSession(model: model, analysis: analysis, assets: samples?.files, weightsFile: weightsFile, seed: seed)
        runSample()
    }

    /// Sends the current sample to the session (cancelling what it was computing).
    mutating func runSample() {
        guard let session, let sample else { return }
        session.run(sample)
    }

    /// Moves by `delta` samples in the data set (wrapping).
    mutating func moveSample(by delta: Int) {
        let count = sampleCount
        guard count > 0 else { return }
        fileSample = nil
        index = ((index + delta) % count + count) % count
        runSample()
    }

    /// Moves to the next (or previous) data set that has samples.
    mutating func moveDataset(by delta: Int) {
        let all = BundledDataset.allCases
        guard let at = all.firstIndex(of: dataset) else { return }
        for step in 1...all.count {
            let next = all[((at + delta * step) % all.count + all.count) % all.count]
            if (samples?.count(next) ?? 0) > 0 {
                dataset = next
                index = 0
                fileSample = nil
                runSample()
                return
            }
        }
    }

    // MARK: - Keys

    /// What the screen's keys do.
    public enum Action: Sendable {
        case nextLayer, previousLayer, firstLayer, lastLayer
        case channel(Move)
        case zoom, unzoom, kernels, scale, signed
        case sample(Int)
        case dataset(Int)
        case openFile, focusInput, focusMaps
        /// The unit cursor of a zoomed channel.
        case unit(Move)
        case explain(ExplainRun.Method)
        case closeExplanation
        /// Another of the top-5 classes to explain.
        case rank(Int)
        /// The occlusion square, larger or smaller.
        case patch(Int)
        /// The occlusion square's step, longer or shorter.
        case stride(Int)
        /// The effective receptive field of the sample, or averaged over samples.
        case average
    }

    /// A move over the channel grid: by cells, rows or pages.
    public enum Move: Sendable { case left, right, up, down, pageUp, pageDown }

    /// The keys while the channel grid has the focus.
    public static let mapKeys = KeyMap<Action>([
        KeyBinding(.characters("nj"), "n / p (j / k)", "next / previous layer, in execution order", hint: ("n/p", "layer"), .nextLayer),
        KeyBinding(.characters("pk"), "", "", .previousLayer),
        KeyBinding([.home], "Home / End (G)", "first / last layer", .firstLayer),
        KeyBinding([.end, .character("G")], "", "", .lastLayer),
        KeyBinding([.left, .character("h")], "← → ↑ ↓ (h l)", "choose a channel", hint: ("←→", "channel"), .channel(.left)),
        KeyBinding([.right, .character("l")], "", "", .channel(.right)),
        KeyBinding([.up], "", "", .channel(.up)),
        KeyBinding([.down], "", "", .channel(.down)),
        KeyBinding([.pageUp], "PgUp PgDn", "page of channels", .channel(.pageUp)),
        KeyBinding([.pageDown], "", "", .channel(.pageDown)),
        KeyBinding([.enter], "Enter", "zoom the channel, and back", hint: ("⏎", "zoom"), .zoom),
        KeyBinding([.escape], "Esc", "back to all channels", .unzoom),
        KeyBinding(.characters("w"), "w", "the layer's kernels (weights), and back", hint: ("w", "kernels"), .kernels),
        KeyBinding(.characters("s"), "s", "scale per layer / per channel", .scale),
        KeyBinding(.characters("d"), "d", "linear / signed (zero-centred) colours", .signed),
        KeyBinding(.characters("]"), "[ / ]", "previous / next sample", hint: ("[ ]", "sample"), .sample(1)),
        KeyBinding(.characters("["), "", "", .sample(-1)),
        KeyBinding(.characters("}"), "{ / }", "previous / next data set (\(BundledDataset.allCases.map(\.displayName).joined(separator: ", ")))", .dataset(1)),
        KeyBinding(.characters("{"), "", "", .dataset(-1)),
        KeyBinding(.characters("o"), "o", "open an image file (PNG, PGM, PPM)", .openFile),
        KeyBinding(
            .characters("i"), "i", "focus the input: ← → sample, ↑ ↓ data set; i or Esc back to the maps",
            hint: ("i", "input"), .focusInput),
        KeyBinding(
            .characters("e"), "e", "effective receptive field: the selected unit's gradient over the input (zoom a channel to pick the unit)",
            hint: ("e", "explain"), .explain(.erf)),
        KeyBinding(.characters("c"), "c", "Grad-CAM: where the predicted class looks, at this layer (or the last map)", .explain(.gradcam)),
        KeyBinding(.characters("g"), "g", "guided backpropagation of the predicted class to the input", .explain(.guided)),
        KeyBinding(.characters("x"), "x", "occlusion: the drop in the prediction as a grey square covers each place (+/- its size)", .explain(.occlusion)),
        KeyBinding(.characters("t"), "t", "top patches: the bundled samples that excite the channel most, and what its unit sees", .explain(.topPatches)),
    ])

    /// The keys of a zoomed channel, before the maps' own: the arrows move the unit cursor.
    public static let zoomKeys = KeyMap<Action>([
        KeyBinding([.left, .character("h")], "← → ↑ ↓ (h l)", "move the unit cursor", hint: ("←→↑↓", "unit"), .unit(.left)),
        KeyBinding([.right, .character("l")], "", "", .unit(.right)),
        KeyBinding([.up], "", "", .unit(.up)),
        KeyBinding([.down], "", "", .unit(.down)),
        KeyBinding([.pageUp], "PgUp PgDn", "previous / next channel", .channel(.left)),
        KeyBinding([.pageDown], "", "", .channel(.right)),
    ])

    /// The keys while an explanation is shown, before the maps' own.
    public static let explanationKeys = KeyMap<Action>([
        KeyBinding([.escape], "Esc", "back to the maps", hint: ("Esc", "maps"), .closeExplanation),
        KeyBinding(.characters("+="), "+ / -", "occlusion: a larger / smaller square", .patch(1)),
        KeyBinding(.characters("-"), "", "", .patch(-1)),
        KeyBinding(.characters(">"), "< / >", "occlusion: a shorter / longer step", .stride(1)),
        KeyBinding(.characters("<"), "", "", .stride(-1)),
        KeyBinding(
            .characters("a"), "a", "effective receptive field: averaged over \(averagedSamples) samples of the data set, and back",
            .average),
        KeyBinding([.down], "↑ ↓", "explain the next / previous of the top-5 classes (Grad-CAM, guided, occlusion)", .rank(1)),
        KeyBinding([.up], "", "", .rank(-1)),
    ])

    /// The keys while the input picture has the focus; the others act as on the maps.
    public static let inputKeys = KeyMap<Action>([
        KeyBinding([.left, .character("h")], "← → (h l)", "previous / next sample", hint: ("←→", "sample"), .sample(-1)),
        KeyBinding([.right, .character("l")], "", "", .sample(1)),
        KeyBinding([.up], "↑ ↓", "previous / next data set", hint: ("↑↓", "data set"), .dataset(-1)),
        KeyBinding([.down], "", "", .dataset(1)),
        KeyBinding([.escape, .character("i")], "i / Esc", "back to the maps", hint: ("i", "back to maps"), .focusMaps),
    ])

    /// The action of `key` in the current focus.
    public func action(for key: Key) -> Action? {
        if focus == .input, let action = Self.inputKeys.action(for: key) { return action }
        if explanation != nil, let action = Self.explanationKeys.action(for: key) { return action }
        if view == .zoomed, explanation == nil, let action = Self.zoomKeys.action(for: key) { return action }
        return Self.mapKeys.action(for: key)
    }

    /// The rows of the help overlay, the focus's own first.
    public var help: [KeyHelp.Entry] {
        (focus == .input ? Self.inputKeys.help + [("", "")] : []) + (explanation != nil ? Self.explanationKeys.help + [("", "")] : [])
            + (view == .zoomed ? Self.zoomKeys.help + [("", "")] : []) + Self.mapKeys.help
    }

    /// The hint line's entries for the current focus.
    public var hints: [KeyHelp.Entry] {
        if focus == .input { return Self.inputKeys.hints + [("n/p", "layer")] }
        if explanation != nil { return Self.explanationKeys.hints + Self.mapKeys.hints }
        // Zoomed, the arrows move the unit, not the channel.
        return view == .zoomed ? Self.zoomKeys.hints + Self.mapKeys.hints.filter { $0.0 != "←→" } : Self.mapKeys.hints
    }

    /// Performs `action` on `layer` of `analysis`, the grid laid out as `grid` (nil when the
    /// layer has none); returns the layer to select when the action moves to another one.
    mutating func perform(_ action: Action, analysis: ModelAnalysis, layer: Int, grid: (count: Int, layout: ChannelGridLayout)?) -> Int? {
        let last = analysis.graph.layers.count - 1
        switch action {
        // The input has no row of its own in the graph; the first layer is 1.
        case .nextLayer: return min(layer + 1, last)
        case .previousLayer: return max(layer - 1, 1)
        case .firstLayer: return 1
        case .lastLayer: return last
        case .channel(let move):
            guard let grid else { return nil }
            let step: Int
            switch move {
            case .left: step = -1
            case .right: step = 1
            case .up: step = -grid.layout.columns
            case .down: step = grid.layout.columns
            case .pageUp: step = -grid.layout.tilesPerPage
            case .pageDown: step = grid.layout.tilesPerPage
            }
            channel = min(max(channel + step, 0), grid.count - 1)
        case .zoom:
            switch view {
            case .channels: view = .zoomed
            case .zoomed: view = .channels
            case .kernels: break
            }
        case .unzoom: view = .channels
        case .kernels:
            view = view == .kernels ? .channels : .kernels
            channel = 0
        case .scale: perLayerScale.toggle()
        case .signed: signed.toggle()
        case .sample(let delta): moveSample(by: delta)
        case .dataset(let delta): moveDataset(by: delta)
        case .openFile: pathPrompt = ""
        case .focusInput: focus = .input
        case .focusMaps: focus = .maps
        case .unit(let move):
            let shape = analysis.layers[layer].outputShape
            switch move {
            case .left: unitX = max(unitX - 1, 0)
            case .right: unitX = min(unitX + 1, max(shape.width - 1, 0))
            case .up: unitY = max(unitY - 1, 0)
            case .down: unitY = min(unitY + 1, max(shape.height - 1, 0))
            case .pageUp, .pageDown: break
            }
        case .explain(let method):
            explanation = method
            explainedRank = 0
        case .rank(let step): explainedRank = min(max(explainedRank + step, 0), 4)
        case .closeExplanation: explanation = nil
        case .patch(let step): occlusionPatch = min(max(occlusionPatch + 2 * step, 2), 64)
        case .stride(let step): occlusionStride = min(max(occlusionStride + step, 1), 64)
        case .average: erfSamples = erfSamples > 1 ? 1 : Self.averagedSamples
        }
        return nil
    }
}
