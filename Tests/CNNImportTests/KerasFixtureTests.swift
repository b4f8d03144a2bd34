import CNNModel
import Foundation
import TestSupport
import XCTest

@testable import CNNImport

/// Keras's own models, written by Scripts/make-keras-fixtures.py, against what Keras's
/// `model.summary()` says of them: every layer's output shape and parameters, and the totals.
final class KerasFixtureTests: XCTestCase {
    /// What the fixture script read from the Keras model object.
    private struct Summary: Decodable {
        struct Row: Decodable {
            let name: String
            let `class`: String
            let output_shape: [Int]
            let params: Int
        }
        let layers: [Row]
        let trainable: Int
        let non_trainable: Int
        let total: Int
    }

    private func summary(_ name: String) throws -> Summary {
        let data = try Data(contentsOf: Repository.fixture("keras/\(name).summary.json"))
        return try JSONDecoder().decode(Summary.self, from: data)
    }

    /// Reads `file`, analyses it at its declared input, and compares it with `name`'s summary.
    @discardableResult
    private func assertMatchesKeras(_ file: String, summary name: String, line: UInt = #line) throws -> ModelAnalysis {
        let path = Repository.fixture("keras/" + file).path
        let model = try KerasFile.read(path: path)
        let network = try KerasImport.network(model, file: path)
        XCTAssertTrue(network.weights.isEmpty, line: line)
        let analysis = try ModelAnalysis(graph: network.graph, input: try XCTUnwrap(network.input))
        let expected = try summary(name)
        XCTAssertEqual(analysis.trainableParams, expected.trainable, "trainable", line: line)
        XCTAssertEqual(analysis.nonTrainableParams, expected.non_trainable, "non-trainable", line: line)
        XCTAssertEqual(analysis.totalParams, expected.total, "total", line: line)

        let byName = Dictionary(uniqueKeysWithValues: network.graph.layers.map { ($0.name, $0.id) })
        let configs = Dictionary(uniqueKeysWithValues: model.layers.map { ($0.name, $0) })
        for row in expected.layers {
            // The graph layers a Keras layer becomes: itself, or its depthwise and pointwise
            // halves, then its activation.
            let keras = try XCTUnwrap(configs[row.name], row.name, line: line)
            var names = keras.className == "SeparableConv2D" ? [row.name + "_depthwise", row.name + "_pointwise"] : [row.name]
            if keras.className != "Activation", let activation = keras.config["activation"]?.string, activation != "linear" {
                names.append(row.name + "_" + activation)
            }
            let ids = try names.map { try XCTUnwrap(byName[$0], "no layer \($0)", line: line) }
            let params = ids.map { analysis.layers[$0].params }.reduce(0, +)
            XCTAssertEqual(params, row.params, "\(row.name) (\(row.class)) params", line: line)
            let kerasShape = row.output_shape.count == 3 ? [row.output_shape[2], row.output_shape[0], row.output_shape[1]] : row.output_shape
            XCTAssertEqual(analysis.layers[ids.last!].outputShape.dims, kerasShape, "\(row.name) (\(row.class)) output", line: line)
        }
        return analysis
    }

    func testVGG16HasKerasCount138357544() throws {
        let analysis = try assertMatchesKeras("vgg16.json", summary: "vgg16")
        XCTAssertEqual(analysis.totalParams, 138_357_544)
        XCTAssertEqual(analysis.layers.last?.outputShape, TensorShape(features: 1000))
    }

    func testVGG16KerasArchiveReadsAsItsJSON() throws {
        try assertMatchesKeras("vgg16.keras", summary: "vgg16")
        let archive = try KerasImport.network(KerasFile.read(path: Repository.fixture("keras/vgg16.keras").path), file: "vgg16.keras")
        let json = try KerasImport.network(KerasFile.read(path: Repository.fixture("keras/vgg16.json").path), file: "vgg16.json")
        XCTAssertEqual(archive.graph.layers, json.graph.layers)
        XCTAssertEqual(archive.producer, "Keras 3.15.1, Functional")
    }

    /// LeakyReLU three ways (a layer, `activation="leaky_relu"`, `ReLU(negative_slope=)`), a
    /// squeeze-and-excitation block with Reshape((1, 1, C)) and Multiply, and GlobalMaxPooling2D.
    func testLeakyReLUAndGlobalMaxPooling() throws {
        let analysis = try assertMatchesKeras("leaky_cnn.json", summary: "leaky_cnn")
        let ops = Dictionary(uniqueKeysWithValues: analysis.graph.layers.map { ($0.name, $0.op) })
        XCTAssertEqual(ops["conv1_leaky_relu"], .activation(.leakyRelu(slope: 0.2)), "Keras 3's leaky_relu slope")
        XCTAssertEqual(ops["leaky"], .activation(.leakyRelu(slope: 0.1)))
        XCTAssertEqual(ops["relu_slope"], .activation(.leakyRelu(slope: 0.05)))
        XCTAssertEqual(ops["gmp"], .globalMaxPool(keepDims: false))
        XCTAssertEqual(ops["se_reshape"], .reshape(TensorShape(channels: 16, height: 1, width: 1)))
        XCTAssertEqual(ops["se_scale"], .multiply)
        XCTAssertEqual(analysis.layers.last?.receptiveField.isGlobal, true)
    }

    func testMobileNetV2CountsBatchNormStatisticsAsNonTrainable() throws {
        let analysis = try assertMatchesKeras("mobilenet_v2_035.json", summary: "mobilenet_v2_035")
        XCTAssertEqual(analysis.nonTrainableParams, 14_080)
    }

    func testNaiveInceptionModuleWithItsFiveByFiveAsThreeByThreeHas180() throws {
        let analysis = try assertMatchesKeras("inception_naive.json", summary: "inception_naive")
        XCTAssertEqual(analysis.totalParams, 180)
        XCTAssertEqual(analysis.layers.last?.outputShape, TensorShape(channels: 12, height: 32, width: 32))
    }

    func testReducedInceptionModule() throws {
        let analysis = try assertMatchesKeras("inception_reduced.json", summary: "inception_reduced")
        XCTAssertEqual(analysis.totalParams, 12 + (8 + 57) + (8 + 57) + 12)
    }

    func testSmallSequentialCNNFromJSONAndFromAWholeKerasFile() throws {
        try assertMatchesKeras("small_cnn.json", summary: "small_cnn")
        let analysis = try assertMatchesKeras("small_cnn.keras", summary: "small_cnn")
        let names = analysis.graph.layers.map(\.name)
        XCTAssertEqual(Array(names.prefix(3)), ["input_layer_2", "conv1", "conv1_relu"])
        XCTAssertEqual(names.last, "predictions_softmax")
    }
}
