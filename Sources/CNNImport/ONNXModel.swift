/// An ONNX model as plain Swift values: what `ONNXFile.read` found in a file, validated
/// (every value defined before it is read, every tensor's data as long as its dims say) and
/// with the file's local functions inlined, so that a converter sees one flat graph.
public struct ONNXModel: Sendable, Equatable {
    public var irVersion: Int
    /// The opset of the default (`""` or `"ai.onnx"`) domain.
    public var opsetVersion: Int
    /// `producer_name + " " + producer_version`, e.g. `"pytorch 2.15.0"`.
    public var producer: String
    public var graph: ONNXGraph

    public init(irVersion: Int, opsetVersion: Int, producer: String, graph: ONNXGraph) {
        self.irVersion = irVersion
        self.opsetVersion = opsetVersion
        self.producer = producer
        self.graph = graph
    }
}

/// The main graph of a model.
public struct ONNXGraph: Sendable, Equatable {
    public var name: String
    /// The graph inputs that are not initializers: what a user feeds.
    public var inputs: [ONNXValueInfo]
    public var outputs: [ONNXValueInfo]
    /// In file order, which the spec requires to be topological; local functions already inlined.
    public var nodes: [ONNXNode]
    /// The weights, by name. `Constant` nodes stay nodes.
    public var initializers: [String: ONNXTensor]
    /// `graph.value_info`: the shapes the exporter inferred for intermediate values, by name.
    public var valueInfo: [String: ONNXValueInfo]

    public init(
        name: String, inputs: [ONNXValueInfo], outputs: [ONNXValueInfo], nodes: [ONNXNode], initializers: [String: ONNXTensor] = [:],
        valueInfo: [String: ONNXValueInfo] = [:]
    ) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.nodes = nodes
        self.initializers = initializers
        self.valueInfo = valueInfo
    }
}

/// A named value's element type and shape, as declared in the file.
public struct ONNXValueInfo: Sendable, Hashable {
    public var name: String
    /// nil when the value is not a tensor or its type is not one of `ONNXDataType`'s.
    public var elementType: ONNXDataType?
    /// nil when the type has no shape.
    public var dims: [ONNXDim]?

    public init(name: String, elementType: ONNXDataType?, dims: [ONNXDim]?) {
        self.name = name
        self.elementType = elementType
        self.dims = dims
    }
}

/// One dimension of a declared shape: a number, a name such as `"batch"`, or nothing.
public enum ONNXDim: Sendable, Hashable {
    case value(Int)
    case symbol(String)
    case unknown
}

/// One operator call.
public struct ONNXNode: Sendable, Equatable {
    /// The file's name, or for an inlined node `CALLER/NAME` (the calling node, then the
    /// function's node), so that a message can say where it came from.
    public var name: String
    public var opType: String
    public var domain: String
    /// `""` for an omitted optional input, as in the file.
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [String: ONNXAttribute]
    /// `metadata_props`: torch.export writes name scopes there (`"pkg.torch.onnx.name_scopes"`).
    /// An inlined node keeps its own and gets `ONNXNode.inlinedFromKey`.
    public var metadata: [String: String]

    /// The metadata key of an inlined node whose value is `DOMAIN.FUNCTION called by CALLER`.
    public static let inlinedFromKey = "cnn-tui.inlined_from"

    public init(
        name: String, opType: String, domain: String = "", inputs: [String], outputs: [String], attributes: [String: ONNXAttribute] = [:],
        metadata: [String: String] = [:]
    ) {
        self.name = name
        self.opType = opType
        self.domain = domain
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
        self.metadata = metadata
    }
}

/// An attribute value of the kinds a CNN uses (subgraphs and sparse tensors are refused).
public enum ONNXAttribute: Sendable, Equatable {
    case int(Int)
    case float(Float)
    case string(String)
    case ints([Int])
    case floats([Float])
    case strings([String])
    case tensor(ONNXTensor)
}

/// The element types the reader converts (`TensorProto.DataType`'s numbers).
public enum ONNXDataType: Int, Sendable {
    case float = 1
    case uint8 = 2
    case int8 = 3
    case uint16 = 4
    case int16 = 5
    case int32 = 6
    case int64 = 7
    case bool = 9
    case float16 = 10
    case double = 11
    case uint32 = 12
    case uint64 = 13
    case bfloat16 = 16

    /// Whether the values land in `ONNXTensor.floats` (else in `integers`).
    public var isFloatingPoint: Bool {
        switch self {
        case .float, .float16, .double, .bfloat16: true
        default: false
        }
    }

    /// Bytes per element in `raw_data` and external data.
    public var byteCount: Int {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16, .float16, .bfloat16: 2
        case .float, .int32, .uint32: 4
        case .int64, .double, .uint64: 8
        }
    }
}

/// A tensor's values, widened to `Float` or `Int` so that a converter needs no per-type code.
public struct ONNXTensor: Sendable, Equatable {
    public var name: String
    public var dataType: ONNXDataType
    public var dims: [Int]
    /// float, double, float16 and bfloat16 data as `Float`; empty for integer types.
    public var floats: [Float]
    /// int64, int32, int16, int8, uint* and bool data; empty for floating-point types.
    public var integers: [Int]

    public init(name: String, dataType: ONNXDataType, dims: [Int], floats: [Float] = [], integers: [Int] = []) {
        self.name = name
        self.dataType = dataType
        self.dims = dims
        self.floats = floats
        self.integers = integers
    }

    /// The number of elements the dims describe (1 for a scalar).
    public var count: Int { dims.reduce(1, *) }
}
