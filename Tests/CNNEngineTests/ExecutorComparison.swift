import CNNModel
import CNNZoo
import TestSupport
import XCTest

@testable import CNNEngine

/// Runs each executor (of one model) on the same seeded random input.
func runAll(_ executors: [Executor], seed: UInt64) throws {
    let shape = executors[0].analysis.input
    var rng = SeededGenerator(seed: seed)
    let input = Tensor(shape: [1] + shape.dims, values: rng.values(shape.elementCount!))
    for e in executors {
        try e.setInput(input)
        e.run()
    }
}

/// Asserts that each executor's logits (its last layer's output) are `reference`'s, within
/// rounding (1e-4 of the largest).
func assertSameLogits(_ reference: Executor, _ others: [(Executor, String)], file: StaticString = #filePath, line: UInt = #line) {
    let last = reference.analysis.graph.layers.count - 1
    let expected = reference.output(last).values
    let scale = expected.map(abs).max() ?? 1
    for (executor, what) in others {
        assertMatches(expected, executor.output(last).values, relative: 1e-4, absolute: 1e-4 * scale, "logits, \(what)", file: file, line: line)
    }
}

/// Runs `plain`, `fused` and `keeping` (fused, with layer `kept` kept) on one seeded input and
/// asserts that the logits of both fused executors, and `keeping`'s output of the kept layer, are
/// the plain network's within rounding; `what` names the kept layer in the messages.
func assertFusionChangesNothing(
    plain: Executor, fused: Executor, keeping: Executor, kept: Int, what: String, seed: UInt64,
    file: StaticString = #filePath, line: UInt = #line
) throws {
    try runAll([plain, fused, keeping], seed: seed)
    assertSameLogits(plain, [(fused, "fused"), (keeping, "the \(what) kept")], file: file, line: line)
    assertMatches(
        plain.output(kept).values, keeping.output(kept).values, relative: 1e-4, absolute: 1e-5, "the kept \(what)", file: file, line: line)
}

/// A zoo model at a square RGB input with seeded He weights, and executors of it: unfused and
/// unfolded (`plain`), or fused, keeping some layers.
struct ZooExecutors {
    let analysis: ModelAnalysis
    let weights: Weights

    init(_ name: String, size: Int, seed: UInt64) throws {
        analysis = try XCTUnwrap(Zoo.model(named: name)).analysis(input: TensorShape(channels: 3, height: size, width: size))
        weights = Weights.heInitialized(analysis, seed: seed)
    }

    func id(_ name: String) -> Int { analysis.graph.layer(named: name)!.id }

    func plain() throws -> Executor { try Executor(analysis: analysis, weights: weights, fuse: false) }

    func fused(keeping kept: Set<Int> = []) throws -> Executor {
        try Executor(analysis: analysis, weights: weights, keeping: kept)
    }
}
