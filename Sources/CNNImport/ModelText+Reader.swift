import CNNModel
import Foundation

extension ModelText {
    /// The graph in model-file `text` and its input; an error names the line (`FILE:LINE: ...`).
    public static func read(_ text: String, file: String) throws(ImportError) -> (graph: Graph, input: TensorShape) {
        var reader = ModelTextReader(file: file)
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            reader.line = index + 1
            try reader.read(String(raw))
        }
        return try reader.finish()
    }
}

extension ModelText {
    /// The op of `kind` with `settings` (`conv`, ["kernel": "5", ...]) as a model-file line would
    /// give it; a setting out of range or unknown is the error (named `what`).
    /// One layer line without inputs, `bn: batchnorm` or `conv filters=8 kernel=1` (named after
    /// its kind when no name is given): its name and op.
    public static func layer(_ line: String, what: String) throws(ImportError) -> (name: String, op: Op) {
        var text = line.trimmingCharacters(in: .whitespaces)
        var name: String?
        if let separator = text.range(of: ": ") {
            name = String(text[..<separator.lowerBound])
            text = String(text[separator.upperBound...])
        }
        var words = text.split(separator: " ").map(String.init)
        guard !words.isEmpty else { throw ImportError(file: what, "write a kind, e.g. relu, batchnorm or conv filters=8 kernel=1") }
        let kind = words.removeFirst()
        var settings: [String: String] = [:]
        for word in words {
            guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { throw ImportError(file: what, "'\(word)' is not key=value") }
            settings[String(word[..<equals])] = String(word[word.index(after: equals)...])
        }
        let op = try op(kind: kind, settings: settings, what: what)
        let chosen = name ?? kind
        try ModelTextReader.checkName(chosen) { ImportError(file: what, $0) }
        return (chosen, op)
    }

    public static func op(kind: String, settings: [String: String], what: String) throws(ImportError) -> Op {
        var parsed = ModelTextSettings(settings: settings) { ImportError(file: what, $0) }
        let op = try parsed.op(kind)
        try parsed.checkAllUsed(kind)
        return op
    }
}

/// The state of reading a model file: the layers and blocks so far, the open blocks.
struct ModelTextReader {
    let file: String
    var line = 0
    var title: String?
    var input: TensorShape?
    var layers: [Layer] = []
    var blocks: [Block] = []
    var open: [Int] = []
    var ids: [String: Int] = [:]

    init(file: String) {
        self.file = file
    }

    func error(_ problem: String) -> ImportError {
        ImportError(file: "\(file):\(line)", problem)
    }

    mutating func read(_ raw: String) throws(ImportError) {
        let text = Self.withoutComment(raw).trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return }
        if text == "}" {
            guard open.popLast() != nil else { throw error("a '}' with no block open") }
            return
        }
        let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        switch words[0] {
        case "model":
            let rest = text.dropFirst("model".count).trimmingCharacters(in: .whitespaces)
            guard rest.count >= 2, rest.hasPrefix("\""), rest.hasSuffix("\"") else { throw error("write the title in quotes: model \"My network\"") }
            title = String(rest.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
        case "input":
            guard input == nil else { throw error("a second input (a model has one)") }
            guard words.count == 2, let shape = TensorShape(parsing: words[1]), shape.dims.allSatisfy({ $0 <= ModelTextReader.largest }) else {
                throw error("the input is CxHxW with positive sizes, e.g. input 3x224x224")
            }
            input = shape
            layers.append(Layer(id: 0, name: "input", op: .input, inputs: [], block: nil, module: nil))
            ids["input"] = 0
        case "block":
            guard words.count == 4, words[3] == "{" else { throw error("a block is: block NAME TYPE {") }
            try openBlock(words[1], type: words[2])
        default:
            try readLayer(text)
        }
    }

    mutating func finish() throws(ImportError) -> (graph: Graph, input: TensorShape) {
        guard open.isEmpty else { throw error("block \(blocks[open.last!].name) is not closed with '}'") }
        guard let input else { throw ImportError(file: file, "no input line (e.g. input 3x224x224)") }
        guard layers.count > 1 else { throw ImportError(file: file, "no layers after the input") }
        return (Graph(name: title ?? "model", layers: layers, blocks: blocks), input)
    }

    private mutating func openBlock(_ local: String, type: String) throws(ImportError) {
        try Self.checkName(local, error)
        let parent = open.last
        let name = parent.map { blocks[$0].name + "." + local } ?? local
        let id = blocks.count
        blocks.append(Block(id: id, name: name, type: type, parent: parent, depth: open.count + 1))
        open.append(id)
    }

    /// `NAME: KIND key=value ... [module|functional] [< A, B]`.
    private mutating func readLayer(_ text: String) throws(ImportError) {
        guard input != nil else { throw error("the input comes first (e.g. input 3x224x224)") }
        // The name ends at the first ": " (a name may hold a colon itself: `relu:2`).
        guard let separator = text.range(of: ": ") else {
            throw error("a layer is NAME: KIND key=value ... (a line that is not a block, model, input or layer)")
        }
        let local = String(text[..<separator.lowerBound])
        try Self.checkName(local, error)
        var rest = String(text[separator.upperBound...])
        var references: [String]?
        if let arrow = rest.firstIndex(of: "<") {
            references = rest[rest.index(after: arrow)...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            rest = String(rest[..<arrow])
        }
        var words = rest.split(separator: " ").map(String.init)
        guard !words.isEmpty else { throw error("\(local) has no kind (conv, dense, relu, ...)") }
        let kind = words.removeFirst()
        var module: Bool?
        var settings: [String: String] = [:]
        for word in words {
            if word == "module" || word == "functional" {
                module = word == "module"
                continue
            }
            guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { throw error("'\(word)' is not key=value") }
            let key = String(word[..<equals])
            guard settings[key] == nil else { throw error("\(key) given twice") }
            settings[key] = String(word[word.index(after: equals)...])
        }
        var parsed = ModelTextSettings(settings: settings, error: error)
        let op = try parsed.op(kind)
        try parsed.checkAllUsed(kind)
        let inputs = try (references ?? [layers[layers.count - 1].name]).map { (name) throws(ImportError) -> Int in try resolve(name) }
        if case .input = op { throw error("the input is declared by the input line") }
        let prefix = open.last.map { blocks[$0].name + "." } ?? ""
        let name = prefix + local
        guard ids[name] == nil else { throw error("a second layer named \(name)") }
        let base = name.split(separator: ":").first.map(String.init) ?? name
        let isModule = module ?? !ModelText.functionalKinds.contains(kind)
        let id = layers.count
        layers.append(Layer(id: id, name: name, op: op, inputs: inputs, block: open.last, module: isModule ? base : nil))
        ids[name] = id
    }

    /// A layer by a name as written: local to the current block, then to each outer one, then full;
    /// `/name` is the full name only.
    private func resolve(_ name: String) throws(ImportError) -> Int {
        if name.hasPrefix("/") {
            guard let id = ids[String(name.dropFirst())] else { throw error("no layer named '\(name.dropFirst())' before this line") }
            return id
        }
        var scopes = open.map { blocks[$0].name + "." }
        scopes.reverse()
        for scope in scopes + [""] {
            if let id = ids[scope + name] { return id }
        }
        throw error("no layer named '\(name)' before this line")
    }

    static func checkName(_ name: String, _ error: (String) -> ImportError) throws(ImportError) {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "_-.:".contains($0) }), !name.hasPrefix(".") else {
            throw error("'\(name)' is not a name (letters, digits, _ - . :)")
        }
    }

    static func withoutComment(_ line: String) -> String {
        var inQuotes = false
        var out = ""
        for ch in line {
            if ch == "\"" { inQuotes.toggle() }
            if ch == "#" && !inQuotes { break }
            out.append(ch)
        }
        return out
    }

    /// The largest size a model file may give (beyond it the shape arithmetic could overflow).
    static let largest = 1 << 24
}
