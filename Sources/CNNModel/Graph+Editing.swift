/// "What if": the graph with one layer changed, removed or added. Each returns a new graph
/// (layers renumbered, readers rewired); whether its shapes still work is for `ModelAnalysis`
/// to say.
extension Graph {
    /// Why an edit cannot be made at all (before any shape is looked at).
    public struct EditError: Error, Hashable, Sendable, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// The graph with layer `id` computing `op` instead (its name, inputs and block kept).
    public func replacing(_ id: Int, with op: Op) throws(EditError) -> Graph {
        guard layers.indices.contains(id), layers[id].op != .input else { throw EditError("the input cannot be changed this way") }
        var changed = layers
        let old = layers[id]
        changed[id] = Layer(id: id, name: old.name, op: op, inputs: old.inputs, block: old.block, module: old.module)
        return Graph(name: name, layers: changed, blocks: blocks)
    }

    /// The graph without layer `id`: whatever read it reads its input instead. A layer that
    /// merges several inputs (an add, a concatenation) cannot go: its readers would not know
    /// which one to read.
    public func removing(_ id: Int) throws(EditError) -> Graph {
        guard layers.indices.contains(id) else { throw EditError("no such layer") }
        let layer = layers[id]
        guard layer.op != .input else { throw EditError("the input cannot be deleted") }
        guard layer.inputs.count == 1, let source = layer.inputs.first else {
            throw EditError("\(layer.name) merges \(layer.inputs.count) inputs: deleting it would leave its readers without one")
        }
        var kept: [Layer] = []
        for other in layers where other.id != id {
            let inputs = other.inputs.map { $0 == id ? source : $0 }.map { $0 > id ? $0 - 1 : $0 }
            kept.append(Layer(id: kept.count, name: other.name, op: other.op, inputs: inputs, block: other.block, module: other.module))
        }
        return Graph(name: name, layers: kept, blocks: blocks).withoutEmptyBlocks()
    }

    /// The graph with a new layer computing `op` right after `id`, in its block, reading it;
    /// what read `id` reads the new layer. Named `local` in that block (made unique with `:2`...).
    public func inserting(_ op: Op, named local: String, after id: Int) throws(EditError) -> Graph {
        guard layers.indices.contains(id) else { throw EditError("no such layer") }
        guard op != .input else { throw EditError("a graph has one input") }
        let anchor = layers[id]
        let prefix = anchor.block.map { blocks[$0].name + "." } ?? ""
        let taken = Set(layers.map(\.name))
        var name = prefix + local
        var call = 1
        while taken.contains(name) {
            call += 1
            name = "\(prefix)\(local):\(call)"
        }
        let newID = id + 1
        func moved(_ old: Int) -> Int { old < newID ? old : old + 1 }
        var result: [Layer] = []
        for other in layers {
            // Readers of the anchor read the new layer; everything after it moves one place on.
            let inputs = other.inputs.map { $0 == id ? newID : moved($0) }
            result.append(Layer(id: moved(other.id), name: other.name, op: other.op, inputs: inputs, block: other.block, module: other.module))
            if other.id == id {
                let module = call == 1 || op.hasParameters ? name : nil
                result.append(Layer(id: newID, name: name, op: op, inputs: [id], block: anchor.block, module: module))
            }
        }
        return Graph(name: self.name, layers: result, blocks: blocks)
    }

    /// Blocks that no longer hold a layer (directly or through a nested block) dropped, ids renumbered.
    func withoutEmptyBlocks() -> Graph {
        var used = Set<Int>()
        for layer in layers {
            var block = layer.block
            while let id = block, !used.contains(id) {
                used.insert(id)
                block = blocks[id].parent
            }
        }
        guard used.count < blocks.count else { return self }
        var renumbered: [Int: Int] = [:]
        var kept: [Block] = []
        for block in blocks where used.contains(block.id) {
            renumbered[block.id] = kept.count
            kept.append(Block(id: kept.count, name: block.name, type: block.type, parent: block.parent.flatMap { renumbered[$0] }, depth: block.depth))
        }
        let relinked = layers.map {
            Layer(id: $0.id, name: $0.name, op: $0.op, inputs: $0.inputs, block: $0.block.flatMap { renumbered[$0] }, module: $0.module)
        }
        return Graph(name: name, layers: relinked, blocks: kept)
    }
}
