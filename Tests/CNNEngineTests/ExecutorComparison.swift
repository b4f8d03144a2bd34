import CNNModel
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
