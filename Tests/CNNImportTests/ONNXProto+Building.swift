import Foundation

@testable import CNNImport

/// Small models built in memory, for the cases no exporter writes on purpose.
enum ONNXProto {
    static func node(_ opType: String, _ inputs: [String], _ outputs: [String], name: String = "", domain: String = "") -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.opType = opType
        node.input = inputs
        node.output = outputs
        node.name = name
        node.domain = domain
        return node
    }

    static func value(_ name: String, dims: [Int64] = [1, 4]) -> Onnx_ValueInfoProto {
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = 1
        tensorType.shape.dim = dims.map { size in
            var dim = Onnx_TensorShapeProto.Dimension()
            dim.dimValue = size
            return dim
        }
        var value = Onnx_ValueInfoProto()
        value.name = name
        value.type.tensorType = tensorType
        return value
    }

    static func tensor(_ name: String, dims: [Int64], dataType: Int32 = 1, floats: [Float] = []) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = dims
        tensor.dataType = dataType
        tensor.floatData = floats
        return tensor
    }

    static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .float
        attribute.f = value
        return attribute
    }

    /// `name` referring to the enclosing function's attribute `parent`.
    static func reference(_ name: String, to parent: String) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .float
        attribute.refAttrName = parent
        return attribute
    }

    static func function(
        _ name: String, inputs: [String], outputs: [String], nodes: [Onnx_NodeProto], attributes: [String] = [], defaults: [Onnx_AttributeProto] = []
    ) -> Onnx_FunctionProto {
        var function = Onnx_FunctionProto()
        function.domain = "local"
        function.name = name
        function.input = inputs
        function.output = outputs
        function.node = nodes
        function.attribute = attributes
        function.attributeProto = defaults
        return function
    }

    /// A serialized model of opset 13 (and domain "local" when it has functions).
    static func model(
        nodes: [Onnx_NodeProto], inputs: [String] = ["x"], outputs: [String] = ["y"], initializers: [Onnx_TensorProto] = [],
        functions: [Onnx_FunctionProto] = []
    ) -> Data {
        var model = Onnx_ModelProto()
        model.irVersion = 8
        var opset = Onnx_OperatorSetIdProto()
        opset.version = 13
        model.opsetImport = [opset]
        model.graph.node = nodes
        model.graph.input = inputs.map { value($0) }
        model.graph.output = outputs.map { value($0) }
        model.graph.initializer = initializers
        model.functions = functions
        return try! model.serializedBytes()
    }

    /// What reading `data` as `test.onnx` throws, without the file name; nil if it reads.
    static func error(_ data: Data, folder: String? = nil) -> String? {
        do {
            _ = try ONNXFile.decode(data, folder: folder, fileName: "test.onnx")
            return nil
        } catch {
            return String(error.description.dropFirst("test.onnx: ".count))
        }
    }
}
