import CNNModel
import CNNZoo
import TestSupport
import XCTest

@testable import CNNImport

/// cnn-tui's model file: every zoo model written and read back is the same graph, and a file
/// written by hand reads as the course notes mean it.
final class ModelTextTests: XCTestCase {
    func testEveryZooModelReadsBackAsTheSameGraph() throws {
        var options = [ZooOptions()]
        options.append(ZooOptions(auxClassifiers: true))
        for model in Zoo.all {
            for option in model.hasAuxClassifiers ? options : [ZooOptions()] {
                let graph = model.graph(option)
                let text = ModelText.write(graph, input: model.defaultInput)
                let back: Graph, input: TensorShape
                do {
                    (back, input) = try ModelText.read(text, file: "\(model.name).cnn")
                } catch {
                    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                    let number = Int("\(error)".split(separator: ":")[1]) ?? 1
                    XCTFail("\(error)\n" + lines[max(0, number - 2)..<min(lines.count, number + 1)].joined(separator: "\n"))
                    continue
                }
                XCTAssertEqual(input, model.defaultInput, model.name)
                XCTAssertEqual(back.layers.count, graph.layers.count, model.name)
                for (a, b) in zip(back.layers, graph.layers) where a != b {
                    XCTFail("\(model.name): \(a) read back for \(b)")
                    break
                }
                XCTAssertEqual(back.blocks, graph.blocks, model.name)
                XCTAssertEqual(back, graph, model.name)
            }
        }
    }

    func testTheNaiveInceptionModuleAsWrittenByHand() throws {
        let text = """
            # The course notes' naive Inception module
            model "Inception (naive)"
            input 3x32x32
            branch1: conv filters=4 kernel=1 < input
            branch2: conv filters=4 kernel=3 padding=1 < input
            branch3: conv filters=4 kernel=5 padding=2 < input
            branch4: maxpool pool=3 stride=1 padding=1 < input
            cat: concat < branch1, branch2, branch3, branch4
            """
        let (graph, input) = try ModelText.read(text, file: "naive.cnn")
        let analysis = try ModelAnalysis(graph: graph, input: input)
        XCTAssertEqual(graph.name, "Inception (naive)")
        XCTAssertEqual(analysis.layers.last?.outputShape, TensorShape(channels: 15, height: 32, width: 32))
        XCTAssertEqual(analysis.trainableParams, (1 + 9 + 25) * 3 * 4 + 3 * 4, "three convolutions of 4 filters over 3 channels")
    }

    /// A ShuffleNet V2 unit by hand: half the channels pass, half go through the branch, then the
    /// two halves are shuffled; and the kinds a file brings in (shift, affine, leaky ReLU,
    /// subtract, global max pool) written back as they were read.
    func testAShuffleUnitAndTheImportedKindsReadAndWriteBack() throws {
        let (graph, input) = try ModelText.read(ModelTextExamples.shuffleUnit, file: "unit.cnn")
        let analysis = try ModelAnalysis(graph: graph, input: input)
        let ops = graph.layers.map(\.op)
        XCTAssertEqual(ops[1], .channelShift)
        XCTAssertEqual(ops[2], .affine(scale: 4, shift: -2))
        XCTAssertEqual(ops[4], .activation(.leakyRelu(slope: 0.1)))
        XCTAssertEqual(ops[5], .channelSlice(start: 0, end: 4))
        XCTAssertEqual(ops[10], .channelShuffle(groups: 2))
        XCTAssertEqual(analysis.layers[10].outputShape, TensorShape(channels: 8, height: 16, width: 16))
        XCTAssertEqual(analysis.layers[11].outputShape, TensorShape(features: 8))
        XCTAssertEqual(analysis.trainableParams, 3 + (9 * 3 * 8 + 8) + (4 * 4 + 4) + (8 * 10 + 10), "a shift of 3, stem, branch, fc")
        XCTAssertEqual(analysis.layers[11].receptiveField.isGlobal, true)
        let back = try ModelText.read(ModelText.write(graph, input: input), file: "back.cnn")
        XCTAssertEqual(back.graph, graph)

        func analyse(_ text: String) throws { _ = try ModelAnalysis(graph: ModelText.read(text, file: "bad.cnn").graph, input: TensorShape([8, 4, 4])) }
        XCTAssertThrowsError(try analyse("input 8x4x4\ns: slice start=4 end=12")) {
            XCTAssertTrue("\($0)".contains("channels 4..<12 are not inside the 8 channels"), "\($0)")
        }
        XCTAssertThrowsError(try analyse("input 8x4x4\ns: shuffle groups=3")) {
            XCTAssertTrue("\($0)".contains("8 channels do not split into 3 equal groups"), "\($0)")
        }
    }

    func testBlocksScopeNamesAndReferencesLookOutwards() throws {
        let text = """
            input 3x8x8
            stem: conv filters=8 kernel=3 padding=1 bias=false
            block layer1 Sequential {
              block 0 BasicBlock {
                conv1: conv filters=8 kernel=3 padding=1
                relu: relu
                add: add < relu, stem
              }
            }
            pool: globalavgpool
            flatten: flatten
            fc: dense units=10
            """
        let (graph, _) = try ModelText.read(text, file: "t.cnn")
        XCTAssertEqual(graph.layers.map(\.name), ["input", "stem", "layer1.0.conv1", "layer1.0.relu", "layer1.0.add", "pool", "flatten", "fc"])
        XCTAssertEqual(graph.blocks.map(\.name), ["layer1", "layer1.0"])
        XCTAssertEqual(graph.layers[4].inputs, [3, 1], "relu is local to the block, stem found outside it")
        XCTAssertNil(graph.layers[4].module, "an add is functional")
        XCTAssertEqual(graph.layers[2].module, "layer1.0.conv1")
    }

    /// After an edit, a block's add may read the top-level `relu` while the block has a `relu` of
    /// its own: the file says `/relu`.
    func testAShadowedNameIsWrittenFromTheTop() throws {
        let text = """
            input 3x8x8
            relu: relu
            block b Block {
              relu: relu
              add: add < relu, /relu
            }
            """
        let (graph, input) = try ModelText.read(text, file: "s.cnn")
        XCTAssertEqual(graph.layers[3].inputs, [2, 1])
        let written = ModelText.write(graph, input: input)
        XCTAssertTrue(written.contains("add: add < b.relu, /relu"), written)
        XCTAssertEqual(try ModelText.read(written, file: "s.cnn").graph, graph)
    }

    func testMistakesNameTheLine() {
        let cases: [(String, String)] = [
            ("input 3x8x8\nc: conv filters=4", "t.cnn:2: kernel= is missing"),
            ("input 3x8x8\nc: convv filters=4 kernel=3", "t.cnn:2: unknown kind 'convv'; did you mean 'conv'?"),
            ("input 3x8x8\nc: conv filters=0 kernel=3", "t.cnn:2: filters=0 is not a whole number from 1 to 16,777,216"),
            ("input 3x8x8\nc: conv filters=4 kernel=3 colour=red", "t.cnn:2: conv takes no 'colour'"),
            ("input 3x8x8\nc: relu < nowhere", "t.cnn:2: no layer named 'nowhere' before this line"),
            ("input 3x8x8\nblock b Sequential {\nc: relu", "t.cnn:3: block b is not closed with '}'"),
            ("c: relu", "t.cnn:1: the input comes first (e.g. input 3x224x224)"),
            ("input 3x8x8\nc: relu\nc: relu", "t.cnn:3: a second layer named c"),
            ("input 3x8x8\nthis is not a layer", "t.cnn:2: a layer is NAME: KIND key=value ... (a line that is not a block, model, input or layer)"),
            ("input 3x8x8\nc: conv filters=4 kernel=99999999999999999999", "t.cnn:2: kernel=99999999999999999999 is not a size like 3 or 3x5"),
            ("input 3x8x8\n}", "t.cnn:2: a '}' with no block open"),
            ("input 0x8x8", "t.cnn:1: the input is CxHxW with positive sizes, e.g. input 3x224x224"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try ModelText.read(text, file: "t.cnn"), message) { error in
                XCTAssertEqual("\(error)", message)
            }
        }
    }
}
