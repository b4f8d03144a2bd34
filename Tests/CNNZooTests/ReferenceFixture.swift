import CNNModel
import Foundation
import TestSupport
import XCTest

@testable import CNNZoo

/// A reference written by `Scripts/make-reference-fixtures.py` from the real libraries
/// (torchvision + torchinfo, or Keras): totals and every leaf-module call with its output shape,
/// parameters and mult-adds.
struct ReferenceFixture: Decodable {
    struct Layer: Decodable {
        let module: String
        let type: String
        let outputShape: [Int]
        let params: Int
        let runningStats: Int?
        let macs: Int?
    }

    let model: String
    let source: String
    let input: [Int]
    let totalParams: Int
    let trainableParams: Int
    let runningStats: Int?
    let nonTrainableParams: Int?
    let multAdds: Int?
    let inputBytes: Int?
    let forwardBackwardBytes: Int?
    let paramBytes: Int?
    let layers: [Layer]

    static let directory = Repository.fixture("reference")

    static func load(_ name: String) throws -> ReferenceFixture {
        let url = directory.appendingPathComponent("\(name).json")
        return try JSONDecoder().decode(ReferenceFixture.self, from: Data(contentsOf: url))
    }
}

/// Checks a zoo model against its torchvision/torchinfo reference, layer by layer: every leaf
/// module the reference ran appears in our graph under the same module name (the k-th call of a
/// module matched with our k-th layer of that module), with equal type, output shape, parameters,
/// running statistics and mult-adds; and the totals agree.
func assertMatchesTorchReference(
    _ model: ZooModel, fixture fixtureName: String? = nil, options: ZooOptions = ZooOptions(),
    file: StaticString = #filePath, line: UInt = #line
) throws {
    let fixture = try ReferenceFixture.load(fixtureName ?? model.name)
    let input = TensorShape(fixture.input)
    let analysis = try model.analysis(input: input, options: options)
    let graph = analysis.graph

    var ours: [String: [Layer]] = [:]
    for layer in graph.layers {
        if let module = layer.module { ours[module, default: []].append(layer) }
    }
    var seen: [String: Int] = [:]
    var mismatches: [String] = []
    for ref in fixture.layers {
        let call = seen[ref.module, default: 0]
        seen[ref.module] = call + 1
        guard let calls = ours[ref.module], call < calls.count else {
            mismatches.append("missing: \(ref.module) (\(ref.type)) call \(call + 1)")
            continue
        }
        let layer = calls[call]
        let a = analysis.layers[layer.id]
        var problems: [String] = []
        if layer.op.typeName != ref.type { problems.append("type \(layer.op.typeName) != \(ref.type)") }
        if a.outputShape.dims != ref.outputShape { problems.append("shape \(a.outputShape.dims) != \(ref.outputShape)") }
        if a.trainableParams != ref.params { problems.append("params \(a.trainableParams) != \(ref.params)") }
        if let stats = ref.runningStats, a.nonTrainableParams != stats {
            problems.append("running stats \(a.nonTrainableParams) != \(stats)")
        }
        if let macs = ref.macs, a.macs != macs { problems.append("macs \(a.macs) != \(macs)") }
        if !problems.isEmpty { mismatches.append("\(layer.name): " + problems.joined(separator: ", ")) }
    }
    for (module, calls) in ours where calls.count > seen[module, default: 0] {
        mismatches.append("extra: \(module) called \(calls.count) times, reference \(seen[module, default: 0])")
    }
    XCTAssert(
        mismatches.isEmpty, "\(model.name) vs \(fixture.source):\n" + mismatches.prefix(20).joined(separator: "\n"),
        file: file, line: line)

    XCTAssertEqual(analysis.trainableParams, fixture.trainableParams, "\(model.name) trainable params", file: file, line: line)
    XCTAssertEqual(analysis.trainableParams, fixture.totalParams, "\(model.name) torchinfo total params", file: file, line: line)
    if let stats = fixture.runningStats {
        XCTAssertEqual(analysis.nonTrainableParams, stats, "\(model.name) non-trainable params", file: file, line: line)
    }
    if let macs = fixture.multAdds {
        XCTAssertEqual(analysis.macs, macs, "\(model.name) mult-adds", file: file, line: line)
    }
    // torchinfo's size estimate; its input size includes a few bytes of Python object overhead.
    if let bytes = fixture.forwardBackwardBytes {
        XCTAssertEqual(analysis.memory.forwardBackwardBytes, bytes, "\(model.name) forward/backward bytes", file: file, line: line)
    }
    if let bytes = fixture.paramBytes {
        XCTAssertEqual(analysis.memory.paramBytes, bytes, "\(model.name) param bytes", file: file, line: line)
    }
    if let bytes = fixture.inputBytes {
        XCTAssertEqual(Double(analysis.memory.inputBytes), Double(bytes), accuracy: 1024, "\(model.name) input bytes", file: file, line: line)
    }
}
