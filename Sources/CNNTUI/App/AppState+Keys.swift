import Foundation
import CNNData
import CNNModel
import CNNRuntime
import CNNZoo

/// What keys do: overlays first, then keys every screen shares, then the screen's own.
extension AppState {
    public mutating func handle(_ key: Key) {
        if key == .resize { return }
        status = nil
        if case .ctrl("c") = key { shouldQuit = true; return }
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
            case .featureMaps: handleFeatureMaps(key)
            }
        }
    }

    /// Rows of the main table on screen (for paging); depends only on the terminal size.
    public var pageHeight: Int { max(1, size.height - 6) }

    /// Shows another screen, carrying the selected layer across.
    public mutating func switchScreen(to next: ScreenID) {
        // The graph and receptive-field screens share the selected layer.
        if screen == .graph, next == .receptiveField, let layer = graph.selectedLayer {
            receptiveField.select(layer: layer, pageHeight: pageHeight)
        }
        if screen == .receptiveField, next == .graph, let layer = receptiveField.selectedLayer {
            graph.reveal(layer: layer, pageHeight: pageHeight)
        }
        screen = next
        if next == .featureMaps { startEngine() }
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

    // MARK: - Feature maps

    /// Channels (or kernels) the main area pages through, and the grid they are laid out in.
    private func featureMapsGrid() -> (count: Int, layout: ChannelGridLayout)? {
        let id = selectedLayer ?? 0
        let shape = analysis.layers[id].outputShape
        let area = FeatureMapsScreen.gridArea(size: size)
        switch featureMaps.view {
        case .kernels:
            let layer = analysis.graph.layers[id]
            guard case .conv2d(let c) = layer.op else { return nil }
            let count = c.filters * (analysis.layers[id].inputShapes[0].channels / c.groups)
            return (count, ChannelGrid(mapSize: c.kernel, channels: count).layout(in: area, theme: theme))
        case .channels, .zoomed:
            guard shape.isSpatial, shape.height * shape.width > 1 else { return nil }
            return (shape.channels, ChannelGrid(mapSize: shape.spatial, channels: shape.channels).layout(in: area, theme: theme))
        }
    }

    /// Selects `layer` for every screen (the graph opens the blocks around it).
    private mutating func selectLayer(_ layer: Int) {
        graph.reveal(layer: layer, pageHeight: pageHeight)
        if let grid = featureMapsGrid() { featureMaps.channel = min(featureMaps.channel, grid.count - 1) }
    }

    private mutating func moveChannel(by delta: Int) {
        guard let grid = featureMapsGrid() else { return }
        featureMaps.channel = min(max(featureMaps.channel + delta, 0), grid.count - 1)
    }

    private mutating func handleFeatureMaps(_ key: Key) {
        let last = analysis.graph.layers.count - 1
        let current = selectedLayer ?? 0
        let columns = featureMapsGrid()?.layout.columns ?? 1
        let page = featureMapsGrid()?.layout.tilesPerPage ?? 1
        if featureMaps.focus == .input {
            switch key {
            case .left, .character("h"): featureMaps.moveSample(by: -1); return
            case .right, .character("l"): featureMaps.moveSample(by: 1); return
            case .up: featureMaps.moveDataset(by: -1); return
            case .down: featureMaps.moveDataset(by: 1); return
            case .escape, .character("i"): featureMaps.focus = .maps; return
            default: break
            }
        }
        switch key {
        case .character("i"): featureMaps.focus = .input
        case .character("n"), .character("j"): selectLayer(min(current + 1, last))
        // The input has no row of its own in the graph; the first layer is 1.
        case .character("p"), .character("k"): selectLayer(max(current - 1, 1))
        case .home, .character("g"): selectLayer(1)
        case .end, .character("G"): selectLayer(last)
        case .left, .character("h"): moveChannel(by: -1)
        case .right, .character("l"): moveChannel(by: 1)
        case .up: moveChannel(by: -columns)
        case .down: moveChannel(by: columns)
        case .pageUp: moveChannel(by: -page)
        case .pageDown: moveChannel(by: page)
        case .enter:
            switch featureMaps.view {
            case .channels: featureMaps.view = .zoomed
            case .zoomed: featureMaps.view = .channels
            case .kernels: break
            }
        case .escape: featureMaps.view = .channels
        case .character("w"):
            featureMaps.view = featureMaps.view == .kernels ? .channels : .kernels
            featureMaps.channel = 0
        case .character("s"): featureMaps.perLayerScale.toggle()
        case .character("d"): featureMaps.signed.toggle()
        case .character("]"): featureMaps.moveSample(by: 1)
        case .character("["): featureMaps.moveSample(by: -1)
        case .character("}"): featureMaps.moveDataset(by: 1)
        case .character("{"): featureMaps.moveDataset(by: -1)
        case .character("o"): featureMaps.pathPrompt = ""
        default: break
        }
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
