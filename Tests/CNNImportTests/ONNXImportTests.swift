import CNNModel
import XCTest

@testable import CNNImport

/// ONNX graphs written as the exporters write them, read into cnn-tui's graph: layer by layer,
/// with the module hierarchy, the weights renamed and the shape arithmetic computed.
final class ONNXImportTests: XCTestCase {
    // MARK: - Building small files in memory

    private func tensor(_ name: String, _ dims: [Int], start: Float = 0) -> ONNXTensor {
        let count = dims.reduce(1, *)
        return ONNXTensor(name: name, dataType: .float, dims: dims, floats: (0..<count).map { start + Float($0) / 100 }, integers: [])
    }

    private func scalar(_ name: String, _ value: Float) -> ONNXTensor {
        ONNXTensor(name: name, dataType: .float, dims: [], floats: [value], integers: [])
    }

    private func ints(_ name: String, _ values: [Int]) -> ONNXTensor {
        ONNXTensor(name: name, dataType: .int64, dims: [values.count], floats: [], integers: values)
    }

    private func node(
        _ name: String, _ op: String, _ inputs: [String], _ outputs: [String], _ attributes: [String: ONNXAttribute] = [:],
        metadata: [String: String] = [:]
    ) -> ONNXNode {
        ONNXNode(name: name, opType: op, domain: "", inputs: inputs, outputs: outputs, attributes: attributes, metadata: metadata)
    }

    private func model(
        _ nodes: [ONNXNode], initializers: [ONNXTensor], input: [ONNXDim] = [.symbol("N"), .value(3), .value(8), .value(8)],
        output: String, producer: String = "pytorch 2.15.0", opset: Int = 17
    ) -> ONNXModel {
        let graph = ONNXGraph(
            name: "main_graph", inputs: [ONNXValueInfo(name: "x", elementType: .float, dims: input)],
            outputs: [ONNXValueInfo(name: output, elementType: .float, dims: nil)], nodes: nodes,
            initializers: Dictionary(uniqueKeysWithValues: initializers.map { ($0.name, $0) }), valueInfo: [:])
        return ONNXModel(irVersion: 8, opsetVersion: opset, producer: producer, graph: graph)
    }

    /// A TorchScript export of conv-relu-pool-flatten-linear with batchnorm folded into the conv:
    /// `/features/features.0/Conv`, the flatten as Shape/Gather/Unsqueeze/Concat/Reshape.
    private func torchScriptNet() -> ONNXModel {
        model(
            [
                node(
                    "/features/features.0/Conv", "Conv", ["x", "onnx::Conv_1", "onnx::Conv_2"], ["c"],
                    ["pads": .ints([1, 1, 1, 1]), "kernel_shape": .ints([3, 3])]),
                node("/features/features.1/Relu", "Relu", ["c"], ["r"]),
                node("/features/features.2/MaxPool", "MaxPool", ["r"], ["p"], ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])]),
                node("/Shape", "Shape", ["p"], ["s"]),
                node("/Constant", "Constant", [], ["zero"], ["value": .tensor(ONNXTensor(name: "z", dataType: .int64, dims: [], floats: [], integers: [0]))]),
                node("/Gather", "Gather", ["s", "zero"], ["n"], ["axis": .int(0)]),
                node("/Unsqueeze", "Unsqueeze", ["n", "axis0"], ["n1"]),
                node("/Concat", "Concat", ["n1", "minus1"], ["target"], ["axis": .int(0)]),
                node("/Reshape", "Reshape", ["p", "target"], ["flat"]),
                node("/classifier/Gemm", "Gemm", ["flat", "classifier.weight", "classifier.bias"], ["y"], ["transB": .int(1)]),
            ],
            initializers: [
                tensor("onnx::Conv_1", [4, 3, 3, 3]), tensor("onnx::Conv_2", [4]), ints("axis0", [0]), ints("minus1", [-1]),
                tensor("classifier.weight", [10, 64]), tensor("classifier.bias", [10]),
            ],
            output: "y")
    }

    func testTorchScriptNamesBecomeLayersInTheirBlocks() throws {
        let network = try ONNXImport.network(torchScriptNet(), file: "net.onnx")
        let graph = network.graph
        XCTAssertEqual(graph.layers.map(\.name), ["input", "features.0", "features.1", "features.2", "flatten", "classifier"])
        XCTAssertEqual(graph.blocks.map(\.name), ["features"])
        XCTAssertEqual(graph.layers[1].block, 0)
        XCTAssertEqual(graph.layers[1].op, .conv2d(Conv2D(filters: 4, kernel: 3, padding: .symmetric(1))))
        XCTAssertEqual(graph.layers[4].op, .flatten, "Shape -> Gather -> Unsqueeze -> Concat -> Reshape to [N, -1] is a flatten")
        XCTAssertEqual(graph.layers[5].op, .dense(Dense(outFeatures: 10, inFeatures: 64)))
        XCTAssertEqual(network.input, TensorShape(channels: 3, height: 8, width: 8))
        // The weights go by the layers' names, as the engine looks them up.
        XCTAssertEqual(Set(network.weights.keys), ["features.0.weight", "features.0.bias", "classifier.weight", "classifier.bias"])
        XCTAssertEqual(network.weights["features.0.weight"]?.shape, [4, 3, 3, 3])
        let analysis = try ModelAnalysis(graph: graph, input: try XCTUnwrap(network.input))
        XCTAssertEqual(analysis.trainableParams, 4 * 27 + 4 + 64 * 10 + 10)
        XCTAssertEqual(network.producer, "pytorch 2.15.0, ONNX opset 17")
        XCTAssertEqual(network.notes.count, 1, "the folded batchnorm is said: \(network.notes)")
    }

    func testAFunctionalOpOfABlockIsNamedAfterTheBlock() throws {
        let net = model(
            [
                node("/layer1/layer1.0/conv1/Conv", "Conv", ["x", "w"], ["a"], ["pads": .ints([1, 1, 1, 1])]),
                node("/layer1/layer1.0/relu/Relu", "Relu", ["a"], ["b"]),
                node("/layer1/layer1.0/Add", "Add", ["b", "x"], ["c"]),
                node("/layer1/layer1.0/relu_1/Relu", "Relu", ["c"], ["y"]),
            ],
            initializers: [tensor("w", [3, 3, 3, 3])], output: "y")
        let graph = try ONNXImport.network(net, file: "res.onnx").graph
        XCTAssertEqual(graph.layers.map(\.name), ["input", "layer1.0.conv1", "layer1.0.relu", "layer1.0.add", "layer1.0.relu_1"])
        XCTAssertEqual(graph.blocks.map(\.name), ["layer1", "layer1.0"])
        XCTAssertEqual(graph.blocks[1].parent, 0)
        XCTAssertNil(graph.layers[3].module, "the residual add is the block's own op, not a module")
        XCTAssertEqual(graph.layers[3].inputs, [2, 0])
    }

    /// torch.export writes the scopes into metadata and a linear layer as MatMul + Add.
    func testTorchExportScopesAndLinearLayers() throws {
        let scopes = "['', 'fc']"
        let classes = "['torch.nn.modules.module.Module', 'torch.nn.modules.linear.Linear']"
        let net = model(
            [
                node("node_flatten", "Flatten", ["x"], ["f"]),
                node(
                    "node_MatMul_1", "MatMul", ["f", "wT"], ["m"],
                    metadata: ["pkg.torch.onnx.name_scopes": scopes, "pkg.torch.onnx.class_hierarchy": classes]),
                node(
                    "node_Add_2", "Add", ["m", "fc.bias"], ["y"],
                    metadata: ["pkg.torch.onnx.name_scopes": scopes, "pkg.torch.onnx.class_hierarchy": classes]),
            ],
            initializers: [tensor("wT", [192, 5]), tensor("fc.bias", [5])], output: "y", opset: 18)
        let network = try ONNXImport.network(net, file: "fc.onnx")
        XCTAssertEqual(network.graph.layers.map(\.name), ["input", "flatten", "fc"])
        XCTAssertEqual(network.graph.layers[2].op, .dense(Dense(outFeatures: 5, inFeatures: 192, bias: true)))
        // The [in, out] matrix becomes PyTorch's [out, in].
        let weight = try XCTUnwrap(network.weights["fc.weight"])
        XCTAssertEqual(weight.shape, [5, 192])
        XCTAssertEqual(weight.values[1], Float(5) / 100, "element [0][1] is the matrix's [1][0]")
        XCTAssertEqual(network.weights["fc.bias"]?.shape, [5])
        XCTAssertTrue(network.notes.isEmpty)
    }

    func testSigmoidTimesItsInputIsSiLU() throws {
        let net = model(
            [
                node("/act/Sigmoid", "Sigmoid", ["x"], ["s"]),
                node("/act/Mul", "Mul", ["x", "s"], ["y"]),
            ], initializers: [], output: "y")
        let graph = try ONNXImport.network(net, file: "silu.onnx").graph
        XCTAssertEqual(graph.layers.map(\.op), [.input, .activation(.silu)])
        XCTAssertEqual(graph.layers[1].name, "act")
    }

    func testEveryUnsupportedOpIsNamedWithANodeInOneError() {
        let net = model(
            [
                node("/norm/LayerNormalization", "LayerNormalization", ["x", "g"], ["a"]),
                node("/up/Resize", "Resize", ["x"], ["b"]),
                node("/up2/Resize", "Resize", ["x"], ["c"]),
                node("/after/Relu", "Relu", ["a"], ["y"]),
            ], initializers: [tensor("g", [8])], output: "y")
        XCTAssertThrowsError(try ONNXImport.network(net, file: "vit.onnx")) { error in
            XCTAssertEqual(
                "\(error)",
                "vit.onnx: cannot read 3 nodes: LayerNormalization (a layer norm over axis -1 of a 3x8x8 tensor (only over the "
                    + "channels of each position); node /norm/LayerNormalization); Resize (not an op cnn-tui reads; node /up/Resize, 2 in all)")
        }
    }

    /// A transpose other than to channels last and back cannot be read; the ops after it that
    /// cnn-tui never reads are named too (not just the first problem), the readable ones skipped.
    func testOpsAfterAnUnreadableNodeAreStillNamed() {
        let net = model(
            [
                node("/t/Transpose", "Transpose", ["x"], ["a"], ["perm": .ints([0, 2, 1, 3])]),
                node("/n/LayerNormalization", "LayerNormalization", ["a", "g"], ["b"]),
                node("/r/Relu", "Relu", ["b"], ["c"]),
                node("/g/Resize", "Resize", ["c"], ["y"]),
            ], initializers: [tensor("g", [3])], output: "y")
        XCTAssertThrowsError(try ONNXImport.network(net, file: "swin.onnx")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("swin.onnx: cannot read 2 nodes: Transpose (a transpose by [0, 2, 1, 3] of a 3x8x8 map"), text)
            XCTAssertTrue(text.contains("Resize (not an op cnn-tui reads; node /g/Resize)"), text)
            XCTAssertFalse(text.contains("Relu") || text.contains("LayerNormalization"), "a readable op after an unreadable one is skipped")
        }
    }

    /// ConvNeXt's channels-last block: transpose, LayerNorm over channels, Linear (MatMul + Add),
    /// GELU as TorchScript spells it, transpose back, layer scale.
    func testAChannelsLastBlockIsReadOnTheMap() throws {
        let net = model(
            [
                node("/t/Transpose", "Transpose", ["x"], ["a"], ["perm": .ints([0, 2, 3, 1])]),
                node("/n/LayerNormalization", "LayerNormalization", ["a", "g", "b"], ["n"], ["epsilon": .float(1e-6)]),
                node("/fc/MatMul", "MatMul", ["n", "w"], ["m"]),
                node("/fc/Add", "Add", ["fb", "m"], ["f"]),
                node("/act/Div", "Div", ["f", "s2"], ["d"]),
                node("/act/Erf", "Erf", ["d"], ["e"]),
                node("/act/Add", "Add", ["e", "one"], ["e1"]),
                node("/act/Mul", "Mul", ["f", "e1"], ["p"]),
                node("/act/Mul_1", "Mul", ["p", "half"], ["q"]),
                node("/back/Transpose", "Transpose", ["q"], ["r"], ["perm": .ints([0, 3, 1, 2])]),
                node("/Mul", "Mul", ["ls", "r"], ["y"]),
            ],
            initializers: [
                tensor("g", [3]), tensor("b", [3]), tensor("w", [3, 5]), tensor("fb", [5]), tensor("ls", [5, 1, 1]),
                scalar("s2", Float(2.0.squareRoot())), scalar("one", 1), scalar("half", 0.5),
            ], output: "y")
        let graph = try ONNXImport.network(net, file: "convnext.onnx").graph
        XCTAssertEqual(
            graph.layers.map(\.op),
            [
                .input, .layerNorm(LayerNorm(epsilon: Double(Float(1e-6)))),
                .dense(Dense(outFeatures: 5, inFeatures: 3, bias: true, perPosition: true)), .activation(.gelu), .channelScale,
            ])
        XCTAssertEqual(try ModelAnalysis(graph: graph, input: TensorShape(channels: 3, height: 8, width: 8)).layers.last?.outputShape.dims, [5, 8, 8])
    }

    /// DenseNet's first dense layer concatenates a list of one tensor.
    func testAConcatenationOfOneIsTheTensorItself() throws {
        let net = model(
            [node("/cat/Concat", "Concat", ["x"], ["c"], ["axis": .int(1)]), node("/relu/Relu", "Relu", ["c"], ["y"])],
            initializers: [], output: "y")
        let graph = try ONNXImport.network(net, file: "d.onnx").graph
        XCTAssertEqual(graph.layers.map(\.op), [.input, .activation(.relu)])
        XCTAssertEqual(graph.layers[1].inputs, [0])
    }

    /// torch.export writes nn.GELU() as one Gelu node (opset 20); the tanh approximation is refused.
    func testGeluIsAnActivation() throws {
        let exact = model([node("/act/Gelu", "Gelu", ["x"], ["y"])], initializers: [], output: "y", opset: 20)
        XCTAssertEqual(try ONNXImport.network(exact, file: "g.onnx").graph.layers.map(\.op), [.input, .activation(.gelu)])
        let tanh = model([node("/act/Gelu", "Gelu", ["x"], ["y"], ["approximate": .string("tanh")])], initializers: [], output: "y", opset: 20)
        XCTAssertThrowsError(try ONNXImport.network(tanh, file: "g.onnx"))
    }

    func testADynamicInputNeedsASize() throws {
        let net = model(
            [node("/relu/Relu", "Relu", ["x"], ["y"])], initializers: [],
            input: [.symbol("N"), .value(3), .symbol("H"), .symbol("W")], output: "y")
        XCTAssertThrowsError(try ONNXImport.network(net, file: "any.onnx")) { error in
            XCTAssertEqual("\(error)", "any.onnx: the input 'x' has dynamic or unknown sizes (Nx3xHxW): give the size with --input CxHxW")
        }
        let network = try ONNXImport.network(net, file: "any.onnx", input: TensorShape(channels: 3, height: 32, width: 32))
        XCTAssertNil(network.input, "the file itself says nothing")
        XCTAssertEqual(network.graph.layers.count, 2)
    }

    func testAnInputThatIsNotAnImageIsSaidSo() {
        let net = model([node("/relu/Relu", "Relu", ["x"], ["y"])], initializers: [], input: [.value(1), .value(4)], output: "y")
        XCTAssertThrowsError(try ONNXImport.network(net, file: "flat.onnx")) { error in
            XCTAssertEqual("\(error)", "flat.onnx: the input 'x' is 1x4; cnn-tui reads networks on images, N x C x H x W")
        }
    }

    func testShapesThatContradictEachOtherNameTheNode() {
        let net = model(
            [node("/fc/Gemm", "Gemm", ["x", "w"], ["y"], ["transB": .int(1)])],
            initializers: [tensor("w", [10, 7])], output: "y")
        XCTAssertThrowsError(try ONNXImport.network(net, file: "bad.onnx")) { error in
            XCTAssertTrue("\(error)".hasPrefix("bad.onnx: cannot read 1 node: Gemm (a dense layer needs a flat input"), "\(error)")
        }
    }

    /// A weight matrix transposed by its own loops, the same as the general permutation gives it.
    func testTransposedMatricesAndTensors() throws {
        let matrix = ConstantValue(dims: [2, 3], floats: [1, 2, 3, 4, 5, 6])
        let t = try XCTUnwrap(matrix.transposed(nil))
        XCTAssertEqual(t.dims, [3, 2])
        XCTAssertEqual(t.floatValues, [1, 4, 2, 5, 3, 6])
        XCTAssertEqual(try XCTUnwrap(t.transposed([1, 0])).floatValues, matrix.floatValues)
        let cube = ConstantValue(dims: [2, 1, 3], ints: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(cube.transposed([2, 0, 1])?.intValues, [1, 4, 2, 5, 3, 6])
        XCTAssertNil(matrix.transposed([0, 0]))
    }

    /// ONNX lists nodes in order; a cycle reads a value before any node makes it.
    func testAGraphWithACycleIsRefused() {
        let net = model(
            [node("/a/Relu", "Relu", ["b"], ["a"]), node("/b/Relu", "Relu", ["a"], ["b"]), node("/c/Relu", "Relu", ["x"], ["y"])],
            initializers: [], output: "y")
        XCTAssertThrowsError(try ONNXImport.network(net, file: "cycle.onnx")) { error in
            XCTAssertEqual(
                "\(error)", "cycle.onnx: cannot read 1 node: Relu (it reads 'b', which no earlier node, initializer or graph input makes; node /a/Relu)")
        }
    }

    func testAReshapeOtherThanAFlattenIsRefused() {
        let net = model(
            [node("/Reshape", "Reshape", ["x", "t"], ["y"])], initializers: [ints("t", [1, 3, 64])], output: "y")
        XCTAssertThrowsError(try ONNXImport.network(net, file: "r.onnx")) { error in
            XCTAssertEqual(
                "\(error)",
                "r.onnx: cannot read 1 node: Reshape (a reshape of [1, 3, 8, 8] to [1, 3, 64] (only to a flat vector or a C x H x W map); node /Reshape)")
        }
    }

    /// Sizes from a file that would divide by zero or overflow the shape arithmetic.
    func testHostileWindowsAreErrorsNotTraps() {
        let cases: [(String, [String: ONNXAttribute], String)] = [
            ("Conv", ["group": .int(0)], "weights [4, 3, 3, 3] in 0 groups"),
            ("Conv", ["strides": .ints([0, 1])], "strides [0, 1] (each from 1 to 16,777,216)"),
            ("Conv", ["pads": .ints([-1, 0, 0, 0])], "pads [-1, 0, 0, 0] for a 2-D window"),
            ("Conv", ["dilations": .ints([1 << 40, 1])], "dilations [1099511627776, 1] (each from 1 to 16,777,216)"),
            ("MaxPool", ["kernel_shape": .ints([1 << 40, 2])], "a window of [1099511627776, 2]"),
        ]
        for (op, attributes, reason) in cases {
            let inputs = op == "Conv" ? ["x", "w"] : ["x"]
            let net = model([node("/n/\(op)", op, inputs, ["y"], attributes)], initializers: [tensor("w", [4, 3, 3, 3])], output: "y")
            XCTAssertThrowsError(try ONNXImport.network(net, file: "h.onnx")) { error in
                XCTAssertEqual("\(error)", "h.onnx: cannot read 1 node: \(op) (\(reason); node /n/\(op))")
            }
        }
    }

    func testHostileReshapeTargetsAreErrorsNotTraps() {
        XCTAssertNil(ONNXImporter.resolveReshape([1 << 40, 1 << 40, -1], of: [1, 3, 8, 8]))
        XCTAssertNil(ONNXImporter.resolveReshape([-1, -1], of: [1, 3, 8, 8]))
        XCTAssertEqual(ONNXImporter.resolveReshape([0, -1], of: [1, 3, 8, 8]), [1, 192])
    }

    func testClipToSixIsReLU6AndPaddingIsZeroPad() throws {
        let net = model(
            [
                node("/pad/Pad", "Pad", ["x", "pads"], ["p"]),
                node("/act/Clip", "Clip", ["p", "lo", "hi"], ["y"]),
            ],
            initializers: [
                ints("pads", [0, 0, 1, 2, 0, 0, 3, 4]), tensor("lo", []), ONNXTensor(name: "hi", dataType: .float, dims: [], floats: [6], integers: []),
            ],
            output: "y")
        let graph = try ONNXImport.network(net, file: "m.onnx").graph
        XCTAssertEqual(graph.layers.map(\.op), [.input, .zeroPad(Pad4(top: 1, bottom: 3, left: 2, right: 4)), .activation(.relu6)])
    }
}
