import Foundation

/// Converts a decoded `ModelProto` into the value types, inlining local functions and
/// validating as it goes; every error names the file.
struct ONNXModelReader {
    let file: String
    /// Where external data files are; nil when the model came from memory.
    let folder: String?

    func failure(_ problem: String) -> ImportError { ImportError(file: file, problem) }

    func model(_ proto: Onnx_ModelProto) throws(ImportError) -> ONNXModel {
        guard proto.hasIrVersion, proto.hasGraph else {
            throw failure("is not an ONNX model (it has no \(proto.hasIrVersion ? "graph" : "ir_version"))")
        }
        guard let opset = proto.opsetImport.first(where: { $0.domain.isEmpty || $0.domain == "ai.onnx" }) else {
            throw failure("imports no opset of the default domain (ai.onnx)")
        }
        // tf2onnx writes its version as `1.17.0 None` (no git hash).
        let version = proto.producerVersion.hasSuffix(" None") ? String(proto.producerVersion.dropLast(5)) : proto.producerVersion
        let producer = [proto.producerName, version].filter { !$0.isEmpty }.joined(separator: " ")
        let graph = try graph(proto.graph, functions: proto.functions)
        return ONNXModel(irVersion: Int(proto.irVersion), opsetVersion: Int(opset.version), producer: producer, graph: graph)
    }

    func graph(_ proto: Onnx_GraphProto, functions: [Onnx_FunctionProto]) throws(ImportError) -> ONNXGraph {
        if let sparse = proto.sparseInitializer.first {
            throw failure("sparse initializer '\(sparse.values.name)' is not supported")
        }
        var initializers: [String: ONNXTensor] = [:]
        for tensorProto in proto.initializer {
            if initializers[tensorProto.name] != nil {
                throw failure("has two initializers named '\(tensorProto.name)'")
            }
            initializers[tensorProto.name] = try tensor(tensorProto, label: "initializer '\(tensorProto.name)'")
        }
        var inliner = try ONNXFunctionInliner(reader: self, functions: functions, graph: proto)
        var nodes: [ONNXNode] = []
        for (index, nodeProto) in try inliner.inline(proto.node).enumerated() {
            nodes.append(try node(nodeProto, index: index))
        }
        let graph = ONNXGraph(
            name: proto.name,
            inputs: proto.input.filter { initializers[$0.name] == nil }.map(valueInfo),
            outputs: proto.output.map(valueInfo),
            nodes: nodes,
            initializers: initializers,
            valueInfo: Dictionary(proto.valueInfo.map { ($0.name, valueInfo($0)) }, uniquingKeysWith: { _, last in last })
        )
        try validate(graph)
        return graph
    }

    /// Every value is defined once, before it is read; every graph output is computed.
    func validate(_ graph: ONNXGraph) throws(ImportError) {
        var defined = Set(graph.inputs.map(\.name)).union(graph.initializers.keys)
        for (index, node) in graph.nodes.enumerated() {
            let label = Self.label(name: node.name, opType: node.opType, index: index)
            for input in node.inputs where !input.isEmpty && !defined.contains(input) {
                throw failure("\(label) reads '\(input)', which no graph input, initializer or earlier node defines")
            }
            for output in node.outputs where !output.isEmpty {
                if !defined.insert(output).inserted {
                    throw failure("\(label) writes '\(output)', which is already defined")
                }
            }
        }
        for output in graph.outputs where !defined.contains(output.name) {
            throw failure("graph output '\(output.name)' is computed by no node")
        }
    }

    /// `node 'conv1' (Conv)`, or `node 3 (Conv)` for a node without a name.
    static func label(name: String, opType: String, index: Int) -> String {
        name.isEmpty ? "node \(index) (\(opType))" : "node '\(name)' (\(opType))"
    }

    func node(_ proto: Onnx_NodeProto, index: Int) throws(ImportError) -> ONNXNode {
        let label = Self.label(name: proto.name, opType: proto.opType, index: index)
        var attributes: [String: ONNXAttribute] = [:]
        for attributeProto in proto.attribute {
            attributes[attributeProto.name] = try attribute(attributeProto, of: label)
        }
        return ONNXNode(
            name: proto.name,
            opType: proto.opType,
            domain: proto.domain,
            inputs: proto.input,
            outputs: proto.output,
            attributes: attributes,
            metadata: Dictionary(proto.metadataProps.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        )
    }

    func attribute(_ proto: Onnx_AttributeProto, of node: String) throws(ImportError) -> ONNXAttribute {
        let label = "\(node) attribute '\(proto.name)'"
        if !proto.refAttrName.isEmpty {
            throw failure("\(label) refers to function attribute '\(proto.refAttrName)' outside a function")
        }
        switch proto.type {
        case .int: return .int(Int(proto.i))
        case .float: return .float(proto.f)
        case .string: return .string(String(decoding: proto.s, as: UTF8.self))
        case .ints: return .ints(proto.ints.map { Int($0) })
        case .floats: return .floats(proto.floats)
        case .strings: return .strings(proto.strings.map { String(decoding: $0, as: UTF8.self) })
        case .tensor: return .tensor(try tensor(proto.t, label: label))
        case .undefined:
            // Files from before IR version 2 leave the type out; the set field says it.
            if proto.hasI { return .int(Int(proto.i)) }
            if proto.hasF { return .float(proto.f) }
            if proto.hasS { return .string(String(decoding: proto.s, as: UTF8.self)) }
            if proto.hasT { return .tensor(try tensor(proto.t, label: label)) }
            if !proto.ints.isEmpty { return .ints(proto.ints.map { Int($0) }) }
            if !proto.floats.isEmpty { return .floats(proto.floats) }
            if !proto.strings.isEmpty { return .strings(proto.strings.map { String(decoding: $0, as: UTF8.self) }) }
            throw failure("\(label) has no type and no value")
        default:
            throw failure("\(label) is of type \(proto.type), which the reader does not support (subgraphs, sparse tensors, types)")
        }
    }

    func valueInfo(_ proto: Onnx_ValueInfoProto) -> ONNXValueInfo {
        guard case .tensorType(let tensorType)? = proto.type.value else {
            return ONNXValueInfo(name: proto.name, elementType: nil, dims: nil)
        }
        let dims: [ONNXDim]? =
            tensorType.hasShape
            ? tensorType.shape.dim.map { dim in
                switch dim.value {
                case .dimValue(let value): .value(Int(value))
                case .dimParam(let symbol): symbol.isEmpty ? .unknown : .symbol(symbol)
                case nil: .unknown
                }
            } : nil
        return ONNXValueInfo(name: proto.name, elementType: ONNXDataType(rawValue: Int(tensorType.elemType)), dims: dims)
    }
}
