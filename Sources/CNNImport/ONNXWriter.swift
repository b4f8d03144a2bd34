import CNNModel
import Foundation
import SwiftProtobuf

/// A graph written as an ONNX file (opset 17) with its weights: what `W` and
/// `cnn-tui export --format onnx` write, for ONNX Runtime, Netron or PyTorch to read.
public enum ONNXWriter {
    public static let opset: Int64 = 17
    /// The opset a graph with GELU needs (ONNX has a Gelu op from 20 on).
    public static let geluOpset: Int64 = 20

    /// The opset `graph` is written at.
    public static func opset(for graph: Graph) -> Int64 {
        graph.layers.contains { $0.op == .activation(.gelu) } ? geluOpset : opset
    }

    /// `analysis`'s graph with `weights` (by `ParameterTensor` name, PyTorch's layouts) as
    /// initializers. A layer ONNX has no op for (adaptive pooling to a size that does not divide
    /// the input) is the error.
    public static func encode(_ analysis: ModelAnalysis, weights: [String: ImportedTensor], title: String) throws(ImportError) -> Data {
        var writer = Writer(analysis: analysis, weights: weights)
        try writer.run()
        var graph = Onnx_GraphProto()
        graph.name = title
        graph.node = writer.nodes
        graph.initializer = writer.initializers
        graph.input = [valueInfo("input", [1] + analysis.input.dims)]
        graph.output = analysis.graph.outputs.map { valueInfo(writer.valueName($0), [1] + analysis.layers[$0].outputShape.dims) }
        var model = Onnx_ModelProto()
        model.irVersion = 8
        model.producerName = "cnn-tui"
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = Self.opset(for: analysis.graph)
        model.opsetImport = [opset]
        model.graph = graph
        do {
            return try model.serializedData()
        } catch {
            throw ImportError(file: title, "cannot be written as ONNX: \(error)")
        }
    }

    static func valueInfo(_ name: String, _ dims: [Int]) -> Onnx_ValueInfoProto {
        var shape = Onnx_TensorShapeProto()
        shape.dim = dims.map { d in
            var dim = Onnx_TensorShapeProto.Dimension()
            dim.dimValue = Int64(d)
            return dim
        }
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.shape = shape
        var type = Onnx_TypeProto()
        type.tensorType = tensor
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type = type
        return info
    }
}

/// The nodes and initializers of one graph being written.
private struct Writer {
    let analysis: ModelAnalysis
    let weights: [String: ImportedTensor]
    var nodes: [Onnx_NodeProto] = []
    var initializers: [Onnx_TensorProto] = []

    init(analysis: ModelAnalysis, weights: [String: ImportedTensor]) {
        self.analysis = analysis
        self.weights = weights
    }

    /// The ONNX value a layer's output is: the graph input, or the layer's name.
    func valueName(_ id: Int) -> String { id == 0 ? "input" : analysis.graph.layers[id].name }

    mutating func run() throws(ImportError) {
        for layer in analysis.graph.layers where layer.op != .input {
            try write(layer)
        }
    }

    private mutating func write(_ layer: Layer) throws(ImportError) {
        let x = layer.inputs.map(valueName)
        let out = layer.name
        let input = analysis.layers[layer.inputs.first ?? 0].outputShape
        /// The tensor's initializer, under `shape` when given (the same values seen as, say, a 1x1 kernel).
        func weight(_ role: ParameterTensor.Role, shape: [Int]? = nil) throws(ImportError) -> String {
            let name = ParameterTensor.name(role, in: layer)
            guard let tensor = weights[name] else { throw ImportError(file: layer.name, "has no \(role.rawValue) to write") }
            addInitializer(name, shape ?? tensor.shape, tensor.values)
            return name
        }
        switch layer.op {
        case .input: return
        case .conv2d(let c):
            var inputs = [x[0], try weight(.weight)]
            if c.bias { inputs.append(try weight(.bias)) }
            var attributes = [
                ints("kernel_shape", [c.kernel.h, c.kernel.w]), ints("strides", [c.stride.h, c.stride.w]),
                ints("dilations", [c.dilation.h, c.dilation.w]), int("group", c.groups),
            ]
            attributes.append(contentsOf: padding(c.padding))
            add("Conv", layer.name, inputs, [out], attributes)
        case .dense(let d) where input.isSpatial:
            // At each position, as PyTorch writes a Linear on a channels-last map: transpose,
            // x @ W^T (+ b), transpose back; read again, it is this layer.
            let name = ParameterTensor.name(.weight, in: layer)
            guard let w = weights[name] else { throw ImportError(file: layer.name, "has no weight to write") }
            let (rows, columns) = (d.outFeatures, input.channels)
            var transposed = [Float](repeating: 0, count: rows * columns)
            for r in 0..<rows { for c in 0..<columns { transposed[c * rows + r] = w.values[r * columns + c] } }
            let matrix = constant(name + ".T", [columns, rows], transposed)
            add("Transpose", layer.name + "/to_nhwc", x, [layer.name + "/nhwc"], [ints("perm", [0, 2, 3, 1])])
            add("MatMul", layer.name + "/matmul", [layer.name + "/nhwc", matrix], [layer.name + "/product"])
            var last = layer.name + "/product"
            if d.bias {
                add("Add", layer.name + "/bias", [last, try weight(.bias)], [layer.name + "/biased"])
                last = layer.name + "/biased"
            }
            add("Transpose", layer.name, [last], [out], [ints("perm", [0, 3, 1, 2])])
        case .dense(let d):
            var inputs = [x[0], try weight(.weight)]
            if d.bias { inputs.append(try weight(.bias)) }
            add("Gemm", layer.name, inputs, [out], [int("transB", 1)])
        case .layerNorm(let ln):
            let scale = try weight(.weight), shift = try weight(.bias)
            if input.isSpatial {
                // Over the channels of each position, as ConvNeXt writes it: channels last and back.
                add("Transpose", layer.name + "/to_nhwc", x, [layer.name + "/nhwc"], [ints("perm", [0, 2, 3, 1])])
                add(
                    "LayerNormalization", layer.name + "/norm", [layer.name + "/nhwc", scale, shift], [layer.name + "/normed"],
                    [
                        int("axis", -1), float("epsilon", ln.epsilon),
                    ])
                add("Transpose", layer.name, [layer.name + "/normed"], [out], [ints("perm", [0, 3, 1, 2])])
            } else {
                add("LayerNormalization", layer.name, [x[0], scale, shift], [out], [int("axis", -1), float("epsilon", ln.epsilon)])
            }
        case .channelScale:
            let scale = try weight(.weight, shape: input.isSpatial ? [input.channels, 1, 1] : [input.channels])
            add("Mul", layer.name, [x[0], scale], [out])
        case .batchNorm(let bn):
            let scale: String, shift: String
            if bn.affine {
                scale = try weight(.weight)
                shift = try weight(.bias)
            } else {
                scale = constant(layer.name + ".ones", [input.channels], Array(repeating: 1, count: input.channels))
                shift = constant(layer.name + ".zeros", [input.channels], Array(repeating: 0, count: input.channels))
            }
            add(
                "BatchNormalization", layer.name, [x[0], scale, shift, try weight(.runningMean), try weight(.runningVar)], [out],
                [float("epsilon", bn.epsilon), float("momentum", 1 - bn.momentum)])
        case .localResponseNorm(let n):
            add("LRN", layer.name, x, [out], [int("size", n.size), float("alpha", n.alpha), float("beta", n.beta), float("bias", n.k)])
        case .activation(let a):
            switch a {
            case .relu: add("Relu", layer.name, x, [out])
            case .relu6:
                add("Clip", layer.name, [x[0], constant(layer.name + ".min", [], [0]), constant(layer.name + ".max", [], [6])], [out])
            case .sigmoid: add("Sigmoid", layer.name, x, [out])
            case .tanh: add("Tanh", layer.name, x, [out])
            case .silu:
                add("Sigmoid", layer.name + "/sigmoid", x, [layer.name + "/sigmoid"])
                add("Mul", layer.name, [x[0], layer.name + "/sigmoid"], [out])
            case .hardSwish: add("HardSwish", layer.name, x, [out])
            case .hardSigmoid: add("HardSigmoid", layer.name, x, [out], [float("alpha", 1.0 / 6), float("beta", 0.5)])
            case .softmax: add("Softmax", layer.name, x, [out], [int("axis", 1)])
            case .gelu: add("Gelu", layer.name, x, [out])
            case .leakyRelu(let slope): add("LeakyRelu", layer.name, x, [out], [float("alpha", slope)])
            }
        case .pool(let p):
            var attributes = [
                ints("kernel_shape", [p.kernel.h, p.kernel.w]), ints("strides", [p.stride.h, p.stride.w]), int("ceil_mode", p.ceilMode ? 1 : 0),
            ]
            attributes.append(contentsOf: padding(p.padding))
            if p.kind == .average { attributes.append(int("count_include_pad", p.countIncludePad ? 1 : 0)) }
            add(p.kind == .max ? "MaxPool" : "AveragePool", layer.name, x, [out], attributes)
        case .globalAvgPool(let keep), .globalMaxPool(let keep):
            let opType: String
            if case .globalMaxPool = layer.op { opType = "GlobalMaxPool" } else { opType = "GlobalAveragePool" }
            if keep {
                add(opType, layer.name, x, [out])
            } else {
                add(opType, layer.name + "/pool", x, [layer.name + "/pool"])
                add("Flatten", layer.name, [layer.name + "/pool"], [out], [int("axis", 1)])
            }
        case .adaptiveAvgPool(let size):
            if size == Size2(1) {
                add("GlobalAveragePool", layer.name, x, [out])
            } else if input.height % size.h == 0, input.width % size.w == 0 {
                let k = [input.height / size.h, input.width / size.w]
                add("AveragePool", layer.name, x, [out], [ints("kernel_shape", k), ints("strides", k)])
            } else {
                throw ImportError(file: layer.name, "adaptive pooling of \(input) to \(size) has no ONNX op (its windows overlap unevenly)")
            }
        case .flatten: add("Flatten", layer.name, x, [out], [int("axis", 1)])
        case .reshape(let shape): add("Reshape", layer.name, [x[0], intConstant(layer.name + ".shape", [1] + shape.dims)], [out])
        case .dropout, .stochasticDepth, .identity: add("Identity", layer.name, x, [out])
        case .concat: add("Concat", layer.name, x, [out], [int("axis", 1)])
        case .add: add(x.count == 2 ? "Add" : "Sum", layer.name, x, [out])
        case .multiply: add("Mul", layer.name, x, [out])
        case .subtract: add("Sub", layer.name, x, [out])
        case .channelShift:
            let shift = try weight(.bias, shape: input.isSpatial ? [input.channels, 1, 1] : [input.channels])
            add("Add", layer.name, [x[0], shift], [out])
        case .affine(let scale, let shift):
            let scaleName = constant(layer.name + ".scale", [], [Float(scale)])
            let shiftName = constant(layer.name + ".shift", [], [Float(shift)])
            add("Mul", layer.name + "/scale", [x[0], scaleName], [layer.name + "/scaled"])
            add("Add", layer.name, [layer.name + "/scaled", shiftName], [out])
        case .channelSlice(let start, let end):
            let starts = intConstant(layer.name + ".starts", [start])
            let ends = intConstant(layer.name + ".ends", [end])
            let axes = intConstant(layer.name + ".axes", [1])
            add("Slice", layer.name, [x[0], starts, ends, axes], [out])
        case .channelShuffle(let groups):
            // As torchvision writes it: [N, g, C/g, H, W], swap the two channel axes, back to [N, C, H, W].
            let spatial = input.isSpatial ? [input.height, input.width] : []
            let grouped = intConstant(layer.name + ".grouped", [0, groups, input.channels / groups] + spatial)
            let back = intConstant(layer.name + ".shape", [0, input.channels] + spatial)
            add("Reshape", layer.name + "/group", [x[0], grouped], [layer.name + "/grouped"])
            let perm = input.isSpatial ? [0, 2, 1, 3, 4] : [0, 2, 1]
            add("Transpose", layer.name + "/swap", [layer.name + "/grouped"], [layer.name + "/swapped"], [ints("perm", perm)])
            add("Reshape", layer.name, [layer.name + "/swapped", back], [out])
        case .zeroPad(let p):
            let pads = intConstant(layer.name + ".pads", [0, 0, p.top, p.left, 0, 0, p.bottom, p.right])
            add("Pad", layer.name, [x[0], pads], [out])
        case .crop(let p):
            let starts = intConstant(layer.name + ".starts", [p.top, p.left])
            let ends = intConstant(layer.name + ".ends", [input.height - p.bottom, input.width - p.right])
            let axes = intConstant(layer.name + ".axes", [2, 3])
            add("Slice", layer.name, [x[0], starts, ends, axes], [out])
        }
    }

    /// `pads` (top, left, bottom, right) or `auto_pad SAME_UPPER` for TensorFlow's "same".
    private func padding(_ padding: Padding) -> [Onnx_AttributeProto] {
        switch padding {
        case .valid: return []
        case .same: return [string("auto_pad", "SAME_UPPER")]
        case .explicit(let p): return [ints("pads", [p.top, p.left, p.bottom, p.right])]
        }
    }

    private mutating func add(_ op: String, _ name: String, _ inputs: [String], _ outputs: [String], _ attributes: [Onnx_AttributeProto] = []) {
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = name
        node.input = inputs
        node.output = outputs
        node.attribute = attributes
        nodes.append(node)
    }

    private mutating func addInitializer(_ name: String, _ dims: [Int], _ values: [Float]) {
        guard !initializers.contains(where: { $0.name == name }) else { return }
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = dims.map(Int64.init)
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.rawData = values.withUnsafeBufferPointer { Data(buffer: $0) }
        initializers.append(tensor)
    }

    private mutating func constant(_ name: String, _ dims: [Int], _ values: [Float]) -> String {
        addInitializer(name, dims, values)
        return name
    }

    private mutating func intConstant(_ name: String, _ values: [Int]) -> String {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = [Int64(values.count)]
        tensor.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        tensor.int64Data = values.map(Int64.init)
        initializers.append(tensor)
        return name
    }

    private func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = Int64(value)
        return a
    }

    private func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .ints
        a.ints = values.map(Int64.init)
        return a
    }

    private func float(_ name: String, _ value: Double) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .float
        a.f = Float(value)
        return a
    }

    private func string(_ name: String, _ value: String) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .string
        a.s = Data(value.utf8)
        return a
    }
}
