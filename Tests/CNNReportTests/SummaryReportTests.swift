import CNNModel
import XCTest

@testable import CNNReport

final class SummaryReportTests: XCTestCase {
    /// A residual block inside a stage: stem conv, then `stage.0` with two convs and an add.
    private func residualNet() throws -> ModelAnalysis {
        let b = GraphBuilder("tiny")
        var x = b.input()
        x = b.conv(x, "stem", filters: 8, kernel: 3, padding: .symmetric(1))
        b.block("stage") {
            b.block("0", type: "BasicBlock") {
                let y = b.conv(x, "conv1", filters: 8, kernel: 3, padding: .symmetric(1), bias: false)
                let z = b.relu(y, "relu")
                let w = b.conv(z, "conv2", filters: 8, kernel: 3, padding: .symmetric(1), bias: false)
                x = b.sum([w, x])
                x = b.relu(x, "relu")
            }
        }
        return try ModelAnalysis(graph: b.build(), input: TensorShape(channels: 3, height: 16, width: 16))
    }

    func testRowsNestBlocksAsTorchinfoDoes() throws {
        let rows = SummaryReport(try residualNet()).rows
        XCTAssertEqual(
            rows.map(\.label),
            [
                "stem (Conv2d)", "stage (Sequential)", "0 (BasicBlock)", "conv1 (Conv2d)", "relu (ReLU)",
                "conv2 (Conv2d)", "add (Add)", "relu:2 (ReLU)",
            ])
        XCTAssertEqual(rows.map(\.depth), [1, 1, 2, 3, 3, 3, 3, 3])
        XCTAssertEqual(rows[3].params, "576")
        XCTAssertEqual(rows[4].params, "--")
        XCTAssertEqual(rows[6].receptiveField, "3-7", "the shortcut sees 3, the conv path 7")
    }

    func testDepthFoldsBlocksIntoTheirTotals() throws {
        let rows = SummaryReport(try residualNet(), maxDepth: 2).rows
        XCTAssertEqual(rows.map(\.label), ["stem (Conv2d)", "stage (Sequential)", "0 (BasicBlock)"])
        XCTAssertEqual(rows[2].params, "1,152")
        XCTAssertEqual(rows[2].shape, "8x16x16")
        XCTAssertEqual(rows[1].params, "--", "an unfolded block leaves its count to its rows")
    }

    func testTreePrefixes() {
        XCTAssertEqual(SummaryReport.treePrefix(depth: 1), "├─")
        XCTAssertEqual(SummaryReport.treePrefix(depth: 3), "│    │    └─")
    }

    func testRenderedTotalsAndMemory() throws {
        let lines = SummaryReport(try residualNet()).render()
        XCTAssertTrue(lines.contains("Total params (torchinfo): 1,376"), lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains("Trainable params: 1,376"))
        XCTAssertTrue(lines.contains("Depth (weight layers on the longest path): 3"))
        XCTAssertTrue(lines.contains { $0.hasPrefix("Estimated Total Size (MB): ") })
        let widths = Set(lines.prefix(3).map(\.count))
        XCTAssertEqual(widths.count, 1, "heading and rules line up")
    }

    func testTextTableAlignsNumbersRight() {
        var table = TextTable([.init("Name"), .init("Params", .right)])
        table.append(["a", "1"])
        table.append(["bbbb", "1,000"])
        XCTAssertEqual(
            table.render(),
            [
                "============",
                "Name  Params",
                "============",
                "a          1",
                "bbbb   1,000",
                "============",
            ])
    }

    func testJSONCarriesMinSizeOnlyForMultiPathLayers() throws {
        let json = SummaryJSON(try residualNet())
        let add = try XCTUnwrap(json.layers.first { $0.name == "stage.0.add" })
        XCTAssertEqual(add.receptiveField.size, [7, 7])
        XCTAssertEqual(add.receptiveField.minSize, [3, 3])
        XCTAssertEqual(add.block, "stage.0")
        XCTAssertEqual(add.inputs, ["stage.0.conv2", "stem"])
        XCTAssertNil(json.layers.first { $0.name == "stem" }?.receptiveField.minSize)
    }

    func testABlockDetailIsItsLastLayersField() throws {
        let report = ReceptiveFieldReport(try residualNet())
        let lines = try report.detail(layer: "stage.0")
        XCTAssertEqual(lines.first, "stage.0 (BasicBlock block) in tiny at input 3x16x16: the field at the block's end, stage.0.relu:2 (ReLU)")
        XCTAssertEqual(Array(lines.dropFirst()), Array(try report.detail(layer: "stage.0.relu:2").dropFirst()))
        XCTAssertThrowsError(try report.detail(layer: "stage.0.conv")) {
            XCTAssertEqual(($0 as? UnknownLayerError)?.suggestions, ["stage.0.conv1", "stage.0.conv2"])
        }
    }

    func testJSONFoldsBlocksAtTheDepthAsTheTableDoes() throws {
        let analysis = try residualNet()
        let json = SummaryJSON(analysis, maxDepth: 2)
        XCTAssertEqual(json.maxDepth, 2)
        XCTAssertEqual(json.layers.map(\.name), ["input", "stem", "stage.0"])
        let block = json.layers[2]
        XCTAssertEqual(block.type, "BasicBlock")
        XCTAssertEqual(block.block, "stage")
        XCTAssertEqual(block.inputs, ["stem"])
        XCTAssertEqual(block.params, 1_152, "the folded block's totals, as the table's row")
        XCTAssertEqual(block.foldedLayers, 5)
        XCTAssertEqual(block.outputShape, [8, 16, 16])
        XCTAssertEqual(block.receptiveField.size, [7, 7], "its last layer's field")
        XCTAssertEqual(SummaryJSON(analysis, maxDepth: 1).layers.map(\.name), ["input", "stem", "stage"])
        XCTAssertNil(SummaryJSON(analysis).layers.first { $0.foldedLayers != nil }, "no depth: every layer")
    }
}
