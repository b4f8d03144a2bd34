import CNNModel
import Foundation
import XCTest

@testable import CNNImport

/// Small Keras documents written here: Keras 2's connections, and every way a file can be wrong,
/// each with the message the user reads.
final class KerasImportTests: XCTestCase {
    /// A Keras 3 layer entry reading `inbound` (nil: none, as in a Sequential model).
    private func layer(_ className: String, _ name: String, _ config: String = "", inbound: [String]? = nil) -> String {
        let settings = "\"name\": \"\(name)\"" + (config.isEmpty ? "" : ", " + config)
        let nodes =
            inbound.map { names in
                let tensors = names.map {
                    "{\"class_name\": \"__keras_tensor__\", \"config\": {\"keras_history\": [\"\($0)\", 0, 0]}}"
                }
                let args = names.count == 1 ? tensors[0] : "[" + tensors.joined(separator: ", ") + "]"
                return ", \"inbound_nodes\": [{\"args\": [\(args)], \"kwargs\": {}}]"
            } ?? ""
        return "{\"class_name\": \"\(className)\", \"name\": \"\(name)\", \"config\": {\(settings)}\(nodes)}"
    }

    private func input(_ shape: String = "[null, 8, 8, 3]", inbound: Bool = false) -> String {
        layer("InputLayer", "input", "\"batch_shape\": \(shape)", inbound: inbound ? [] : nil)
    }

    private func document(_ className: String, _ layers: [String]) -> Data {
        Data("{\"class_name\": \"\(className)\", \"config\": {\"name\": \"net\", \"layers\": [\(layers.joined(separator: ", "))]}}".utf8)
    }

    private func network(_ data: Data) throws -> ImportedNetwork {
        try KerasImport.network(try KerasFile.decode(data, file: "net.json"), file: "net.json")
    }

    private func assertError(_ data: Data, _ message: String, line: UInt = #line) {
        XCTAssertThrowsError(try network(data), line: line) { error in
            XCTAssertEqual((error as? ImportError)?.description, message, line: line)
        }
    }

    func testSequentialConvWithActivationBecomesConvThenReLU() throws {
        let net = try network(
            document(
                "Sequential",
                [input(), layer("Conv2D", "conv", "\"filters\": 4, \"kernel_size\": [3, 3], \"padding\": \"same\", \"activation\": \"relu\"")]))
        XCTAssertEqual(net.graph.layers.map(\.name), ["input", "conv", "conv_relu"])
        XCTAssertEqual(net.input, TensorShape(channels: 3, height: 8, width: 8))
        let analysis = try ModelAnalysis(graph: net.graph, input: try XCTUnwrap(net.input))
        XCTAssertEqual(analysis.totalParams, 4 * 3 * 9 + 4)
        XCTAssertEqual(analysis.layers.last?.outputShape, TensorShape(channels: 4, height: 8, width: 8))
        XCTAssertTrue(net.notes[0].hasPrefix("the weights are not in the file"))
    }

    func testKeras2InboundNodesAreRead() throws {
        let data = Data(
            """
            {"class_name": "Model", "keras_version": "2.15.0", "config": {"name": "old", "layers": [
              {"class_name": "InputLayer", "name": "input_1", "config": {"name": "input_1", "batch_input_shape": [null, 4, 4, 2]}, "inbound_nodes": []},
              {"class_name": "Conv2D", "name": "a", "config": {"name": "a", "filters": 2, "kernel_size": [1, 1]}, "inbound_nodes": [[["input_1", 0, 0, {}]]]},
              {"class_name": "Add", "name": "sum", "config": {"name": "sum"}, "inbound_nodes": [[["a", 0, 0, {}], ["input_1", 0, 0, {}]]]}
            ]}}
            """.utf8)
        let net = try network(data)
        XCTAssertEqual(net.graph.layers.map(\.name), ["input_1", "a", "sum"])
        XCTAssertEqual(net.graph.layers[2].inputs, [1, 0])
        XCTAssertEqual(net.producer, "Keras 2.15.0, Model")
    }

    func testAKeras2SequentialDeclaresItsInputOnTheFirstLayer() throws {
        let net = try network(
            document(
                "Sequential",
                [
                    layer("Conv2D", "c", "\"batch_input_shape\": [null, 6, 6, 1], \"filters\": 2, \"kernel_size\": 3"),
                    layer("GlobalAveragePooling2D", "gap"),
                ]))
        XCTAssertEqual(net.graph.layers.map(\.name), ["input_layer", "c", "gap"])
        XCTAssertEqual(net.input, TensorShape(channels: 1, height: 6, width: 6))
        let analysis = try ModelAnalysis(graph: net.graph, input: try XCTUnwrap(net.input))
        XCTAssertEqual(analysis.layers.last?.outputShape, TensorShape(features: 2))
    }

    /// `activation="gelu"` is Keras's exact GELU: a layer of its own after the convolution.
    func testAGELUActivationBecomesItsOwnLayer() throws {
        let net = try network(
            document(
                "Sequential",
                [layer("Conv2D", "c", "\"batch_input_shape\": [null, 6, 6, 1], \"filters\": 2, \"kernel_size\": 3, \"activation\": \"gelu\"")]))
        XCTAssertEqual(net.graph.layers.map(\.op).last, .activation(.gelu))
        XCTAssertEqual(net.graph.layers.last?.name, "c_gelu")
    }

    func testCorruptJSONIsSaidToBeSo() {
        assertError(Data("{\"class_name\": \"Sequential\", \"config\": {\"layers\": [".utf8), "net.json: is not a Keras model file (not valid JSON)")
        assertError(Data("{\"format\": 1}".utf8), "net.json: is not a Keras model (no \"class_name\" and \"config\" at the top)")
    }

    func testEveryUnsupportedClassIsNamedWithALayerUsingIt() {
        assertError(
            document(
                "Sequential",
                [
                    input(), layer("LSTM", "lstm"), layer("Lambda", "l1"), layer("Lambda", "l2"),
                    layer("Resizing", "resize"), layer("Dense", "d", "\"units\": 2, \"activation\": \"elu\""),
                ]),
            "net.json: unsupported Keras layers: LSTM (layer lstm); Lambda (layer l1, 2 in all); "
                + "Resizing (layer resize); activation 'elu' (layer d)")
    }

    func testNestedModelsAreRefused() {
        assertError(
            document("Functional", [input(inbound: true), layer("Functional", "inner", inbound: ["input"])]),
            "net.json: unsupported Keras layers: Functional (a nested model: save the inner model's layers in the outer one) (layer inner)")
    }

    func testMissingInboundLayerIsNamed() {
        assertError(
            document("Functional", [input(inbound: true), layer("Add", "sum", inbound: ["input", "nowhere"])]),
            "net.json: layer 'sum' (Add) reads 'nowhere', which no layer before it defines")
    }

    func testHostileSizesAreErrorsNotCrashes() {
        assertError(
            document("Sequential", [input(), layer("Conv2D", "c", "\"filters\": 0, \"kernel_size\": 3")]),
            "net.json: layer 'c' (Conv2D) has filters 0 (from 1 to 16,777,216)")
        assertError(
            document("Sequential", [input(), layer("Conv2D", "c", "\"filters\": 2, \"kernel_size\": [1e12, 3]")]),
            "net.json: layer 'c' (Conv2D) has kernel_size [1000000000000, 3] (two sizes, each from 1 to 16,777,216)")
        assertError(
            document("Sequential", [input("[null, 0, 8, 3]"), layer("Flatten", "f")]),
            "net.json: layer 'input' (InputLayer) has input sizes [0, 8, 3] (each from 1 to 16,777,216)")
        assertError(
            document("Sequential", [input(), layer("ZeroPadding2D", "p", "\"padding\": [[-1, 0], [0, 1]]")]),
            "net.json: layer 'p' (ZeroPadding2D) has padding [[-1, 0], [0, 1]] (from 0 to 16,777,216 on each side)")
        assertError(
            document("Sequential", [input(), layer("Conv2D", "c", "\"filters\": 2, \"kernel_size\": 9")]),
            "net.json: layer 'c' (Conv2D) cannot be computed: the kernel (9 pixels) is larger than its padded input (8 pixels of 3x8x8)")
    }

    func testAHugeInputOverflowsIntoAnErrorNotATrap() {
        assertError(
            document(
                "Sequential",
                [input("[null, 16777216, 16777216, 3]"), layer("Conv2D", "c", "\"filters\": 16777216, \"kernel_size\": 1")]),
            "net.json: layer 'c' (Conv2D) cannot be computed: sizes overflow 64-bit integers")
    }

    func testSharedLayersAndDenseOnAMapAreRefused() {
        let shared =
            "{\"class_name\": \"ReLU\", \"name\": \"r\", \"config\": {\"name\": \"r\"}, \"inbound_nodes\": [{\"args\": [], \"kwargs\": {}}, {\"args\": [], \"kwargs\": {}}]}"
        assertError(
            document("Functional", [input(inbound: true), shared]),
            "net.json: layer 'r' (ReLU) is called 2 times (cnn-tui reads each layer called once, not shared layers)")
        assertError(
            document("Sequential", [input(), layer("Dense", "d", "\"units\": 2")]),
            "net.json: layer 'd' (Dense) reads a 3x8x8 map (cnn-tui reads Dense on a flat vector: after Flatten or global pooling)")
    }

    func testAKerasFileThatIsNotAZipIsSaidToBeSo() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-zip-\(getpid()).keras").path
        try Data("{}".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertThrowsError(try KerasFile.read(path: path)) { error in
            XCTAssertEqual((error as? ImportError)?.description, "\(path): is not a .keras file (not a zip archive)")
        }
    }
}
