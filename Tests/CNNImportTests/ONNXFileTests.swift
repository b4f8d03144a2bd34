import Foundation
import TestSupport
import XCTest

@testable import CNNImport

/// The ONNX reader against the committed fixtures (Scripts/make-onnx-fixtures.py): torch's two
/// exporters checked against what the onnx package itself read from the same files, then the
/// hand-built models for external data, local functions, float16 and each error.
final class ONNXFileTests: XCTestCase {
    /// What the onnx package found in an exported model (the fixture's `.json`).
    struct Expectation: Decodable {
        var irVersion: Int
        var opsetVersion: Int
        var producer: String
        var nodeCount: Int
        var opTypes: [String]
        var initializers: [String: [Int]]
        var initializerSums: [String: Double]
        var inputs: [String]
        var outputs: [String]
        /// A Constant node's attribute and its values, by the node's output.
        var constants: [String: Constant]

        struct Constant: Decodable {
            var attribute: String
            var values: [Double]
        }
    }

    /// A Constant node's values as numbers, whichever attribute holds them.
    private func values(_ attribute: ONNXAttribute?) -> [Double]? {
        switch attribute {
        case .tensor(let tensor)?: tensor.dataType.isFloatingPoint ? tensor.floats.map(Double.init) : tensor.integers.map(Double.init)
        case .ints(let values)?: values.map(Double.init)
        case .int(let value)?: [Double(value)]
        case .floats(let values)?: values.map(Double.init)
        case .float(let value)?: [Double(value)]
        default: nil
        }
    }

    static func path(_ name: String) -> String { Repository.fixture("onnx/\(name)").path }

    private func read(_ name: String) throws -> ONNXModel { try ONNXFile.read(path: Self.path(name)) }

    /// The error reading `name` gives, or a failure if it reads.
    private func readError(_ name: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try ONNXFile.read(path: Self.path(name))
            XCTFail("\(name) was read without an error", file: file, line: line)
            return ""
        } catch {
            return error.description
        }
    }

    private func assertMatchesONNXPackage(_ model: String, _ json: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try JSONDecoder().decode(Expectation.self, from: Data(contentsOf: URL(fileURLWithPath: Self.path(json))))
        let read = try read(model)
        XCTAssertEqual(read.irVersion, expected.irVersion, file: file, line: line)
        XCTAssertEqual(read.opsetVersion, expected.opsetVersion, file: file, line: line)
        XCTAssertEqual(read.producer, expected.producer, file: file, line: line)
        XCTAssertEqual(read.graph.nodes.count, expected.nodeCount, file: file, line: line)
        XCTAssertEqual(read.graph.nodes.map(\.opType), expected.opTypes, file: file, line: line)
        XCTAssertEqual(read.graph.initializers.mapValues(\.dims), expected.initializers, file: file, line: line)
        XCTAssertEqual(read.graph.inputs.map(\.name), expected.inputs, file: file, line: line)
        XCTAssertEqual(read.graph.outputs.map(\.name), expected.outputs, file: file, line: line)
        for (name, sum) in expected.initializerSums {
            let tensor = try XCTUnwrap(read.graph.initializers[name], file: file, line: line)
            let values = tensor.dataType.isFloatingPoint ? tensor.floats.map(Double.init) : tensor.integers.map(Double.init)
            XCTAssertEqual(values.count, tensor.count, "\(name)", file: file, line: line)
            XCTAssertEqual(values.reduce(0, +), sum, accuracy: 1e-5, "sum of \(name)", file: file, line: line)
        }
        for (output, constant) in expected.constants {
            let node = try XCTUnwrap(read.graph.nodes.first { $0.opType == "Constant" && $0.outputs == [output] }, output, file: file, line: line)
            XCTAssertEqual(values(node.attributes[constant.attribute]), constant.values, output, file: file, line: line)
        }
    }

    // MARK: - torch.onnx.export

    func testTorchScriptExportAtOpset13ReadsAsTheONNXPackageReadsIt() throws {
        try assertMatchesONNXPackage("tiny-cnn-opset13.onnx", "tiny-cnn-opset13.json")
    }

    func testDynamoExportReadsAsTheONNXPackageReadsIt() throws {
        try assertMatchesONNXPackage("tiny-cnn-dynamo.onnx", "tiny-cnn-dynamo.json")
    }

    func testDynamoExportWithExternalDataReadsItsSideFile() throws {
        try assertMatchesONNXPackage("tiny-cnn-dynamo-external.onnx", "tiny-cnn-dynamo-external.json")
        // The same weights whether torch wrote them inline or in the .data file.
        let inline = try read("tiny-cnn-dynamo.onnx").graph.initializers
        let external = try read("tiny-cnn-dynamo-external.onnx").graph.initializers
        XCTAssertEqual(external["conv2.weight"]?.floats.count, 8 * 4 * 3 * 3)
        XCTAssertEqual(external, inline)
    }

    func testTorchScriptExportWithoutConstantFoldingKeepsBatchNormalization() throws {
        try assertMatchesONNXPackage("tiny-cnn-opset13-unfolded.onnx", "tiny-cnn-opset13-unfolded.json")
        // torch shares equal tensors: running_var is an Identity of weight (all ones), running_mean of bias.
        try assertBatchNormalizationReadsItsParameters("tiny-cnn-opset13-unfolded.onnx", fromInitializers: 2)
    }

    func testUnoptimizedDynamoExportKeepsBatchNormalizationAndConstants() throws {
        try assertMatchesONNXPackage("tiny-cnn-dynamo-unoptimized.onnx", "tiny-cnn-dynamo-unoptimized.json")
        try assertBatchNormalizationReadsItsParameters("tiny-cnn-dynamo-unoptimized.onnx", fromInitializers: 4)
        let json = try Data(contentsOf: URL(fileURLWithPath: Self.path("tiny-cnn-dynamo-unoptimized.json")))
        XCTAssertEqual(try JSONDecoder().decode(Expectation.self, from: json).constants.count, 4)
    }

    private func assertBatchNormalizationReadsItsParameters(_ name: String, fromInitializers: Int, line: UInt = #line) throws {
        let graph = try read(name).graph
        let batchNorm = try XCTUnwrap(graph.nodes.first { $0.opType == "BatchNormalization" }, line: line)
        XCTAssertEqual(batchNorm.inputs.count, 5, line: line)
        // Scale, bias, mean and variance: 4 channels each, from initializers or earlier nodes.
        let defined = Set(graph.nodes.flatMap(\.outputs)).union(graph.initializers.keys)
        XCTAssertTrue(batchNorm.inputs.allSatisfy(defined.contains), "\(batchNorm.inputs)", line: line)
        let parameters = batchNorm.inputs.dropFirst().compactMap { graph.initializers[$0] }
        XCTAssertEqual(parameters.map(\.dims), Array(repeating: [4], count: fromInitializers), line: line)
        guard case .float(let epsilon)? = batchNorm.attributes["epsilon"] else { return XCTFail("no epsilon", line: line) }
        XCTAssertEqual(epsilon, 1e-5, line: line)
    }

    func testDynamoExportKeepsTorchNameScopesAndShapes() throws {
        let graph = try read("tiny-cnn-dynamo.onnx").graph
        XCTAssertEqual(graph.nodes[0].metadata["pkg.torch.onnx.name_scopes"], "['', 'bn1', '_native_batch_norm_legit_no_training']")
        XCTAssertTrue(graph.nodes.allSatisfy { $0.metadata["pkg.torch.onnx.name_scopes"] != nil })
        XCTAssertEqual(graph.inputs, [ONNXValueInfo(name: "input", elementType: .float, dims: [.value(1), .value(1), .value(8), .value(8)])])
        XCTAssertEqual(graph.outputs.first?.dims, [.value(1), .value(10)])
        XCTAssertFalse(graph.valueInfo.isEmpty)
    }

    func testConvAttributesOfTheOpset13Export() throws {
        let conv = try XCTUnwrap(read("tiny-cnn-opset13.onnx").graph.nodes.first)
        XCTAssertEqual(conv.inputs.first, "input")
        guard case .ints(let kernel)? = conv.attributes["kernel_shape"], case .ints(let pads)? = conv.attributes["pads"] else {
            return XCTFail("Conv attributes \(conv.attributes)")
        }
        XCTAssertEqual(kernel, [3, 3])
        XCTAssertEqual(pads, [1, 1, 1, 1])
    }

    // MARK: - Hand-built models

    func testExternalDataIsReadAtItsOffsetInTheSideFile() throws {
        let weight = try XCTUnwrap(read("external-data.onnx").graph.initializers["conv.weight"])
        XCTAssertEqual(weight.dims, [2, 1, 3, 3])
        XCTAssertEqual(weight.floats, (0..<18).map(Float.init))
    }

    func testLocalFunctionIsInlinedWithTheCallersValuesAndAttributes() throws {
        let graph = try read("local-function.onnx").graph
        XCTAssertEqual(graph.nodes.map(\.name), ["block1/mul", "block1/leaky", "block2/mul", "block2/leaky"])
        XCTAssertEqual(graph.nodes.map(\.opType), ["Mul", "LeakyRelu", "Mul", "LeakyRelu"])
        XCTAssertEqual(graph.nodes.map(\.domain), ["", "", "", ""])
        XCTAssertEqual(graph.nodes.map(\.inputs), [["x", "scale"], ["block1/t"], ["h", "scale"], ["block2/t"]])
        XCTAssertEqual(graph.nodes.map(\.outputs), [["block1/t"], ["h"], ["block2/t"], ["y"]])
        let alphas = graph.nodes.compactMap { node -> Float? in
            if case .float(let alpha)? = node.attributes["alpha"] { return alpha }
            return nil
        }
        XCTAssertEqual(alphas, [0.1, 0.2])
        XCTAssertEqual(graph.nodes[2].metadata["pkg.torch.onnx.name_scopes"], "['block', 'mul']")
        XCTAssertEqual(graph.nodes[3].metadata[ONNXNode.inlinedFromKey], "local.ScaledRelu called by block2")
    }

    func testFloat16InitializerBecomesFloat() throws {
        let bias = try XCTUnwrap(read("float16-initializer.onnx").graph.initializers["bias"])
        XCTAssertEqual(bias.dataType, .float16)
        XCTAssertEqual(bias.floats, [1, -2, 0.5, 65504])
        XCTAssertEqual(bias.integers, [])
    }

    func testHalfToFloatCoversSubnormalsInfinityAndNaN() {
        XCTAssertEqual(ONNXModelReader.float(half: 0x3c00), 1)
        XCTAssertEqual(ONNXModelReader.float(half: 0x0001), 0x1p-24)  // the smallest subnormal
        XCTAssertEqual(ONNXModelReader.float(half: 0x8200), -0x1p-15)
        XCTAssertEqual(ONNXModelReader.float(half: 0x7c00), .infinity)
        XCTAssertEqual(ONNXModelReader.float(half: 0xfc00), -.infinity)
        XCTAssertTrue(ONNXModelReader.float(half: 0x7e00).isNaN)
    }

    // MARK: - Errors, one line each

    func testAnUndefinedInputNamesTheNodeAndTheValue() {
        XCTAssertEqual(
            readError("undefined-input.onnx"),
            "\(Self.path("undefined-input.onnx")): node 'add' (Add) reads 'missing', which no graph input, initializer or earlier node defines"
        )
    }

    func testATruncatedFileIsRefused() {
        XCTAssertEqual(
            readError("truncated.onnx"),
            "\(Self.path("truncated.onnx")): is not a complete ONNX file (it ends in the middle of a field: truncated?)"
        )
    }

    func testAnInitializerWithTooLittleDataNamesIt() {
        XCTAssertEqual(
            readError("short-initializer.onnx"),
            "\(Self.path("short-initializer.onnx")): initializer 'fc.weight' has 60 bytes of data, but dims 4x4 of float need 64"
        )
    }

    func testExternalDataOutsideTheModelsFolderIsRefused() {
        XCTAssertEqual(
            readError("escaping-external.onnx"),
            "\(Self.path("escaping-external.onnx")): initializer 'conv.weight' is stored in '../outside.bin', outside the model's folder"
        )
    }

    func testExternalDataNeedsTheModelsFolder() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.path("external-data.onnx")))
        XCTAssertThrowsError(try ONNXFile.decode(data, folder: nil, fileName: "net.onnx")) { error in
            XCTAssertEqual("\(error)", "net.onnx: initializer 'conv.weight' is stored in 'external-data.bin', but the model was not read from a file")
        }
    }

    func testAMissingFileIsOneLine() {
        XCTAssertEqual(readError("no-such-model.onnx"), "\(Self.path("no-such-model.onnx")): no such file")
    }

    func testTextIsNotAnONNXFile() {
        XCTAssertThrowsError(try ONNXFile.decode(Data("not a model\n".utf8), folder: nil, fileName: "notes.txt")) { error in
            XCTAssertEqual("\(error)", "notes.txt: is not an ONNX file (corrupt protobuf data: a field of no valid type or length)")
        }
    }

    func testEveryPrefixAndEveryFlippedByteReadsOrGivesOneLine() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.path("tiny-cnn-opset13.onnx")))
        var refused = 0
        func check(_ bytes: Data) {
            do {
                _ = try ONNXFile.decode(bytes, folder: nil, fileName: "x.onnx")
            } catch {
                refused += 1
                XCTAssertTrue(error.description.hasPrefix("x.onnx: ") && !error.description.contains("\n"), error.description)
            }
        }
        for length in 0..<data.count {
            check(data.prefix(length))
        }
        for index in data.indices {
            var flipped = data
            flipped[index] ^= 0xff
            check(flipped)
        }
        // Nearly every prefix lacks a node the output needs, or ends mid-field.
        XCTAssertGreaterThan(refused, data.count)
    }
}
