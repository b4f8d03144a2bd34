import CNNData
import CNNModel
import CNNRuntime
import CNNZoo
import Foundation

/// What keys do: overlays first, then keys every screen shares, then the screen's own.
extension AppState {
    public mutating func handle(_ key: Key) {
        if key == .resize { return }
        status = nil
        if case .ctrl("c") = key {
            shouldQuit = true
            interrupted = true
            return
        }
        // Nothing can be seen to change while the screen only asks for more room.
        if isTooSmall {
            if key == .character("q") { shouldQuit = true }
            return
        }
        if let overlay {
            handleOverlay(overlay, key)
            return
        }
        if screen == .graph && graph.searching {
            handleSearchTyping(key)
            return
        }
        if screen == .featureMaps && featureMaps.pathPrompt != nil {
            handlePathTyping(key)
            return
        }
        if screen == .calculator && calculator.captures(key) {
            calculator.handle(key)
            return
        }
        switch key {
        case .character("q"): shouldQuit = true
        case .character("?"): overlay = .help(scroll: 0)
        case .character("m"): overlay = .picker(ModelPicker(selecting: model.name))
        case .tab: switchScreen(to: ScreenID(rawValue: screen.rawValue % ScreenID.allCases.count + 1)!)
        case .backTab: switchScreen(to: ScreenID(rawValue: (screen.rawValue + ScreenID.allCases.count - 2) % ScreenID.allCases.count + 1)!)
        case .character(let c) where ("1"..."4").contains(c): switchScreen(to: ScreenID(rawValue: Int(String(c))!)!)
        default:
            switch screen {
            case .graph:
                if let action = GraphBrowser.keys.action(for: key) {
                    switch action {
                    case .delete: deleteSelectedLayer()
                    case .edit: editSelectedLayer()
                    case .save: overlay = .save(path: suggestedSavePath)
                    case .add: overlay = .add(line: "")
                    case .undo: undo()
                    case .sort: cycleSort()
                    case .counts: overlay = .report(countsPanel(target: model.published?.cost != nil ? .paper : .fvcore))
                    default: status = graph.perform(action, pageHeight: graphLayout.listRows)
                    }
                }
            case .receptiveField:
                if let action = receptiveField.action(for: key) {
                    receptiveField.perform(action, pageHeight: receptiveFieldLayout.tableRows)
                }
            case .calculator: calculator.handle(key)
            case .featureMaps: handleFeatureMaps(key)
            }
        }
        graph.scrollToSelection(pageHeight: graphLayout.listRows)
        receptiveField.scrollToSelection(pageHeight: receptiveFieldLayout.tableRows)
    }

    /// The frame's geometry for the current terminal size.
    public var layout: AppLayout { AppLayout(width: size.width, height: size.height) }

    /// The graph screen's geometry, for paging and scrolling its list.
    var graphLayout: GraphScreen.Layout { GraphScreen.Layout(body: layout.body) }

    /// The receptive-field screen's geometry, for paging its table.
    var receptiveFieldLayout: ReceptiveFieldScreen.Layout {
        ReceptiveFieldScreen.Layout(body: layout.body, comparing: receptiveField.focus == .comparison)
    }

    /// Shows another screen. The graph, receptive-field and feature-map screens share the
    /// selected layer: the graph holds it, and the receptive-field table takes it when it shows
    /// and gives it back when it is left.
    public mutating func switchScreen(to next: ScreenID) {
        if screen == .receptiveField, next != .receptiveField, let layer = receptiveField.selectedLayer {
            graph.reveal(layer: layer)
        }
        if next == .receptiveField, screen != .receptiveField, let layer = graph.selectedLayer {
            receptiveField.select(layer: layer)
            receptiveField.scrollToSelection(pageHeight: receptiveFieldLayout.tableRows)
        }
        screen = next
        if next == .featureMaps { startEngine() }
    }

    private mutating func handleSearchTyping(_ key: Key) {
        switch key {
        case .escape:
            graph.searching = false
            graph.query = ""
        case .enter:
            graph.searching = false
            let count = graph.matches.count
            status =
                count == 0
                ? "No layer matches '\(graph.query)'"
                : "\(count) match\(count == 1 ? "" : "es") for '\(graph.query)': n next, N previous"
        case .backspace:
            if !graph.query.isEmpty { graph.query.removeLast() }
            _ = graph.jumpToMatch(forward: true, includeCurrent: true)
        case .character(let c):
            graph.query.append(c)
            _ = graph.jumpToMatch(forward: true, includeCurrent: true)
        default: break
        }
    }

    private mutating func handleOverlay(_ current: Overlay, _ key: Key) {
        switch current {
        case .help(let scroll):
            switch key {
            case .escape, .character("?"), .character("q"), .enter: overlay = nil
            case .down, .character("j"): overlay = .help(scroll: scroll + 1)
            case .up, .character("k"): overlay = .help(scroll: max(scroll - 1, 0))
            default: break
            }
        case .picker(var picker):
            switch key {
            case .escape: overlay = nil
            case .tab:
                // The open model against the chosen one.
                guard let chosen = picker.chosen else { return }
                do {
                    let other = try chosen.analysis()
                    overlay = .report(ReportPanel.compare((model.name, analysis), with: (chosen.name, other)))
                } catch {
                    status = "\(chosen.name): \(error)"
                }
            case .enter:
                overlay = nil
                if let chosen = picker.chosen {
                    open(chosen)
                } else if ModelFile.isFile(picker.filter) {
                    // A path typed where no zoo name matches: the user's own file.
                    do { open(try ModelFile.load(picker.filter)) } catch { status = "\(error)" }
                }
            default:
                picker.handle(key)
                overlay = .picker(picker)
            }
        case .edit(var editor):
            switch LayerEditor.keys.action(for: key) {
            case .cancel:
                overlay = nil
                return
            case .up: editor.move(by: -1)
            case .down: editor.move(by: 1)
            case .erase: editor.erase()
            case .apply:
                applyEdit(editor)
                return
            case nil:
                if case .character(let ch) = key { editor.type(ch) }
            }
            overlay = .edit(editor)
        case .add(var line):
            switch key {
            case .escape: overlay = nil
            case .enter:
                overlay = nil
                addLayer(line)
            case .backspace: overlay = .add(line: String(line.dropLast()))
            case .character(let ch):
                line.append(ch)
                overlay = .add(line: line)
            default: break
            }
        case .save(var path):
            switch key {
            case .escape: overlay = nil
            case .enter:
                overlay = nil
                save(to: path)
            case .backspace: overlay = .save(path: String(path.dropLast()))
            case .character(let ch):
                path.append(ch)
                overlay = .save(path: path)
            default: break
            }
        case .report(let panel): handleReport(panel, key)
        }
    }

    // MARK: - Feature maps

    /// The feature-map screen's geometry.
    var featureMapsLayout: FeatureMapsScreen.Layout { FeatureMapsScreen.Layout(body: layout.body) }

    /// Channels (or kernels) the main area pages through, and the grid they are laid out in.
    private func featureMapsGrid() -> (count: Int, layout: ChannelGridLayout)? {
        let id = selectedLayer ?? 0
        let shape = analysis.layers[id].outputShape
        let area = featureMapsLayout.grid
        switch featureMaps.view {
        case .kernels:
            // One tile per output filter and input channel of the weight, as the screen draws them.
            guard case .conv2d(let c) = analysis.graph.layers[id].op,
                let weight = analysis.parameterTensors(of: id).first(where: { $0.role == .weight })
            else { return nil }
            let count = weight.shape[0] * weight.shape[1]
            return (count, ChannelGrid(mapSize: c.kernel, channels: count).layout(in: area, theme: theme))
        case .channels, .zoomed:
            guard shape.isSpatial, shape.height * shape.width > 1 else { return nil }
            return (shape.channels, ChannelGrid(mapSize: shape.spatial, channels: shape.channels).layout(in: area, theme: theme))
        }
    }

    private mutating func handleFeatureMaps(_ key: Key) {
        guard let action = featureMaps.action(for: key) else { return }
        let current = selectedLayer ?? 0
        if let layer = featureMaps.perform(action, analysis: analysis, layer: current, grid: featureMapsGrid()) {
            graph.reveal(layer: layer)
            if let grid = featureMapsGrid() { featureMaps.channel = min(featureMaps.channel, grid.count - 1) }
            // The unit cursor starts at the new map's centre.
            let shape = analysis.layers[layer].outputShape
            (featureMaps.unitY, featureMaps.unitX) = (shape.height / 2, shape.width / 2)
        }
        if case .explain = action, featureMaps.view != .zoomed {
            let shape = analysis.layers[current].outputShape
            (featureMaps.unitY, featureMaps.unitX) = (shape.height / 2, shape.width / 2)
        }
        refreshExplanation()
    }

    private mutating func handlePathTyping(_ key: Key) {
        switch key {
        case .escape:
            featureMaps.pathPrompt = nil
        case .enter:
            // ~ as a shell would read it.
            let path = NSString(string: featureMaps.pathPrompt ?? "").expandingTildeInPath
            featureMaps.pathPrompt = nil
            do {
                let image = try ImageFiles.read(path: path)
                featureMaps.fileSample = Sample(image: image, name: path)
                featureMaps.runSample()
                status = "Opened \(path) (\(image.width)x\(image.height))"
            } catch {
                status = "\(error)"
            }
        case .backspace:
            if featureMaps.pathPrompt?.isEmpty == false { featureMaps.pathPrompt?.removeLast() }
        case .character(let c):
            featureMaps.pathPrompt?.append(c)
        default:
            break
        }
    }
}

extension AppState {
    /// `s` on the graph screen: the graph, then the layers by params, mult-adds, activation size
    /// and receptive field, largest first, then the graph again.
    mutating func cycleSort() {
        let all: [LayerOrder?] = [nil] + LayerOrder.allCases.map { $0 }
        let next = all[((all.firstIndex(of: graph.order) ?? 0) + 1) % all.count]
        graph.sort(next, layers: next.map { $0.sorted(analysis) } ?? [])
        status = next.map { "Layers by \($0.title), largest first: s for the next order" } ?? "The graph again"
    }
}

extension AppState {
    /// The counting panel for the open model, reconciling torchinfo's count with `target`'s.
    func countsPanel(target: CountConvention) -> ReportPanel {
        ReportPanel.counts(model, analysis, target: target)
    }

    /// Keys of a report panel: scroll, sideways (the counts panel: the next convention), close.
    mutating func handleReport(_ panel: ReportPanel, _ key: Key) {
        var panel = panel
        let page = ReportPanelOverlay.rows(self)
        switch key {
        case .escape, .character("q"), .character("c"):
            overlay = nil
            return
        case .up, .character("k"): panel.scroll(by: -1, page: page)
        case .down, .character("j"): panel.scroll(by: 1, page: page)
        case .pageUp: panel.scroll(by: -page, page: page)
        case .pageDown, .character(" "): panel.scroll(by: page, page: page)
        case .home, .character("g"): panel.scroll(by: -panel.lines.count, page: page)
        case .end, .character("G"): panel.scroll(by: panel.lines.count, page: page)
        case .left, .right, .character("h"), .character("l"):
            let step = key == .left || key == .character("h") ? -1 : 1
            if case .counts(let target) = panel.kind {
                let targets = CountConvention.allCases.filter { $0 != .torchinfo }
                let index = ((targets.firstIndex(of: target) ?? 0) + step + targets.count) % targets.count
                panel = countsPanel(target: targets[index])
            } else {
                panel.shift(by: 8 * step)
            }
        default: break
        }
        overlay = .report(panel)
    }
}
