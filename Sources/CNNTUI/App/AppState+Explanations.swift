import CNNData
import CNNModel
import CNNRuntime

/// The feature-map screen's explanations: what the screen's state asks for, sent to the
/// background session when it changes.
extension AppState {
    /// The request the shown explanation stands for: the method on the selected layer, channel
    /// and unit (the map's centre unless a channel is zoomed), the current sample as fed; nil
    /// when no explanation is shown.
    func explanationRequest() -> ExplanationSession.Request? {
        let maps = featureMaps
        guard let method = maps.explanation, let sample = maps.sample, let layer = selectedLayer,
            SizeLimits.allows([1] + analysis.input.dims)
        else { return nil }
        let input = ModelInput.tensor(sample.image, shape: analysis.input, labels: model.labels).values
        let source: InferenceRun.Input = maps.fileSample == nil ? .sample(SampleID(maps.dataset, maps.index)) : .random(seed: 0)
        var settings = ExplainRun.Settings(input: source, method: method)
        settings.dataset = maps.dataset
        let shape = analysis.layers[layer].outputShape
        let isMap = shape.isSpatial && shape.height * shape.width > 1
        let name = analysis.graph.layers[layer].name
        switch method {
        case .erf, .topPatches: settings.layer = name
        case .gradcam: settings.layer = isMap ? name : nil
        case .guided, .occlusion: break
        }
        settings.channel = min(maps.channel, max(shape.channels - 1, 0))
        settings.unit = maps.view == .zoomed ? (maps.unitY, maps.unitX) : nil
        // The class: the prediction, or the one ↑ ↓ picked among the top 5.
        if let scores = maps.engine?.output(analysis.graph.layers.count - 1)?.values, maps.explainedRank > 0 {
            let ranked = scores.indices.sorted { scores[$0] > scores[$1] }
            settings.classIndex = ranked[min(maps.explainedRank, ranked.count - 1)]
        }
        settings.patch = maps.occlusionPatch
        if method == .erf { settings.samples = maps.erfSamples }
        settings.stride = maps.occlusionStride
        return ExplanationSession.Request(settings: settings, input: input)
    }

    /// Sends the shown explanation's request to the session when it differs from the last one.
    mutating func refreshExplanation() {
        guard let request = explanationRequest() else { return }
        let s = request.settings
        let key =
            "\(model.name) \(s.method) \(s.layer ?? "-") \(s.channel ?? 0) \(s.unit.map { "\($0.y),\($0.x)" } ?? "centre") "
            + "\(s.patch) \(s.stride) \(s.samples) \(s.classIndex.map(String.init) ?? "top") \(featureMaps.sample?.name ?? "") \(s.dataset?.rawValue ?? "")"
        guard key != featureMaps.explanationKey else { return }
        featureMaps.explanationKey = key
        if featureMaps.explanations == nil {
            featureMaps.explanations = ExplanationSession(
                model: model, analysis: analysis, assets: featureMaps.samples?.files, weightsFile: featureMaps.weightsFile,
                seed: featureMaps.seed)
        }
        featureMaps.explanations?.request(request)
    }
}
