import CNNModel
import XCTest

@testable import CNNZoo

final class ResNetTests: XCTestCase {
    func testResNetsMatchTorchvision() throws {
        for model in [Zoo.resnet18, Zoo.resnet34, Zoo.resnet50, Zoo.resnet101, Zoo.resnet152] {
            try assertMatchesTorchReference(model)
        }
    }

    func testResNet50AtCIFARSizeMatchesTorchvision() throws {
        try assertMatchesTorchReference(Zoo.resnet50, fixture: "resnet50@3x32x32")
    }

    func testPlainNetAndSEResNetMatchTheirPyTorchModules() throws {
        try assertMatchesTorchReference(Zoo.plain34)
        try assertMatchesTorchReference(Zoo.se_resnet50)
    }

    func testResNet50HasItsFamousNumbers() throws {
        let a = try Zoo.resnet50.analysis()
        XCTAssertEqual(a.trainableParams, 25_557_032)
        XCTAssertEqual(a.nonTrainableParams, 53_120, "batchnorm running mean and variance")
        XCTAssertEqual(a.macs, 4_089_238_376)
    }

    func testDepthCountsWeightLayersOnTheLongestPath() throws {
        let expected = ["resnet18": 18, "resnet34": 34, "resnet50": 50, "resnet101": 101, "resnet152": 152, "plain34": 34]
        for (name, depth) in expected {
            XCTAssertEqual(try Zoo.model(named: name)!.analysis().depth, depth, name)
        }
    }

    func testTheShortcutSeesLessThanTheMainPath() throws {
        let a = try Zoo.resnet50.analysis()
        let add = try XCTUnwrap(a.layer(named: "layer1.0.add")).analysis.receptiveField
        XCTAssertTrue(add.isMultiPath)
        XCTAssertLessThan(add.minSize.h, add.size.h)
    }

    func testSqueezeExcitationAddsTenPercentParameters() throws {
        let se = try Zoo.se_resnet50.analysis()
        XCTAssertEqual(se.trainableParams, 28_088_024)
        let plain = try Zoo.resnet50.analysis()
        XCTAssertEqual(Double(se.trainableParams) / Double(plain.trainableParams), 1.099, accuracy: 0.001)
        XCTAssertTrue(try XCTUnwrap(se.layer(named: "layer1.0.relu:3")).analysis.receptiveField.isGlobal)
    }

    func testPlain34HasNoShortcuts() throws {
        let graph = Zoo.plain34.graph()
        XCTAssertFalse(graph.layers.contains { $0.op == .add })
        XCTAssertEqual(try Zoo.plain34.analysis().trainableParams, 21_623_848)
    }
}
