import CNNModel
import Foundation
import XCTest

@testable import CNNZoo

final class NASNetTests: XCTestCase {
    func testNASNetMobileHasKerasParameterCounts() throws {
        let analysis = try Zoo.nasnet_mobile.analysis()
        XCTAssertEqual(analysis.totalParams, 5_326_716)
        XCTAssertEqual(analysis.trainableParams, 5_289_978)
        // Keras's non-trainable parameters are the batchnorms' moving means and variances.
        XCTAssertEqual(analysis.nonTrainableParams, 36_738)
    }

    func testNASNetMobileMatchesKeras() throws {
        try assertMatchesKerasReference(Zoo.nasnet_mobile)
    }

    func testCellsWidenAsReductionsHalveTheMap() throws {
        let analysis = try Zoo.nasnet_mobile.analysis()
        func shape(_ name: String) -> TensorShape? { analysis.layer(named: name)?.analysis.outputShape }
        XCTAssertEqual(shape("stem_bn1"), TensorShape(channels: 32, height: 111, width: 111))
        XCTAssertEqual(shape("stem_1.reduction_concat_stem_1"), TensorShape(channels: 44, height: 56, width: 56))
        XCTAssertEqual(shape("stem_2.reduction_concat_stem_2"), TensorShape(channels: 88, height: 28, width: 28))
        // A normal cell concatenates its adjusted input with five sums: 6 x 44 filters.
        for id in 0...3 {
            XCTAssertEqual(shape("cell_\(id).normal_concat_\(id)"), TensorShape(channels: 264, height: 28, width: 28))
        }
        // A reduction cell concatenates four sums: 4 x 88.
        XCTAssertEqual(shape("reduce_4.reduction_concat_reduce_4"), TensorShape(channels: 352, height: 14, width: 14))
        for id in 5...8 {
            XCTAssertEqual(shape("cell_\(id).normal_concat_\(id)"), TensorShape(channels: 528, height: 14, width: 14))
        }
        XCTAssertEqual(shape("reduce_8.reduction_concat_reduce_8"), TensorShape(channels: 704, height: 7, width: 7))
        for id in 9...12 {
            XCTAssertEqual(shape("cell_\(id).normal_concat_\(id)"), TensorShape(channels: 1056, height: 7, width: 7))
        }
        XCTAssertEqual(shape("global_average_pooling2d"), TensorShape(features: 1056))
        XCTAssertEqual(shape("predictions_softmax"), TensorShape(features: 1000))
        let cells = analysis.graph.blocks.filter { $0.depth == 1 }
        XCTAssertEqual(cells.filter { $0.type == "NormalCell" }.count, 12)
        XCTAssertEqual(cells.filter { $0.type == "ReductionCell" }.map(\.name), ["stem_1", "stem_2", "reduce_4", "reduce_8"])
    }

    func testASeparableConvBlockCostsAnEighthOfTwoFullConvs() throws {
        let analysis = try Zoo.nasnet_mobile.analysis()
        let block = try XCTUnwrap(analysis.graph.blocks.first { $0.name == "cell_0.normal_left1" })
        // Two rounds of [ReLU, 5x5 depthwise on 44 channels + 1x1 from 44 to 44, batchnorm] at 28x28.
        // Mult-adds are weights times output pixels; a batchnorm counts its 2C affine weights once.
        let depthwise = 5 * 5 * 44 * 28 * 28
        let pointwise = 44 * 44 * 28 * 28
        let batchNorm = 2 * 44
        XCTAssertEqual(depthwise, 862_400)
        XCTAssertEqual(pointwise, 1_517_824)
        XCTAssertEqual(analysis.cost(ofBlock: block.id).macs, 2 * (depthwise + pointwise + batchNorm))
        XCTAssertEqual(analysis.cost(ofBlock: block.id).macs, 4_760_624)
        // Two full 5x5 convs from 44 to 44 channels would need 75,891,200.
        let full = 5 * 5 * 44 * 44 * 28 * 28
        XCTAssertLessThan(analysis.cost(ofBlock: block.id).macs * 8, 2 * full)
        // Keras's one SeparableConv2D is our depthwise + pointwise pair: 1,100 + 1,936 weights.
        let pair = ["_depthwise", "_pointwise"].compactMap {
            analysis.layer(named: "cell_0.normal_left1.separable_conv_1_normal_left1_0" + $0)?.analysis.params
        }
        XCTAssertEqual(pair, [1_100, 1_936])
    }

    func testStrideTwoConvsPadLikeCorrectPad() throws {
        let analysis = try Zoo.nasnet_mobile.analysis()
        func padding(_ name: String) -> Op? { analysis.layer(named: name)?.layer.op }
        // On the odd 111x111 stem map a 5x5 window is padded 2 on every side ...
        XCTAssertEqual(
            padding("stem_1.reduction_left1.separable_conv_1_pad_reduction_left1_stem_1"),
            .zeroPad(Pad4(2)))
        // ... on an even 28x28 map one pixel less at the top and left, as TF's "same" would.
        let pad = try XCTUnwrap(analysis.layer(named: "reduce_4.reduction_left1.separable_conv_1_pad_reduction_left1_reduce_4"))
        XCTAssertEqual(pad.layer.op, .zeroPad(Pad4(top: 1, bottom: 2, left: 1, right: 2)))
        XCTAssertEqual(
            analysis.layer(named: "reduce_4.reduction_left1.separable_conv_1_reduction_left1_reduce_4_depthwise")?.analysis.outputShape,
            TensorShape(channels: 88, height: 14, width: 14))
    }

    func testTheAdjustBlockSamplesTwoShiftedGrids() throws {
        let analysis = try Zoo.nasnet_mobile.analysis()
        // cell_0's previous input is stem_1's 44x56x56 output: two 1x1/2 average poolings, the second
        // on the map shifted by one pixel (pad bottom-right, crop top-left), give 22 + 22 channels.
        let crop = try XCTUnwrap(analysis.layer(named: "cell_0.adjust.cropping2d"))
        XCTAssertEqual(crop.analysis.outputShape, TensorShape(channels: 44, height: 56, width: 56))
        XCTAssertEqual(analysis.layer(named: "cell_0.adjust.adjust_avg_pool_2_0")?.analysis.outputShape.spatial, Size2(28, 28))
        XCTAssertEqual(
            analysis.layer(named: "cell_0.adjust.adjust_bn_0")?.analysis.outputShape,
            TensorShape(channels: 44, height: 28, width: 28))
        // cell_1's previous input (88 channels at 28x28) only needs a 1x1 projection.
        XCTAssertEqual(analysis.graph.blocks.first { $0.name == "cell_1.adjust" }?.type, "AdjustProjectionBlock")
        XCTAssertNotNil(analysis.layer(named: "cell_1.adjust.adjust_conv_projection_1"))
    }

    func testSameAveragePoolingIgnoresThePadding() throws {
        let layer = try XCTUnwrap(Zoo.nasnet_mobile.graph().layer(named: "cell_0.normal_left3_0"))
        guard case .pool(let pool) = layer.op else { return XCTFail("\(layer.op)") }
        XCTAssertEqual(pool.padding, .same)
        XCTAssertFalse(pool.countIncludePad)
    }

    func testDepthCountsBothHalvesOfEachSeparableConv() throws {
        // Stem conv, 9 weight layers through each reduction cell (1x1, then two separable blocks
        // of 4 convs: left1 feeds left4), 5 through each normal cell, and the classifier:
        // 1 + 4 x 9 + 12 x 5 + 1.
        XCTAssertEqual(try Zoo.nasnet_mobile.analysis().depth, 98)
    }
}

// MARK: - The Keras reference

/// `Tests/Fixtures/reference/nasnet_mobile.json`, written from `keras.applications.NASNetMobile`:
/// Keras's totals and every layer with its name, class, output shape (C,H,W) and `count_params()`.
private struct KerasFixture: Decodable {
    struct Layer: Decodable {
        let name: String
        let type: String
        let outputShape: [Int]
        let params: Int

        enum CodingKeys: String, CodingKey {
            case name, module, type, outputShape, params
        }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decodeIfPresent(String.self, forKey: .name) ?? c.decode(String.self, forKey: .module)
            type = try c.decode(String.self, forKey: .type)
            outputShape = try c.decode([Int].self, forKey: .outputShape)
            params = try c.decode(Int.self, forKey: .params)
        }
    }

    /// C,H,W; the model's default input when absent.
    let input: [Int]?
    let totalParams: Int
    let trainableParams: Int
    let nonTrainableParams: Int
    let layers: [Layer]

    static func load(_ name: String) throws -> KerasFixture {
        let url = ReferenceFixture.directory.appendingPathComponent("\(name).json")
        return try JSONDecoder().decode(KerasFixture.self, from: Data(contentsOf: url))
    }
}

/// Our layer types for a Keras layer class; a `SeparableConv2D` is a depthwise + pointwise pair.
private let kerasTypes: [String: String] = [
    "InputLayer": "Input", "Conv2D": "Conv2d", "SeparableConv2D": "Conv2d",
    "BatchNormalization": "BatchNorm2d", "Activation": "ReLU", "ZeroPadding2D": "ZeroPad2d",
    "Cropping2D": "Cropping2d", "AveragePooling2D": "AvgPool2d", "MaxPooling2D": "MaxPool2d",
    "Add": "Add", "Concatenate": "Concat", "GlobalAveragePooling2D": "GlobalAvgPool2d", "Dense": "Linear",
]

/// Checks a Keras-built zoo model against its fixture: the totals, then every Keras layer's type,
/// output shape and parameters (a separable conv's as the sum of our pair). Layers we name as
/// Keras does are matched by name; the ones Keras names automatically (`activation_12`, `add_1`)
/// and we name for what they are (`relu_1`, `add`) are matched in order within each type.
/// Softmax is part of Keras's `Dense`, a layer of its own here.
private func assertMatchesKerasReference(_ model: ZooModel, file: StaticString = #filePath, line: UInt = #line) throws {
    let fixture = try KerasFixture.load(model.name)
    let analysis = try model.analysis(input: fixture.input.map { TensorShape($0) })
    XCTAssertEqual(analysis.totalParams, fixture.totalParams, "total params", file: file, line: line)
    XCTAssertEqual(analysis.trainableParams, fixture.trainableParams, "trainable params", file: file, line: line)
    XCTAssertEqual(analysis.nonTrainableParams, fixture.nonTrainableParams, "non-trainable params", file: file, line: line)

    let graph = analysis.graph
    var byLocalName: [String: [Layer]] = [:]
    for layer in graph.layers { byLocalName[layer.localName, default: []].append(layer) }

    // Pair each Keras layer with our layers: by name, else kept for matching in order.
    var pairs: [(ref: KerasFixture.Layer, ours: [Layer])] = []
    var unnamed: [String: [KerasFixture.Layer]] = [:]
    var matched = Set<Int>()
    var mismatches: [String] = []
    for ref in fixture.layers {
        guard let type = kerasTypes[ref.type] else {
            mismatches.append("\(ref.name): unknown Keras type \(ref.type)")
            continue
        }
        let names = ref.type == "SeparableConv2D" ? [ref.name + "_depthwise", ref.name + "_pointwise"] : [ref.name]
        let ours = names.compactMap { byLocalName[$0]?.count == 1 ? byLocalName[$0]![0] : nil }
        if ours.count == names.count {
            pairs.append((ref, ours))
            matched.formUnion(ours.map(\.id))
        } else if ref.type == "SeparableConv2D" {
            mismatches.append("missing: \(ref.name) (SeparableConv2D as _depthwise + _pointwise)")
        } else {
            unnamed[type, default: []].append(ref)
        }
    }
    var rest: [String: [Layer]] = [:]
    for layer in graph.layers where !matched.contains(layer.id) && layer.op != .activation(.softmax) {
        rest[layer.op.typeName, default: []].append(layer)
    }
    for type in Set(unnamed.keys).union(rest.keys).sorted() {
        // `m.layers` lists a functional model in its own topological order; the automatic names'
        // counters (`add`, `add_1`, ...) give the order the layers were created in, which is ours.
        let refs = (unnamed[type] ?? []).sorted { creationIndex($0.name) < creationIndex($1.name) }
        let ours = rest[type] ?? []
        if refs.count != ours.count {
            mismatches.append("\(type) layers named otherwise than Keras: \(ours.count), Keras \(refs.count)")
        }
        pairs += zip(refs, ours).map { ($0, [$1]) }
    }

    for (ref, ours) in pairs {
        var problems: [String] = []
        let output = analysis.layers[ours.last!.id].outputShape
        if output.dims != ref.outputShape { problems.append("shape \(output.dims) != \(ref.outputShape)") }
        let params = ours.reduce(0) { $0 + analysis.layers[$1.id].params }
        if params != ref.params { problems.append("params \(params) != \(ref.params)") }
        if ours.contains(where: { $0.op.typeName != kerasTypes[ref.type] }) {
            problems.append("type \(ours.map(\.op.typeName)) != \(ref.type)")
        }
        if !problems.isEmpty { mismatches.append("\(ours.last!.name) (\(ref.name)): " + problems.joined(separator: ", ")) }
    }
    XCTAssert(mismatches.isEmpty, "\(model.name) vs Keras:\n" + mismatches.prefix(20).joined(separator: "\n"), file: file, line: line)
    XCTAssertEqual(pairs.count, fixture.layers.count, "Keras layers compared", file: file, line: line)
}

/// The counter Keras appends to an automatic layer name: 0 for `add`, 3 for `add_3`.
private func creationIndex(_ name: String) -> Int {
    guard let underscore = name.lastIndex(of: "_"), let n = Int(name[name.index(after: underscore)...]) else { return 0 }
    return n
}
