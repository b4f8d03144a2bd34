import CNNModel
import CNNZoo
import XCTest

@testable import CNNReport

/// The summary as Markdown and CSV, the graph as Graphviz DOT: the same numbers as the table.
final class ExportFormatTests: XCTestCase {
    private func analysis(_ name: String) throws -> ModelAnalysis {
        try XCTUnwrap(Zoo.model(named: name)).analysis()
    }

    /// A CSV line's fields, honouring RFC 4180 quotes.
    private func fields(_ line: String) -> [String] {
        var out: [String] = []
        var current = ""
        var quoted = false
        var chars = Array(line)[...]
        while let ch = chars.popFirst() {
            if quoted {
                if ch == "\"" {
                    if chars.first == "\"" {
                        current.append("\"")
                        chars.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(ch)
                }
            } else if ch == "\"" {
                quoted = true
            } else if ch == "," {
                out.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        return out + [current]
    }

    func testCSVLayersAddUpToTheTotals() throws {
        for name in ["resnet18", "googlenet", "nasnet_mobile"] {
            let a = try analysis(name)
            let lines = SummaryReport(a).csv()
            XCTAssertEqual(lines[0], "name,type,depth,is_block,op,output_shape,params_torchinfo,mult_adds_torchinfo,receptive_field,jump,connected_to")
            let rows = lines.dropFirst().map(fields)
            XCTAssertTrue(rows.allSatisfy { $0.count == 11 }, name)
            let layers = rows.filter { $0[3] == "false" }
            XCTAssertEqual(layers.count, a.graph.layers.count, "\(name): one row per layer, the input's included")
            XCTAssertEqual(layers.compactMap { Int($0[6]) }.reduce(0, +), a.params(.torchinfo), name)
            XCTAssertEqual(layers.compactMap { Int($0[7]) }.reduce(0, +), a.macs, name)
        }
    }

    /// Keras's "Connected to", where a network branches: a residual add names both of its inputs,
    /// from inside its block; a plain chain has no such column.
    func testConnectedToWhereTheNetworkBranches() throws {
        let resnet = SummaryReport(try analysis("resnet18"))
        XCTAssertTrue(resnet.branches)
        XCTAssertTrue(resnet.render()[1].hasSuffix("Connected to"), resnet.render()[1])
        let add = try XCTUnwrap(resnet.rows.first { $0.name == "layer2.0.add" })
        XCTAssertEqual(add.connectedTo, "bn2, downsample.1")
        let vgg = SummaryReport(try analysis("vgg11"))
        XCTAssertFalse(vgg.branches)
        XCTAssertFalse(vgg.render()[1].contains("Connected to"))
    }

    func testCSVFoldedBlocksCarryTheirTotals() throws {
        let a = try analysis("resnet50")
        let rows = SummaryReport(a, maxDepth: 1).csv().dropFirst().map(fields)
        XCTAssertEqual(rows.compactMap { Int($0[6]) }.reduce(0, +), a.params(.torchinfo))
        let layer4 = try XCTUnwrap(rows.first { $0[0] == "layer4" })
        XCTAssertEqual(layer4[1], "Sequential")
        XCTAssertEqual(layer4[6], "14964736")
        let keras = SummaryReport(a, maxDepth: 1, params: .keras).csv()
        XCTAssertTrue(keras[0].contains(",params_keras,"), keras[0])
        XCTAssertEqual(keras.dropFirst().map(fields).first { $0[0] == "layer4" }?[6], "14987264", "with the running statistics")
    }

    func testCSVQuotesWhatNeedsIt() {
        XCTAssertEqual(SummaryReport.csvField("conv 3x3"), "conv 3x3")
        XCTAssertEqual(SummaryReport.csvField("a,b"), "\"a,b\"")
        XCTAssertEqual(SummaryReport.csvField("say \"hi\""), "\"say \"\"hi\"\"\"")
    }

    func testMarkdownIsOneTableRowPerSummaryRowAndTheTotals() throws {
        let a = try analysis("resnet18")
        let report = SummaryReport(a, maxDepth: 2)
        let lines = report.markdown(title: "ResNet-18 (resnet18)")
        XCTAssertEqual(lines[0], "### ResNet-18 (resnet18)")
        let table = lines.filter { $0.hasPrefix("|") }
        XCTAssertEqual(table.count, 3 + report.rows.count, "header, alignment, input, then the rows")
        XCTAssertTrue(table.allSatisfy { $0.filter { $0 == "|" }.count == 9 }, "eight columns: the blocks are folded whole, no branch shows")
        XCTAssertTrue(lines.contains("| &nbsp;&nbsp;**layer1.0** | BasicBlock |  | 64x56x56 | 73,984 | 231,211,264 | 11-27 | 4 |"))
        XCTAssertTrue(lines.contains("- Total params (torchinfo): \(a.params(.torchinfo).grouped)"), lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.hasPrefix("- Keras counts \(a.params(.keras).grouped): with the 9,600 batchnorm") })
        XCTAssertEqual(SummaryReport.markdownEscaped("a|b_c"), "a\\|b\\_c")
    }

    func testDOTHasANodePerLayerAnEdgePerInputAndAClusterPerBlock() throws {
        for name in ["googlenet", "resnet50", "inception_naive"] {
            let a = try analysis(name)
            let lines = GraphDOT(a).render()
            XCTAssertEqual(lines.filter { $0.contains("[label=") && !$0.contains("->") }.count, a.graph.layers.count, name)
            XCTAssertEqual(lines.filter { $0.contains(" -> ") }.count, a.graph.layers.map(\.inputs.count).reduce(0, +), name)
            XCTAssertEqual(lines.filter { $0.contains("subgraph \"cluster_") }.count, a.graph.blocks.count, name)
            let text = lines.joined(separator: "\n")
            XCTAssertEqual(text.filter { $0 == "{" }.count, text.filter { $0 == "}" }.count, "\(name): braces balance")
        }
        let naive = GraphDOT(try analysis("inception_naive")).render()
        XCTAssertTrue(naive.contains("  n3 [label=\"branch3\\nconv 5x5 p2\\n3x32x32\\n228 params\", style=\"rounded,filled\", fillcolor=\"#dbe9f6\"];"))
        XCTAssertTrue(naive.contains("  n0 -> n3 [label=\"3x32x32\"];"))
    }

    func testDOTStringsEscapeQuotesAndBackslashes() {
        XCTAssertEqual(GraphDOT.quoted(["a\"b", "c\\d"]), "\"a\\\"b\\nc\\\\d\"")
        XCTAssertEqual(GraphDOT.quoted("line\nbreak"), "\"line break\"")
    }
}
