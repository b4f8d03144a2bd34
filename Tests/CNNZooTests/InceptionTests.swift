import CNNModel
import XCTest

@testable import CNNZoo

final class InceptionTests: XCTestCase {
    // MARK: Against torchvision + torchinfo

    func testGoogLeNetMatchesPyTorch() throws {
        try assertMatchesTorchReference(Zoo.googlenet)
    }

    func testGoogLeNetWithAuxiliaryClassifiersMatchesPyTorch() throws {
        try assertMatchesTorchReference(Zoo.googlenet, fixture: "googlenet_aux", options: ZooOptions(auxClassifiers: true))
    }

    func testInceptionV3MatchesPyTorch() throws {
        try assertMatchesTorchReference(Zoo.inception_v3)
    }

    func testInceptionV3WithAuxiliaryClassifierMatchesPyTorch() throws {
        try assertMatchesTorchReference(
            Zoo.inception_v3, fixture: "inception_v3_aux", options: ZooOptions(auxClassifiers: true))
    }

    // MARK: GoogLeNet, as the course tells it

    func testGoogLeNetHas6624904ParametersAnd22WeightLayers() throws {
        let analysis = try Zoo.googlenet.analysis()
        XCTAssertEqual(analysis.trainableParams, 6_624_904)
        XCTAssertEqual(analysis.depth, 22)
        XCTAssertEqual(analysis.graph.outputs.count, 1)
    }

    func testInception3aConcatenatesFourBranchesInto256Channels() throws {
        let analysis = try Zoo.googlenet.analysis()
        func shape(_ name: String) -> TensorShape? { analysis.layer(named: name)?.analysis.outputShape }
        XCTAssertEqual(shape("maxpool2"), TensorShape(channels: 192, height: 28, width: 28))
        XCTAssertEqual(shape("inception3a.branch1.conv"), TensorShape(channels: 64, height: 28, width: 28))
        XCTAssertEqual(shape("inception3a.branch2.1.conv"), TensorShape(channels: 128, height: 28, width: 28))
        XCTAssertEqual(shape("inception3a.branch3.1.conv"), TensorShape(channels: 32, height: 28, width: 28))
        XCTAssertEqual(shape("inception3a.branch4.1.conv"), TensorShape(channels: 32, height: 28, width: 28))
        XCTAssertEqual(shape("inception3a.cat"), TensorShape(channels: 256, height: 28, width: 28))

        // The 1x1 reductions are what keep the module cheap: the 3x3 branch reads 96 channels,
        // not the 192 coming in.
        let reduce = try XCTUnwrap(analysis.layer(named: "inception3a.branch2.0.conv"))
        XCTAssertEqual(reduce.analysis.outputShape.channels, 96)
        XCTAssertEqual(analysis.layer(named: "inception3a.branch2.1.conv")?.analysis.trainableParams, 96 * 128 * 9)
    }

    func testInceptionModuleHasAMultiPathReceptiveField() throws {
        let analysis = try Zoo.googlenet.analysis()
        let input = try XCTUnwrap(analysis.layer(named: "maxpool2")).analysis.receptiveField
        let field = try XCTUnwrap(analysis.layer(named: "inception3a.cat")).analysis.receptiveField
        XCTAssertTrue(field.isMultiPath)
        XCTAssertLessThan(field.minSize.h, field.size.h)
        // The 1x1 branch sees what maxpool2 saw; the 3x3 branches (and the 3x3 pool) add one
        // step of maxpool2's jump (8 pixels) on each side.
        XCTAssertEqual(field.minSize, input.size)
        XCTAssertEqual(field.size.h, input.size.h + 2 * input.jump.h)
        XCTAssertEqual(field.jump, 8)
    }

    func testGoogLeNetBlocksCarryTorchvisionClassNames() throws {
        let graph = Zoo.googlenet.graph(ZooOptions(auxClassifiers: true))
        func type(_ name: String) -> String? { graph.blocks.first { $0.name == name }?.type }
        XCTAssertEqual(type("conv1"), "BasicConv2d")
        XCTAssertEqual(type("inception4e"), "Inception")
        XCTAssertEqual(type("inception4e.branch3"), "Sequential")
        XCTAssertEqual(type("aux1"), "InceptionAux")
        XCTAssertEqual(type("aux2"), "InceptionAux")
        // The functional ReLU and concat are not modules.
        XCTAssertNil(graph.layer(named: "conv1.relu")?.module)
        XCTAssertNil(graph.layer(named: "inception3a.cat")?.module)
    }

    func testGoogLeNetAuxiliaryHeadsReadInception4aAnd4d() throws {
        let analysis = try Zoo.googlenet.analysis(options: ZooOptions(auxClassifiers: true))
        let graph = analysis.graph
        XCTAssertEqual(graph.outputs.count, 3)
        let pool1 = try XCTUnwrap(graph.layer(named: "aux1.adaptive_avg_pool2d"))
        let pool2 = try XCTUnwrap(graph.layer(named: "aux2.adaptive_avg_pool2d"))
        XCTAssertEqual(pool1.inputs, [try XCTUnwrap(graph.layer(named: "inception4a.cat")).id])
        XCTAssertEqual(pool2.inputs, [try XCTUnwrap(graph.layer(named: "inception4d.cat")).id])
        XCTAssertEqual(analysis.layers[pool1.id].outputShape, TensorShape(channels: 512, height: 4, width: 4))
        XCTAssertEqual(analysis.layers[pool2.id].outputShape, TensorShape(channels: 528, height: 4, width: 4))
        // Each head: BasicConv2d 1x1 to 128 channels, fc1 2048 -> 1024, fc2 1024 -> 1000.
        let plain = try Zoo.googlenet.analysis()
        let head = (512 * 128 + 2 * 128) + (2048 * 1024 + 1024) + (1024 * 1000 + 1000)
        XCTAssertEqual(analysis.trainableParams, plain.trainableParams + 2 * head + 16 * 128)
        XCTAssertEqual(analysis.depth, 22)
    }

    // MARK: Inception v3

    func testInceptionV3GridShrinksFrom35To17To8() throws {
        let analysis = try Zoo.inception_v3.analysis()
        func shape(_ name: String) -> TensorShape? { analysis.layer(named: name)?.analysis.outputShape }
        XCTAssertEqual(shape("maxpool2"), TensorShape(channels: 192, height: 35, width: 35))
        XCTAssertEqual(shape("Mixed_5d.cat"), TensorShape(channels: 288, height: 35, width: 35))
        XCTAssertEqual(shape("Mixed_6a.cat"), TensorShape(channels: 768, height: 17, width: 17))
        XCTAssertEqual(shape("Mixed_6e.cat"), TensorShape(channels: 768, height: 17, width: 17))
        XCTAssertEqual(shape("Mixed_7a.cat"), TensorShape(channels: 1280, height: 8, width: 8))
        XCTAssertEqual(shape("Mixed_7c.cat:3"), TensorShape(channels: 2048, height: 8, width: 8))
        XCTAssertEqual(analysis.trainableParams, 23_834_568)
    }

    func testInceptionV3FactorizesSevenBySevenIntoOneBySevenAndSevenByOne() throws {
        let analysis = try Zoo.inception_v3.analysis()
        let oneBySeven = try XCTUnwrap(analysis.layer(named: "Mixed_6b.branch7x7_2.conv"))
        let sevenByOne = try XCTUnwrap(analysis.layer(named: "Mixed_6b.branch7x7_3.conv"))
        // 128 -> 128 with a 1x7, then 128 -> 192 with a 7x1: 7/49 of the weights of a full 7x7 each.
        XCTAssertEqual(oneBySeven.analysis.trainableParams, 128 * 128 * 7)
        XCTAssertEqual(sevenByOne.analysis.trainableParams, 128 * 192 * 7)
        // Together they see a 7x7 window, like the convolution they replace.
        let before = analysis.layers[oneBySeven.layer.inputs[0]].receptiveField
        let after = sevenByOne.analysis.receptiveField
        XCTAssertEqual(after.size.h - before.size.h, 6 * before.jump.h)
        XCTAssertEqual(after.size.w - before.size.w, 6 * before.jump.w)
    }

    func testInceptionEConcatenatesNestedSplits() throws {
        let graph = Zoo.inception_v3.graph()
        let blockCats = graph.layers.filter { $0.name.hasPrefix("Mixed_7b.") && $0.op == .concat }
        XCTAssertEqual(blockCats.map(\.name), ["Mixed_7b.cat", "Mixed_7b.cat:2", "Mixed_7b.cat:3"])
        let analysis = try Zoo.inception_v3.analysis()
        XCTAssertEqual(analysis.layer(named: "Mixed_7b.cat")?.analysis.outputShape.channels, 768)
        XCTAssertEqual(analysis.layer(named: "Mixed_7b.cat:2")?.analysis.outputShape.channels, 768)
        XCTAssertEqual(analysis.layer(named: "Mixed_7b.cat:3")?.analysis.outputShape.channels, 320 + 768 + 768 + 192)
    }

    func testInceptionV3PoolingInsideBlocksIsFunctional() throws {
        let graph = Zoo.inception_v3.graph(ZooOptions(auxClassifiers: true))
        let pools = graph.layers.filter { if case .pool = $0.op { return true } else { return false } }
        let modules = pools.compactMap(\.module)
        XCTAssertEqual(modules, ["maxpool1", "maxpool2"])
        XCTAssertEqual(pools.count, 2 + 3 + 1 + 4 + 1 + 2 + 1)
    }

    func testInceptionV3AuxiliaryHeadReadsMixed6e() throws {
        let analysis = try Zoo.inception_v3.analysis(options: ZooOptions(auxClassifiers: true))
        let graph = analysis.graph
        XCTAssertEqual(graph.outputs.count, 2)
        let pool = try XCTUnwrap(graph.layer(named: "AuxLogits.avg_pool2d"))
        XCTAssertEqual(pool.inputs, [try XCTUnwrap(graph.layer(named: "Mixed_6e.cat")).id])
        XCTAssertEqual(analysis.layers[pool.id].outputShape, TensorShape(channels: 768, height: 5, width: 5))
        XCTAssertEqual(
            analysis.layer(named: "AuxLogits.conv1.conv")?.analysis.outputShape,
            TensorShape(channels: 768, height: 1, width: 1))
        XCTAssertEqual(analysis.trainableParams, 27_161_264)
    }
}
