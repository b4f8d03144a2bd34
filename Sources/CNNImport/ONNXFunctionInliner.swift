/// Replaces each call of a model-local function (`ModelProto.functions`, found by the calling
/// node's domain, op type and overload) with the function's nodes, so that a converter sees
/// only standard operators.
///
/// A function's formal inputs and outputs become the caller's actual ones; its inner values
/// and nodes get names `CALLER/NAME`, made unique against every name in the graph; attributes
/// that refer to the function's (`ref_attr_name`) take the caller's value or the function's
/// default, and are left out when neither is given, as the spec says. Each inlined node keeps
/// its own metadata and gets `ONNXNode.inlinedFromKey`.
struct ONNXFunctionInliner {
    struct Key: Hashable {
        var domain: String
        var name: String
        var overload: String
    }

    let reader: ONNXModelReader
    private(set) var functions: [Key: Onnx_FunctionProto] = [:]
    /// Every value and node name in use, so that renamed ones cannot collide.
    private var taken: Set<String> = []
    /// Calls deeper than this are taken for recursion.
    static let maxDepth = 64
    /// The most nodes inlining may make: functions that each call the last twice double the
    /// graph at every level (40 levels, 2^40 nodes). ConvNeXt-Tiny's dynamo export inlines to a
    /// few thousand.
    static let maxNodes = 1_000_000

    /// Why a file whose functions inline to more than `maxNodes` nodes is refused.
    private var tooManyNodes: ImportError {
        reader.failure("has more than \(Self.maxNodes.grouped) nodes once its functions are inlined (cnn-tui's limit)")
    }

    init(reader: ONNXModelReader, functions: [Onnx_FunctionProto], graph: Onnx_GraphProto) throws(ImportError) {
        self.reader = reader
        for function in functions {
            let key = Key(domain: function.domain, name: function.name, overload: function.overload)
            if self.functions.updateValue(function, forKey: key) != nil {
                throw reader.failure("defines function \(function.domain).\(function.name) twice")
            }
        }
        taken.formUnion(graph.input.map(\.name))
        taken.formUnion(graph.initializer.map(\.name))
        for node in graph.node {
            taken.insert(node.name)
            taken.formUnion(node.output)
        }
    }

    /// `nodes` with every function call replaced by the function's nodes (recursively).
    mutating func inline(_ nodes: [Onnx_NodeProto]) throws(ImportError) -> [Onnx_NodeProto] {
        if functions.isEmpty { return nodes }
        // Counted before anything is expanded (each function once): 2^40 nodes are refused at once.
        var counts: [Key: Int] = [:]
        var total = 0
        for node in nodes { total = min(total + expandedCount(node, depth: 0, &counts), Self.maxNodes + 1) }
        guard total <= Self.maxNodes else {
            throw tooManyNodes
        }
        var result: [Onnx_NodeProto] = []
        for node in nodes {
            try expand(node, depth: 0, into: &result)
        }
        return result
    }

    /// How many nodes `node` becomes once inlined, saturating just above `maxNodes`; calls too
    /// deep count as one (expanding them reports the recursion).
    private func expandedCount(_ node: Onnx_NodeProto, depth: Int, _ counts: inout [Key: Int]) -> Int {
        let key = Key(domain: node.domain, name: node.opType, overload: node.overload)
        guard let function = functions[key], depth < Self.maxDepth else { return 1 }
        if let known = counts[key] { return known }
        counts[key] = 1  // a function that calls itself: the expansion says so
        var total = 0
        for inner in function.node { total = min(total + expandedCount(inner, depth: depth + 1, &counts), Self.maxNodes + 1) }
        counts[key] = total
        return total
    }

    private mutating func expand(_ node: Onnx_NodeProto, depth: Int, into result: inout [Onnx_NodeProto]) throws(ImportError) {
        guard let function = functions[Key(domain: node.domain, name: node.opType, overload: node.overload)] else {
            guard result.count < Self.maxNodes else {
                throw tooManyNodes
            }
            result.append(node)
            return
        }
        let qualified = "\(function.domain).\(function.name)"
        if depth >= Self.maxDepth {
            throw reader.failure("function \(qualified) calls functions \(Self.maxDepth) deep (does it call itself?)")
        }
        let caller = node.name.isEmpty ? unique(function.name) : node.name
        var renamed: [String: String] = [:]
        for (index, formal) in function.input.enumerated() {
            renamed[formal] = index < node.input.count ? node.input[index] : ""
        }
        for (index, formal) in function.output.enumerated() where index < node.output.count && !node.output[index].isEmpty {
            renamed[formal] = node.output[index]
        }
        var attributes = Dictionary(function.attributeProto.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        for attribute in node.attribute {
            attributes[attribute.name] = attribute
        }
        for var inner in function.node {
            inner.name = unique("\(caller)/\(inner.name.isEmpty ? inner.opType : inner.name)")
            inner.input = inner.input.map { rename($0, in: caller, &renamed) }
            inner.output = inner.output.map { rename($0, in: caller, &renamed) }
            inner.attribute = inner.attribute.compactMap { attribute in
                guard !attribute.refAttrName.isEmpty else { return attribute }
                guard var value = attributes[attribute.refAttrName] else { return nil }
                value.name = attribute.name
                return value
            }
            var entry = Onnx_StringStringEntryProto()
            entry.key = ONNXNode.inlinedFromKey
            entry.value = "\(qualified) called by \(caller)"
            inner.metadataProps.append(entry)
            try expand(inner, depth: depth + 1, into: &result)
        }
    }

    /// The caller's name for a function's value: an actual input or output, or a new
    /// `CALLER/NAME` for an inner value; `""` (an omitted input) stays `""`.
    private mutating func rename(_ name: String, in caller: String, _ renamed: inout [String: String]) -> String {
        if name.isEmpty { return "" }
        if let known = renamed[name] { return known }
        let fresh = unique("\(caller)/\(name)")
        renamed[name] = fresh
        return fresh
    }

    /// `base`, or `base_1`, `base_2`, … if it is taken; reserved from then on.
    private mutating func unique(_ base: String) -> String {
        var candidate = base
        var suffix = 0
        while taken.contains(candidate) {
            suffix += 1
            candidate = "\(base)_\(suffix)"
        }
        taken.insert(candidate)
        return candidate
    }
}
