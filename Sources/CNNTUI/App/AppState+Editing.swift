import CNNImport
import CNNModel
import CNNRuntime
import CNNZoo
import Foundation

/// "What if": edits of the network in the browser. Each makes a new graph, analysed at once:
/// shapes, parameters, mult-adds, fields and the status bar follow; an edit that makes some
/// layer impossible is refused with that layer and the reason, and nothing changes. `u` undoes.
extension AppState {
    /// What an edit replaced, to go back to.
    public struct EditStep {
        let model: ZooModel
        let analysis: ModelAnalysis
        let graph: GraphBrowser
    }

    /// Deletes the layer under the cursor (a block row: its last layer).
    mutating func deleteSelectedLayer() {
        guard let id = selectedLayer else { return }
        let name = analysis.graph.layers[id].name
        apply("Deleted \(name)") { graph throws(Graph.EditError) in try graph.removing(id) }
    }

    /// Opens the editor on the layer under the cursor (one with settings).
    mutating func editSelectedLayer() {
        guard let id = selectedLayer else { return }
        guard let editor = LayerEditor(layer: id, in: analysis.graph) else {
            status = "\(analysis.graph.layers[id].name) has no settings to edit (d deletes it)"
            return
        }
        overlay = .edit(editor)
    }

    /// Makes the editor's settings the layer's; a setting out of range stays in the editor with
    /// the reason, an edit the rest of the network cannot take is refused and the editor closes.
    mutating func applyEdit(_ editor: LayerEditor) {
        let op: Op
        do {
            op = try editor.op()
        } catch {
            var kept = editor
            kept.problem = error.problem
            overlay = .edit(kept)
            return
        }
        overlay = nil
        guard let original = LayerEditor(layer: editor.layer, in: analysis.graph) else { return }
        let changes = editor.changes(from: original)
        guard !changes.isEmpty else {
            status = "\(editor.name) unchanged"
            return
        }
        apply("Edited \(editor.name): \(changes)") { graph throws(Graph.EditError) in try graph.replacing(editor.layer, with: op) }
    }

    /// Makes `edit` of the graph, or says why not.
    public mutating func apply(_ done: String, _ edit: (Graph) throws(Graph.EditError) -> Graph) {
        let next: Graph
        do {
            next = try edit(analysis.graph)
        } catch {
            status = "Cannot: \(error)"
            return
        }
        let nextAnalysis: ModelAnalysis
        do {
            nextAnalysis = try ModelAnalysis(graph: next, input: analysis.input)
        } catch {
            status = "Refused, nothing changed: \(error)"
            return
        }
        edits.append(EditStep(model: model, analysis: analysis, graph: graph))
        let changed = Self.changedLayers(from: analysis, to: nextAnalysis)
        install(model.edited(next), nextAnalysis, graph.replacing(graph: next, changed: changed))
        // Short enough for an 80-column status line with a long layer name.
        let others = changed.isEmpty ? "nothing else changed" : "\(changed.count) changed (*)"
        status = "\(done) · \(others) · u undoes"
    }

    /// Adds the layer `line` describes (`NAME: KIND key=value ...`, as in a model file) after the
    /// layer under the cursor; what read that layer reads the new one.
    mutating func addLayer(_ line: String) {
        guard let id = selectedLayer else { return }
        let op: Op
        let name: String
        do {
            (name, op) = try ModelText.layer(line, what: "the new layer")
        } catch {
            status = "Not added: \(error.problem)"
            return
        }
        apply("Added \(name) after \(analysis.graph.layers[id].name)") { graph throws(Graph.EditError) in
            try graph.inserting(op, named: name, after: id)
        }
    }

    /// Where `W` offers to save: beside the model's file, or in the current folder.
    var suggestedSavePath: String {
        let base = (model.file.map { URL(fileURLWithPath: $0).deletingPathExtension().path } ?? model.name)
        return base + (edits.isEmpty ? "" : "-edited") + ".cnn"
    }

    /// Writes the network (edits included) as a model file, atomically; says where, or why not.
    mutating func save(to path: String) {
        guard !path.isEmpty else {
            status = "Not saved: no file name"
            return
        }
        let file = OutputFile(path)
        do {
            try file.check()
            if path.lowercased().hasSuffix(".onnx") {
                let (data, weights) = try ModelFile.onnx(model, analysis: analysis, assets: featureMaps.samples?.files)
                try file.write { temporary in try data.write(to: URL(fileURLWithPath: temporary)) }
                status = "Saved \(path) (ONNX, \(weights))"
            } else {
                let text = ModelText.write(analysis.graph, input: analysis.input, title: model.title)
                try file.write { temporary in try text.write(toFile: temporary, atomically: false, encoding: .utf8) }
                status = "Saved \(path) (a model file: cnn-tui \(path) opens it)"
            }
        } catch {
            status = "Not saved: \(error)"
        }
    }

    /// Goes back one edit.
    mutating func undo() {
        guard let step = edits.popLast() else {
            status = "Nothing to undo"
            return
        }
        install(step.model, step.analysis, step.graph)
        status = "Undone" + (edits.isEmpty ? "" : "; \(edits.count) more to undo")
    }

    /// Makes `analysis` the one every screen shows.
    private mutating func install(_ nextModel: ZooModel, _ nextAnalysis: ModelAnalysis, _ browser: GraphBrowser) {
        model = nextModel
        analysis = nextAnalysis
        graph = browser
        let selected = receptiveField.selected
        receptiveField = ReceptiveFieldScreenState(analysis: nextAnalysis)
        receptiveField.select(row: selected)
        // The engine and the explanations start again on the edited graph (their layers are its).
        featureMaps.session = nil
        featureMaps.explanations = nil
        featureMaps.explanationKey = ""
        if screen == .featureMaps { startEngine() }
    }

    /// Layers of `next` that are new or whose shape, counts or field differ from the layer of the
    /// same name in `previous`.
    static func changedLayers(from previous: ModelAnalysis, to next: ModelAnalysis) -> Set<Int> {
        var before: [String: LayerAnalysis] = [:]
        for layer in previous.graph.layers { before[layer.name] = previous.layers[layer.id] }
        var changed = Set<Int>()
        for layer in next.graph.layers {
            let now = next.layers[layer.id]
            guard let old = before[layer.name], old.outputShape == now.outputShape, old.params == now.params, old.macs == now.macs,
                old.receptiveField == now.receptiveField, previous.graph.layer(named: layer.name)?.op == layer.op
            else {
                changed.insert(layer.id)
                continue
            }
        }
        return changed
    }
}
