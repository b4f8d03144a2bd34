/// Screen 4, reserved for the feature maps: they need the inference engine, which cnn-tui does
/// not have yet. The screen says so rather than showing anything made up.
public enum FeatureMapsScreen {
    public static func render(_ state: AppState, area: Rect, into canvas: inout Canvas) {
        let theme = state.theme
        let inner = Frame(title: "Feature maps").render(area: area, into: &canvas, theme: theme)
        let lines = [
            "Feature maps are not available yet.",
            "",
            "This screen will run a forward pass of \(state.model.title) on sample images",
            "and show each layer's output channels as heatmaps. It needs cnn-tui's own",
            "inference engine, which is not part of this version.",
        ]
        for (i, line) in lines.enumerated() {
            let y = inner.y + inner.height / 2 - 2 + i
            canvas.put(line, x: inner.x + max(0, (inner.width - displayWidth(line)) / 2), y: y, style: i == 0 ? theme.title : theme.dim, clip: inner)
        }
    }
}
