import CNNModel
import XCTest

@testable import CNNZoo

/// Two zoo models compared: the stages add up to each model's totals, and the diff finds what
/// the papers say differs.
final class ModelComparisonTests: XCTestCase {
    func analysis(_ name: String) throws -> ModelAnalysis { try XCTUnwrap(Zoo.model(named: name)).analysis() }

    /// ResNet-18 and ResNet-34 differ only in blocks per stage, [2, 2, 2, 2] against [3, 4, 6, 3]
    /// (He et al. 2015, Table 1): the diff inserts exactly those blocks' layers and changes nothing.
    func testResNet34AddsBlocksToResNet18() throws {
        let c = ModelComparison(try analysis("resnet18"), try analysis("resnet34"))
        var inserted = Set<String>()
        for change in c.changes {
            switch change {
            case .inserted(let id):
                let name = c.second.graph.layers[id].name
                inserted.insert(name.split(separator: ".").prefix(2).joined(separator: "."))
            case .removed, .changed: XCTFail("\(change)")
            case .same: break
            }
        }
        XCTAssertEqual(inserted, ["layer1.2", "layer2.2", "layer2.3", "layer3.2", "layer3.3", "layer3.4", "layer3.5", "layer4.2"])
        XCTAssertEqual(c.changes.filter { if case .inserted = $0 { true } else { false } }.count, 8 * 7, "7 layers per BasicBlock")
    }

    /// VGG-16 with batchnorm: one BatchNorm2d after each of the 13 convolutions, nothing else.
    func testVGG16BNInsertsABatchnormAfterEachConvolution() throws {
        let c = ModelComparison(try analysis("vgg16"), try analysis("vgg16_bn"))
        let inserted = c.changes.compactMap { if case .inserted(let id) = $0 { c.second.graph.layers[id].op.typeName } else { nil } }
        XCTAssertEqual(inserted, [String](repeating: "BatchNorm2d", count: 13))
        XCTAssertFalse(c.changes.contains { if case .same = $0 { false } else if case .inserted = $0 { false } else { true } })
    }

    /// Each model's stages hold all of its layers once, and add up to its totals.
    func testStagesAddUpToTheTotals() throws {
        for name in ["resnet50", "googlenet", "mobilenet_v2", "lenet5", "densenet121"] {
            let a = try analysis(name)
            let stages = ModelComparison.stages(a, params: .torchinfo)
            XCTAssertEqual(stages.flatMap(\.layers).sorted(), Array(1..<a.graph.layers.count), name)
            XCTAssertEqual(stages.map(\.params).reduce(0, +), a.params(.torchinfo), name)
            XCTAssertEqual(stages.map(\.macs).reduce(0, +), a.macs, name)
        }
        let resnet = ModelComparison.stages(try analysis("resnet50"), params: .torchinfo)
        XCTAssertEqual(resnet.map(\.resolution), ["112x112", "56x56", "28x28", "14x14", "7x7", "1x1", "flat"])
        XCTAssertEqual(resnet.map(\.channels), [64, 256, 512, 1024, 2048, 2048, 1000])
    }
}
