import CNNModel
import Foundation

extension ModelText {
    /// The graph as a model file, at `input`.
    public static func write(_ graph: Graph, input: TensorShape, title: String? = nil) -> String {
        var lines = ["# cnn-tui model file: one layer per line (see `cnn-tui export --help`)", "model \(quoted(title ?? graph.name))", "input \(input)"]
        var open: [Int] = []  // block ids, outermost first
        var defined: [String: Int] = ["input": 0]
        for layer in graph.layers {
            defer { defined[layer.name] = layer.id }
            if case .input = layer.op { continue }
            let path = graph.blockPath(layer.block).map(\.id)
            var common = 0
            while common < min(open.count, path.count) && open[common] == path[common] { common += 1 }
            while open.count > common {
                open.removeLast()
                lines.append(String(repeating: "  ", count: open.count) + "}")
            }
            for id in path.dropFirst(common) {
                let block = graph.blocks[id]
                let local = block.parent.map { String(block.name.dropFirst(graph.blocks[$0].name.count + 1)) } ?? block.name
                lines.append(String(repeating: "  ", count: open.count) + "block \(local) \(block.type) {")
                open.append(id)
            }
            let indent = String(repeating: "  ", count: open.count)
            let prefix = layer.block.map { graph.blocks[$0].name + "." } ?? ""
            let local = layer.name.hasPrefix(prefix) ? String(layer.name.dropFirst(prefix.count)) : layer.name
            var line = indent + local + ": " + describe(layer.op)
            let kind = kindName(layer.op)
            let base = layer.name.split(separator: ":").first.map(String.init) ?? layer.name
            if functionalKinds.contains(kind), layer.module == base { line += " module" }
            if !functionalKinds.contains(kind), layer.module == nil { line += " functional" }
            if layer.inputs != [layer.id - 1] {  // a layer reads the one before unless it says
                line += " < " + layer.inputs.map { reference(to: $0, from: open, in: graph, defined: defined) }.joined(separator: ", ")
            }
            lines.append(line)
        }
        while !open.isEmpty {
            open.removeLast()
            lines.append(String(repeating: "  ", count: open.count) + "}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// An op as the model file writes it: its kind and its settings in order, defaults included
    /// (`conv`, [filters 64, kernel 3, stride 1, padding 1, dilation 1, groups 1, bias true]):
    /// what a layer editor shows. Nil for the input.
    public static func settings(of op: Op) -> (kind: String, settings: [(key: String, value: String)])? {
        let kind = kindName(op)
        switch op {
        case .input: return nil
        case .conv2d(let c):
            return (
                kind,
                [
                    ("filters", "\(c.filters)"), ("kernel", size(c.kernel)), ("stride", size(c.stride)), ("padding", padding(c.padding)),
                    ("dilation", size(c.dilation)), ("groups", "\(c.groups)"), ("bias", "\(c.bias)"),
                ]
            )
        case .dense(let d):
            return (kind, [("units", "\(d.outFeatures)"), ("bias", "\(d.bias)"), ("per_position", "\(d.perPosition)")])
        case .pool(let p):
            return (kind, [("pool", size(p.kernel)), ("stride", size(p.stride)), ("padding", padding(p.padding)), ("ceil", "\(p.ceilMode)")])
        case .dropout(let p), .stochasticDepth(let p):
            return (kind, [("rate", number(p))])
        case .batchNorm(let bn):
            return (kind, [("eps", number(bn.epsilon)), ("momentum", number(bn.momentum))])
        case .layerNorm(let ln):
            return (kind, [("eps", number(ln.epsilon))])
        case .adaptiveAvgPool(let s):
            return (kind, [("size", size(s))])
        case .zeroPad(let pad), .crop(let pad):
            return (kind, [("padding", pad4(pad))])
        case .localResponseNorm(let n):
            return (kind, [("size", "\(n.size)"), ("alpha", number(n.alpha)), ("beta", number(n.beta)), ("k", number(n.k))])
        case .globalAvgPool(let keep), .globalMaxPool(let keep):
            return (kind, [("keepdims", "\(keep)")])
        case .activation(.leakyRelu(let slope)):
            return (kind, [("slope", number(slope))])
        case .affine(let scale, let shift):
            return (kind, [("scale", number(scale)), ("shift", number(shift))])
        case .channelSlice(let start, let end):
            return (kind, [("start", "\(start)"), ("end", "\(end)")])
        case .channelShuffle(let groups):
            return (kind, [("groups", "\(groups)")])
        case .reshape(let shape):
            return (kind, [("shape", "\(shape)")])
        case .activation, .flatten, .concat, .add, .multiply, .subtract, .identity, .channelScale, .channelShift:
            return (kind, [])
        }
    }

    /// How a line inside `open` blocks names layer `target` so that the reader's lookup (the
    /// innermost block first, then outwards, then the full name) finds that layer: its full name,
    /// or `/` and the full name when a layer of a block would shadow it.
    static func reference(to target: Int, from open: [Int], in graph: Graph, defined: [String: Int]) -> String {
        let name = graph.layers[target].name
        for scope in open.reversed().map({ graph.blocks[$0].name + "." }) + [""] {
            if let found = defined[scope + name] { return found == target ? name : "/" + name }
        }
        return name
    }

    static func kindName(_ op: Op) -> String {
        switch op {
        case .input: return "input"
        case .conv2d: return "conv"
        case .batchNorm: return "batchnorm"
        case .localResponseNorm: return "lrn"
        case .layerNorm: return "layernorm"
        case .channelScale: return "scale"
        case .channelShift: return "shift"
        case .affine: return "affine"
        case .subtract: return "subtract"
        case .channelSlice: return "slice"
        case .channelShuffle: return "shuffle"
        case .activation(.leakyRelu): return "leakyrelu"
        case .activation(let a): return activations.first { $0.1 == a }?.0 ?? "relu"
        case .pool(let p): return p.kind == .max ? "maxpool" : "avgpool"
        case .globalAvgPool: return "globalavgpool"
        case .globalMaxPool: return "globalmaxpool"
        case .adaptiveAvgPool: return "adaptiveavgpool"
        case .flatten: return "flatten"
        case .reshape: return "reshape"
        case .dense: return "dense"
        case .dropout: return "dropout"
        case .stochasticDepth: return "droppath"
        case .concat: return "concat"
        case .add: return "add"
        case .multiply: return "multiply"
        case .zeroPad: return "zeropad"
        case .crop: return "crop"
        case .identity: return "identity"
        }
    }

    /// `conv filters=64 kernel=3 padding=1 bias=false`: the kind and every setting that is not its default.
    static func describe(_ op: Op) -> String {
        var parts = [kindName(op)]
        switch op {
        case .conv2d(let c):
            parts.append("filters=\(c.filters)")
            parts.append("kernel=\(size(c.kernel))")
            if c.stride != Size2(1) { parts.append("stride=\(size(c.stride))") }
            if c.padding != .valid { parts.append("padding=\(padding(c.padding))") }
            if c.dilation != Size2(1) { parts.append("dilation=\(size(c.dilation))") }
            if c.groups != 1 { parts.append("groups=\(c.groups)") }
            if !c.bias { parts.append("bias=false") }
        case .dense(let d):
            parts.append("units=\(d.outFeatures)")
            if let inFeatures = d.inFeatures { parts.append("in=\(inFeatures)") }
            if !d.bias { parts.append("bias=false") }
            if d.perPosition { parts.append("per_position=true") }
        case .layerNorm(let ln):
            if ln.epsilon != 1e-5 { parts.append("eps=\(number(ln.epsilon))") }
        case .batchNorm(let bn):
            if bn.epsilon != 1e-5 { parts.append("eps=\(number(bn.epsilon))") }
            if bn.momentum != 0.1 { parts.append("momentum=\(number(bn.momentum))") }
            if !bn.affine { parts.append("affine=false") }
        case .localResponseNorm(let n):
            parts.append("size=\(n.size)")
            if n.alpha != 1e-4 { parts.append("alpha=\(number(n.alpha))") }
            if n.beta != 0.75 { parts.append("beta=\(number(n.beta))") }
            if n.k != 1 { parts.append("k=\(number(n.k))") }
        case .pool(let p):
            parts.append("pool=\(size(p.kernel))")
            if p.stride != p.kernel { parts.append("stride=\(size(p.stride))") }
            if p.padding != .valid { parts.append("padding=\(padding(p.padding))") }
            if p.ceilMode { parts.append("ceil=true") }
            if !p.countIncludePad { parts.append("count_include_pad=false") }
        case .globalAvgPool(let keep), .globalMaxPool(let keep):
            if keep { parts.append("keepdims=true") }
        case .activation(.leakyRelu(let slope)):
            parts.append("slope=\(number(slope))")
        case .adaptiveAvgPool(let s):
            parts.append("size=\(size(s))")
        case .dropout(let p), .stochasticDepth(let p):
            parts.append("rate=\(number(p))")
        case .zeroPad(let pad), .crop(let pad):
            parts.append("padding=\(pad4(pad))")
        case .affine(let scale, let shift):
            if scale != 1 { parts.append("scale=\(number(scale))") }
            if shift != 0 { parts.append("shift=\(number(shift))") }
        case .channelSlice(let start, let end):
            parts.append("start=\(start)")
            parts.append("end=\(end)")
        case .channelShuffle(let groups):
            parts.append("groups=\(groups)")
        case .reshape(let shape):
            parts.append("shape=\(shape)")
        case .input, .activation, .flatten, .concat, .add, .multiply, .subtract, .identity, .channelScale, .channelShift:
            break
        }
        return parts.joined(separator: " ")
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
