import XCTest

@testable import CNNModel

/// "What if" edits of a graph: a layer changed, removed or added, the rest rewired.
final class GraphEditingTests: XCTestCase {
    /// conv - relu - [block b: conv2 - add(conv2, relu)] - flatten - dense
    private func residual() -> Graph {
        let b = GraphBuilder("r")
        var x = b.input()
        x = b.conv(x, "conv", filters: 4, kernel: 3, padding: .symmetric(1))
        x = b.relu(x, "relu")
        let skip = x
        b.block("b", type: "Block") {
            let y = b.conv(x, "conv2", filters: 4, kernel: 3, padding: .symmetric(1))
            x = b.sum([y, skip])
        }
        x = b.flatten(x)
        _ = b.dense(x, "fc", 10)
        return b.build()
    }

    private let input = TensorShape(channels: 3, height: 8, width: 8)

    func testAKernelFrom3To5ChangesParametersAndField() throws {
        let graph = residual()
        let edited = try graph.replacing(1, with: .conv2d(Conv2D(filters: 4, kernel: 5, padding: .symmetric(2))))
        let before = try ModelAnalysis(graph: graph, input: input), after = try ModelAnalysis(graph: edited, input: input)
        XCTAssertEqual(after.layers[1].params, 5 * 5 * 3 * 4 + 4)
        XCTAssertEqual(before.layers[1].params, 3 * 3 * 3 * 4 + 4)
        XCTAssertEqual(after.layers[1].receptiveField.size, Size2(5))
        XCTAssertEqual(after.layers.last!.outputShape, before.layers.last!.outputShape)
    }

    func testAnEditThatBreaksALaterLayerIsRefusedByTheAnalysis() throws {
        // 5 filters where the residual add expects 4 channels.
        let edited = try residual().replacing(1, with: .conv2d(Conv2D(filters: 5, kernel: 3, padding: .symmetric(1))))
        XCTAssertThrowsError(try ModelAnalysis(graph: edited, input: input)) { error in
            XCTAssertEqual("\(error)", "layer b.add (add): cannot add tensors of shapes 4x8x8 and 5x8x8")
        }
    }

    func testDeletingRewiresItsReaders() throws {
        let graph = residual()
        let edited = try graph.removing(2)  // relu
        XCTAssertEqual(edited.layers.map(\.name), ["input", "conv", "b.conv2", "b.add", "flatten", "fc"])
        XCTAssertEqual(edited.layers[2].inputs, [1], "conv2 reads conv")
        XCTAssertEqual(edited.layers[3].inputs, [2, 1], "the skip now starts at conv")
        XCTAssertEqual(edited.layers.map(\.id), Array(0..<6))
        XCTAssertNoThrow(try ModelAnalysis(graph: edited, input: input))
    }

    func testAMergeCannotBeDeleted() {
        XCTAssertThrowsError(try residual().removing(4)) { error in
            XCTAssertEqual("\(error)", "b.add merges 2 inputs: deleting it would leave its readers without one")
        }
        XCTAssertThrowsError(try residual().removing(0))
    }

    func testABlockLeftEmptyGoes() throws {
        let b = GraphBuilder("e")
        var x = b.input()
        b.block("only", type: "Block") { x = b.relu(x, "relu") }
        _ = b.flatten(x)
        let edited = try b.build().removing(1)
        XCTAssertTrue(edited.blocks.isEmpty)
        XCTAssertEqual(edited.layers.map(\.inputs), [[], [0]])
    }

    func testInsertingAfterALayerFeedsItsReaders() throws {
        let graph = residual()
        let edited = try graph.inserting(.batchNorm(BatchNorm()), named: "bn", after: 1)
        XCTAssertEqual(edited.layers.map(\.name), ["input", "conv", "bn", "relu", "b.conv2", "b.add", "flatten", "fc"])
        XCTAssertEqual(edited.layers.map(\.inputs), [[], [0], [1], [2], [3], [4, 3], [5], [6]])
        let analysis = try ModelAnalysis(graph: edited, input: input)
        XCTAssertEqual(analysis.layers[2].trainableParams, 8, "a batchnorm's gamma and beta over 4 channels")
        let inBlock = try graph.inserting(.activation(.relu), named: "relu", after: 3)
        XCTAssertEqual(inBlock.layers[4].name, "b.relu")
        XCTAssertEqual(inBlock.layers[4].block, 0)
        let twice = try graph.inserting(.activation(.relu), named: "relu", after: 2)
        XCTAssertEqual(twice.layers[3].name, "relu:2", "a name already taken gets the next call's suffix")
    }
}
