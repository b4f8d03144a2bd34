import CNNData
import CNNEngine
import Foundation
import TestSupport
import XCTest

/// The executable, run as a user runs it: output, errors and exit codes.
final class CLITests: XCTestCase {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static let binary = Executable.cnnTUI

    func run(_ arguments: String...) throws -> Run {
        try launch(arguments)
    }

    func launch(_ arguments: [String]) throws -> Run {
        try Self.launch(arguments)
    }

    static func launch(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    func testParamsConvPrintsShapeAndFormula() throws {
        let r = try run("params", "conv", "--input", "3x32x32", "--kernel", "5", "--filters", "4")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Output:       4x28x28"), r.stdout)
        XCTAssertTrue(r.stdout.contains("= 5*5*3*4 + 4 = 304"), r.stdout)
    }

    func testParamsDenseFlattensAMap() throws {
        let r = try run("params", "dense", "--input", "512x7x7", "--units", "4096")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("25088*4096 + 4096 = 102,764,544"), r.stdout)
    }

    func testImpossibleConvIsAOneLineError() throws {
        let r = try run("params", "conv", "--input", "3x4x4", "--kernel", "7", "--filters", "1")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("larger than its padded input"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
    }

    func testCompareRFMatchesTheCourseNumbers() throws {
        let r = try run("compare-rf", "--channels", "64", "--size", "56x56")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("73,856"), r.stdout)
        XCTAssertTrue(r.stdout.contains("102,464"), r.stdout)
    }

    func testUnknownModelSuggestsTheClosestNames() throws {
        let r = try run("summary", "lenet")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("unknown model 'lenet'"), r.stderr)
        XCTAssertTrue(r.stderr.contains("did you mean lenet5?"), "the name typed in part, not alexnet or zfnet: \(r.stderr)")
    }

    /// Only the browser has a default model (LeNet-5); `summary` alone is a mistake, not lenet5.
    func testCommandsOtherThanOpenNeedAModel() throws {
        for command in [["summary"], ["info"], ["rf"], ["run"], ["train", "--out", "/tmp/never.safetensors"]] {
            let r = try launch(command)
            XCTAssertEqual(r.status, 1, "\(command)")
            XCTAssertEqual(r.stderr, "Error: name a model: a zoo name such as resnet50 (see `cnn-tui list`)\n", "\(command)")
        }
    }

    /// A network of the user's own, exported from PyTorch: the same table as for a zoo model.
    func testSummaryAndInfoReadAnONNXFile() throws {
        let file = Repository.fixture("onnx/tiny-cnn-opset13.onnx").path
        let summary = try run("summary", file)
        XCTAssertEqual(summary.status, 0, summary.stderr)
        for row in ["├─conv1 (Conv2d)", "conv 3x3 p1", "├─fc (Linear)", "Total params (torchinfo): 426", "Total mult-adds (torchinfo): 7,386"] {
            XCTAssertTrue(summary.stdout.contains(row), "\(row) in\n\(summary.stdout)")
        }
        let info = try run("info", file).stdout.replacingOccurrences(of: "\n", with: " ")  // as one paragraph
        XCTAssertTrue(info.contains("pytorch 2.15.0, ONNX opset 13"), info)
        XCTAssertTrue(info.contains("exporter folded them into the convolutions"), info)
    }

    func testSummaryFormatsAndTheGraphForGraphviz() throws {
        let csv = try run("summary", "lenet5", "--format", "csv")
        XCTAssertEqual(csv.status, 0, csv.stderr)
        XCTAssertTrue(
            csv.stdout.hasPrefix("name,type,depth,is_block,op,output_shape,params_torchinfo,mult_adds_torchinfo,receptive_field,jump,connected_to\ninput,"),
            csv.stdout)
        XCTAssertTrue(csv.stdout.contains("\nc1,Conv2d,1,false,conv 5x5,6x28x28,156,122304,5,1,input\n"), csv.stdout)
        let markdown = try run("summary", "lenet5", "--format", "markdown")
        XCTAssertTrue(markdown.stdout.contains("| c1 | Conv2d | conv 5x5 | 6x28x28 | 156 | 122,304 | 5 | 1 |"), markdown.stdout)
        XCTAssertEqual(try run("summary", "lenet5", "--json").stdout, try run("summary", "lenet5", "--format", "json").stdout)
        let both = try run("summary", "lenet5", "--json", "--format", "csv")
        XCTAssertNotEqual(both.status, 0)
        XCTAssertTrue(both.stderr.contains("give --json or --format csv, not both"), both.stderr)
        let dot = try run("graph", "lenet5", "--dot")
        XCTAssertEqual(dot.status, 0, dot.stderr)
        XCTAssertTrue(dot.stdout.hasPrefix("digraph \"LeNet-5\" {\n"), dot.stdout)
        XCTAssertTrue(dot.stdout.contains("  n0 -> n1 [label=\"1x32x32\"];"), dot.stdout)
    }

    /// A zoo model written as a model file and read back prints the same summary, and so does an
    /// ONNX file's network.
    func testExportedModelFilesReadBackToTheSameSummary() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cnn-tui-export-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        for model in ["googlenet", "resnet50", Repository.fixture("onnx/tiny-cnn-opset13.onnx").path] {
            let file = folder.appendingPathComponent("\(URL(fileURLWithPath: model).lastPathComponent).cnn").path
            let export = try run("export", model, "--out", file)
            XCTAssertEqual(export.status, 0, export.stderr)
            // Every row and count (CSV: no title to differ, no widths that follow it).
            XCTAssertEqual(try run("summary", file, "--format", "csv").stdout, try run("summary", model, "--format", "csv").stdout, model)
            func totals(_ name: String) throws -> [String] {
                try run("summary", name).stdout.split(separator: "\n").filter { $0.contains(":") && !$0.contains("==") }.suffix(9).map(String.init)
            }
            XCTAssertEqual(try totals(file), try totals(model), "\(model): the totals and the memory estimate")
        }
        let bad = try run("export", "lenet5", "--out", "/no/such/dir/lenet5.cnn")
        XCTAssertEqual(bad.stderr, "Error: cannot write /no/such/dir/lenet5.cnn: the folder /no/such/dir does not exist\n")
    }

    /// A Keras architecture (`model.to_json()`, a `.keras` archive): Keras's counts, with the
    /// batchnorm statistics as non-trainable parameters, and Keras's "Connected to" where it branches.
    func testSummaryAndInfoReadKerasFiles() throws {
        let vgg = try run("summary", Repository.fixture("keras/vgg16.json").path)
        XCTAssertEqual(vgg.status, 0, vgg.stderr)
        for row in ["├─block1_conv1 (Conv2d)", "├─block1_conv1_relu (ReLU)", "├─predictions_softmax (Softmax)", "Total params (torchinfo): 138,357,544"] {
            XCTAssertTrue(vgg.stdout.contains(row), "\(row) in\n\(vgg.stdout)")
        }
        let file = Repository.fixture("keras/small_cnn.keras").path
        let small = try run("summary", file)
        XCTAssertEqual(small.status, 0, small.stderr)
        for row in ["├─sep_depthwise (Conv2d)", "Trainable params: 5,874", "Non-trainable params: 0", "Keras counts 5,890: with the 16 batchnorm"] {
            XCTAssertTrue(small.stdout.contains(row), "\(row) in\n\(small.stdout)")
        }
        // Keras's own count, as its model.summary() prints it.
        let asKeras = try run("summary", file, "--params", "keras")
        for row in ["Total params (Keras): 5,890", "Trainable params: 5,874", "Non-trainable params: 16", "torchinfo counts 5,874: without"] {
            XCTAssertTrue(asKeras.stdout.contains(row), "\(row) in\n\(asKeras.stdout)")
        }
        let info = try run("info", file).stdout.replacingOccurrences(of: "\n", with: " ")
        XCTAssertTrue(info.contains("Keras 3.15.1, Sequential"), info)
        XCTAssertTrue(info.contains("runs with random weights"), info)
        // The course notes' naive module, its "5x5" written as a 3x3: Keras's 180 and its "Connected to".
        let naive = try run("summary", Repository.fixture("keras/inception_naive.json").path)
        XCTAssertTrue(naive.stdout.contains("Total params (torchinfo): 180\n"), naive.stdout)
        let header = try XCTUnwrap(naive.stdout.split(separator: "\n").dropFirst().first)
        XCTAssertTrue(header.hasSuffix("Connected to"), String(header))
        XCTAssertTrue(naive.stdout.contains("  branch1_relu, branch2_relu, branch3_relu, branch4\n"), naive.stdout)
        let missing = try run("summary", "/no/such/net.keras")
        XCTAssertEqual(missing.stderr, "Error: /no/such/net.keras: no such file\n")
    }

    func testABrokenONNXFileIsOneLineNamingIt() throws {
        for (name, problem) in [
            ("truncated.onnx", "is not a complete ONNX file"), ("undefined-input.onnx", "reads 'missing', which no graph input"),
        ] {
            let file = Repository.fixture("onnx/" + name).path
            let r = try run("summary", file)
            XCTAssertEqual(r.status, 1, name)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.hasPrefix("Error: \(file): ") && r.stderr.contains(problem), r.stderr)
        }
        let missing = try run("summary", "/no/such/net.onnx")
        XCTAssertEqual(missing.stderr, "Error: /no/such/net.onnx: no such file\n")
    }

    func testAuxOnAModelWithoutAuxiliaryHeadsIsAnError() throws {
        let r = try run("summary", "resnet50", "--aux")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("resnet50 has no auxiliary classifiers (googlenet, inception_v3 do)"), r.stderr)
        XCTAssertEqual(try run("summary", "googlenet", "--aux").status, 0)
    }

    func testOnePixelIsSingular() throws {
        let r = try run("params", "conv", "--input", "3x1x1", "--kernel", "3", "--filters", "1")
        XCTAssertTrue(r.stderr.contains("(1 pixel of 3x1x1)"), r.stderr)
    }

    func testParamsConvNeedsAPositiveFilterCount() throws {
        var r = try run("params", "conv", "--input", "3x32x32", "--kernel", "5")
        XCTAssertNotEqual(r.status, 0, "no silent single filter")
        XCTAssertTrue(r.stderr.contains("--filters"), r.stderr)
        r = try run("params", "conv", "--input", "3x32x32", "--kernel", "5", "--filters", "-1")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--filters must be a positive number; got -1"), r.stderr)
    }

    func testCompareRFKernelNeedsAStack() throws {
        let r = try run("compare-rf", "--kernel", "5")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("give --stack N too"), r.stderr)
        XCTAssertEqual(try run("compare-rf", "--stack", "2", "--kernel", "5").status, 0)
    }

    func testImpossibleInputNamesTheFirstFailingLayer() throws {
        let r = try run("summary", "lenet5", "--input", "1x8x8")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("layer c3"), r.stderr)
    }

    func testBadInputSyntaxIsRejected() throws {
        let r = try run("summary", "lenet5", "--input", "32x32")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("CxHxW"), r.stderr)
    }

    func testSummaryJSONHasTheDocumentedKeys() throws {
        let r = try run("summary", "lenet5", "--json")
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["model"] as? String, "lenet5")
        XCTAssertEqual(object["input"] as? [Int], [1, 32, 32])
        XCTAssertEqual(object["totalParams"] as? Int, 61_706)
        XCTAssertEqual(object["trainableParams"] as? Int, 61_706)
        XCTAssertEqual(object["nonTrainableParams"] as? Int, 0)
        XCTAssertNotNil(object["macs"] as? Int)
        let layers = try XCTUnwrap(object["layers"] as? [[String: Any]])
        let c3 = try XCTUnwrap(layers.first { $0["name"] as? String == "c3" })
        XCTAssertEqual(c3["type"] as? String, "Conv2d")
        XCTAssertEqual(c3["outputShape"] as? [Int], [16, 10, 10])
        XCTAssertEqual(c3["params"] as? Int, 2_416)
        let rf = try XCTUnwrap(c3["receptiveField"] as? [String: Any])
        XCTAssertEqual(rf["size"] as? [Int], [14, 14])
        XCTAssertEqual(rf["jump"] as? [Int], [2, 2])
        XCTAssertEqual(rf["start"] as? [Double], [6.5, 6.5])
    }

    /// Every counting tool's total side by side, one tool's layers, and what turns torchinfo's
    /// ResNet-50 into the paper's 3.8×10^9.
    func testCountingConventions() throws {
        let all = try run("summary", "resnet50", "--count", "all")
        XCTAssertEqual(all.status, 0, all.stderr)
        for cell in ["4,089,238,376", "4,111,512,576", "4,132,436,968", "4,133,742,592", "8,221,876,096", "4,157,809,658", "3.8×10^9"] {
            XCTAssertTrue(all.stdout.contains(cell), "\(cell) in\n\(all.stdout)")
        }
        let scan = try run("summary", "efficientnet_b0", "--count", "torchscan")
        XCTAssertTrue(scan.stdout.contains("Total DMAs (torch-scan): 412,488,811 (412M), partial"), scan.stdout)
        XCTAssertTrue(scan.stdout.contains("* counted 0: 49 SiLU, 9 StochasticDepth"), scan.stdout)
        let paper = try run("summary", "resnet50", "--reconcile", "paper")
        for row in [
            "torchinfo total               4,089,238,376", "BatchNorm2d               53        -53,120", "3 blocks   -231,211,008",
            "the papers' rule on the paper's architecture                                                 3,857,973,248",
        ] {
            XCTAssertTrue(paper.stdout.contains(row), "\(row) in\n\(paper.stdout)")
        }
        let json = try run("summary", "lenet5", "--json", "--count", "thop")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["macConvention"] as? String, "thop")
        XCTAssertEqual((object["macsByConvention"] as? [String: Int])?["fvcore"], 416_520)
        let bad = try run("summary", "lenet5", "--count", "flopz")
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.hasPrefix("Error: --count takes torchinfo, fvcore, ptflops, thop, torchscan, paper, all, not 'flopz'\n"), bad.stderr)
        let keras = try run("summary", "nasnet_mobile", "--count", "fvcore")
        XCTAssertEqual(keras.status, 1)
        XCTAssertEqual(
            keras.stderr, "Error: nasnet_mobile is a Keras model; fvcore counts PyTorch modules and cannot count it (--count torchinfo or paper)\n")
        let noPaper = try run("summary", "conv5x5", "--reconcile", "paper")
        XCTAssertEqual(noPaper.status, 1)
        XCTAssertEqual(noPaper.stderr.filter { $0 == "\n" }.count, 1, noPaper.stderr)
    }

    /// The ILSVRC story with the papers' top-5 errors and where each is printed; every model's
    /// counts under every convention; the zoo as JSON.
    func testListHistoryCountsAndJSON() throws {
        let history = try run("list", "--history")
        XCTAssertEqual(history.status, 0, history.stderr)
        let lines = history.stdout.split(separator: "\n").map(String.init)
        let years = lines.compactMap { Int($0.prefix(4)) }
        XCTAssertEqual(years, years.sorted(), "in the order of the story")
        XCTAssertTrue(lines.contains { $0.hasPrefix("2015  ResNet-50") && $0.contains("5.25%") && $0.contains("Table 4") }, history.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("2012  AlexNet") && $0.contains("18.2%") }, history.stdout)
        XCTAssertFalse(history.stdout.contains("conv5x5"), "the course examples have no paper")
        let counts = try run("list", "--count", "all")
        XCTAssertTrue(counts.stdout.contains("nasnet_mobile") && counts.stdout.contains("n/a"), counts.stdout)
        let json = try run("list", "--json")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let models = try XCTUnwrap(object["models"] as? [[String: Any]])
        XCTAssertEqual(models.count, 34)
        let resnet50 = try XCTUnwrap(models.first { $0["name"] as? String == "resnet50" })
        XCTAssertEqual(resnet50["params"] as? Int, 25_557_032)
        XCTAssertEqual((resnet50["macsByConvention"] as? [String: Int])?["thop"], 4_133_742_592)
        XCTAssertEqual((resnet50["published"] as? [String: Any])?["topFiveError"] as? Double, 5.25)
        XCTAssertEqual(try run("list", "--count", "fvcore").status, 64)
    }

    /// The big layers first: VGG-16's five costliest are its early 3x3s at 1.85G each (the
    /// reference fixture's conv macs), and --top needs --sort.
    func testSummarySortAndTop() throws {
        let r = try run("summary", "vgg16", "--sort", "macs", "--top", "3")
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = r.stdout.split(separator: "\n").filter { $0.first?.isNumber == true }
        XCTAssertEqual(rows.count, 3, r.stdout)
        XCTAssertTrue(rows[0].hasPrefix("1  features.2 (Conv2d)") && rows[0].contains("1,852,899,328"), r.stdout)
        let params = try run("summary", "resnet50", "--sort", "params", "--top", "1")
        XCTAssertTrue(params.stdout.contains("layer4.0.conv2 (Conv2d)") && params.stdout.contains("2,359,296"), params.stdout)
        XCTAssertEqual(try run("summary", "vgg16", "--top", "3").status, 64)
        XCTAssertEqual(try run("summary", "vgg16", "--sort", "size").status, 64)
    }

    /// Scripts get JSON from every command that prints numbers, the version, and completions.
    func testJSONVersionAndCompletions() throws {
        func object(_ arguments: String...) throws -> [String: Any] {
            let r = try launch(arguments)
            XCTAssertEqual(r.status, 0, "\(arguments): \(r.stderr)")
            return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(arguments)")
        }
        let info = try object("info", "resnet50", "--json")
        XCTAssertEqual(info["params"] as? [String: Int], ["torchinfo": 25_557_032, "keras": 25_610_152])
        XCTAssertEqual((info["macs"] as? [String: Int])?["fvcore"], 4_111_512_576)
        let rf = try object("rf", "lenet5", "--json")
        let s4 = try XCTUnwrap((rf["layers"] as? [[String: Any]])?.first { $0["name"] as? String == "s4" })
        XCTAssertEqual((s4["receptiveField"] as? [String: Any])?["size"] as? [Int], [16, 16], "c1 5, s2 6, c3 14, s4 16")
        let conv = try object("params", "conv", "--input", "1x32x32", "--kernel", "5", "--filters", "12", "--json")
        XCTAssertEqual(conv["params"] as? Int, 312)
        XCTAssertEqual(conv["macsWithoutBias"] as? String, "by hand, no bias: 5*5*1*12*28*28 = 235,200")
        let stacks = try object("compare-rf", "--json")
        let first = try XCTUnwrap((stacks["comparisons"] as? [[String: Any]])?.first)
        XCTAssertEqual((first["stack"] as? [String: Any])?["params"] as? Int, 2 * (9 * 64 * 64 + 64))
        let top = try object("run", "lenet5", "--sample", "mnist:0", "--json")
        XCTAssertEqual(((top["top"] as? [[String: Any]])?.first)?["label"] as? String, "6")
        XCTAssertEqual(try run("--version").stdout, "cnn-tui 0.2.0\n")
        for shell in ["bash", "zsh", "fish"] {
            let script = try run("--generate-completion-script", shell)
            XCTAssertEqual(script.status, 0, shell)
            XCTAssertTrue(script.stdout.contains("compare-rf") && script.stdout.contains("reconcile"), shell)
        }
    }

    /// LeNet-5 with its trained weights on the first held-out digit (a 6): covering the stroke
    /// drops the prediction, a top patch's value is `run --layers`'s output at its unit, and
    /// wrong requests are one line each.
    func testExplainLeNet5() throws {
        let occlusion = try run("explain", "lenet5", "--sample", "mnist:0", "--method", "occlusion", "--json")
        XCTAssertEqual(occlusion.status, 0, occlusion.stderr)
        let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(occlusion.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(o["shape"] as? [Int], [7, 7])
        XCTAssertEqual(o["classIndex"] as? Int, 6)
        let drops = try XCTUnwrap(o["values"] as? [Double])
        XCTAssertGreaterThan(drops.max() ?? 0, 0.5, "a grey square on the stroke takes the 6 away")
        XCTAssertLessThan(abs(drops[0]), 0.01, "the empty corner does not matter")

        let top = try run("explain", "lenet5", "--sample", "mnist:0", "--method", "top-patches", "--layer", "c3", "--channel", "2", "--json")
        let t = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(top.stdout.utf8)) as? [String: Any])
        let patches = try XCTUnwrap(t["patches"] as? [[String: Any]])
        XCTAssertEqual(patches.count, 9)
        let best = try XCTUnwrap(patches.first)
        let sample = try XCTUnwrap(best["sample"] as? String), y = try XCTUnwrap(best["y"] as? Int), x = try XCTUnwrap(best["x"] as? Int)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("explain-\(getpid()).safetensors").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: file) }
        XCTAssertEqual(try run("run", "lenet5", "--sample", sample, "--output", file, "--layers", "c3").status, 0)
        let c3 = try XCTUnwrap(try Safetensors.read(path: file)["c3"])
        XCTAssertEqual(Double(c3[(2 * 10 + y) * 10 + x]), try XCTUnwrap(best["value"] as? Double), accuracy: 1e-4)
        XCTAssertEqual(try XCTUnwrap(best["rows"] as? [Int]).count, 2)

        // The README's figures for c3's centre unit, on the digit and over all 1,000 digits.
        let erf = try run("explain", "lenet5", "--sample", "mnist:0", "--method", "erf", "--layer", "c3")
        XCTAssertTrue(erf.stdout.contains("20% of it in 5.6%, 50% of it in 18.4%, 90% of it in 56.6%, 99% of it in 84.7%"), erf.stdout)
        let mean = try run("explain", "lenet5", "--sample", "mnist:0", "--method", "erf", "--layer", "c3", "--samples", "1000")
        XCTAssertTrue(mean.stdout.contains("averaged over 1000 samples"), mean.stdout)
        XCTAssertTrue(mean.stdout.contains("20% of it in 9.7%, 50% of it in 31.1%, 90% of it in 75.5%, 99% of it in 95.4%"), mean.stdout)
        XCTAssertEqual(try run("explain", "lenet5", "--sample", "mnist:0", "--method", "gradcam", "--samples", "3").status, 64)

        let unknown = try run("explain", "lenet5", "--sample", "mnist:0", "--method", "erf", "--layer", "c9")
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.hasPrefix("Error: no layer or block named 'c9'") || unknown.stderr.contains("c9"), unknown.stderr)
        let unit = try run("explain", "lenet5", "--sample", "mnist:0", "--method", "erf", "--layer", "c3", "--unit", "10,0")
        XCTAssertEqual(unit.stderr, "Error: c3 has no such unit: its output is 16x10x10 (--channel C --unit Y,X)\n")
        XCTAssertEqual(try run("explain", "lenet5", "--method", "erf", "--layer", "c3").status, 64, "an input is needed")
    }

    func testCompareTwoModels() throws {
        let r = try run("compare", "resnet18", "resnet34")
        XCTAssertEqual(r.status, 0, r.stderr)
        for line in [
            "+10,108,160 (1.86x)", "  + layer3.5 (BasicBlock): 7 layers, 1,180,672 params, 231,212,032 mult-adds",
            "  = 18 layers the same (conv1 … layer1.1.relu:2)",
        ] {
            XCTAssertTrue(r.stdout.contains(line), "\(line) in\n\(r.stdout)")
        }
        let json = try run("compare", "vgg16", "vgg16_bn", "--json")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let changes = try XCTUnwrap(object["changes"] as? [[String: Any]])
        XCTAssertEqual(changes.filter { $0["change"] as? String == "inserted" }.count, 13)
        XCTAssertEqual((object["second"] as? [String: Any])?["params"] as? Int, 138_365_992)
        let bad = try run("compare", "resnet18", "resnet19")
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.hasPrefix("Error: unknown model 'resnet19'"), bad.stderr)
    }

    func testSummaryJSONHonoursTheDepth() throws {
        let r = try run("summary", "resnet50", "--depth", "1", "--json")
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let layers = try XCTUnwrap(object["layers"] as? [[String: Any]])
        XCTAssertEqual(
            layers.compactMap { $0["name"] as? String },
            ["input", "conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "flatten", "fc"])
        let layer4 = try XCTUnwrap(layers.first { $0["name"] as? String == "layer4" })
        XCTAssertEqual(layer4["params"] as? Int, 14_964_736, "the table's row for layer4")
        XCTAssertEqual(layer4["runningStats"] as? Int, 22_528)
        XCTAssertEqual(object["paramConvention"] as? String, "torchinfo")
        XCTAssertEqual(object["paramsByConvention"] as? [String: Int], ["torchinfo": 25_557_032, "keras": 25_610_152])
        XCTAssertEqual(layer4["outputShape"] as? [Int], [2048, 7, 7])
        XCTAssertEqual(layers.first { $0["name"] as? String == "avgpool" }?["inputs"] as? [String], ["layer4"])
        XCTAssertEqual(layers.compactMap { $0["params"] as? Int }.reduce(0, +), 25_557_032, "nothing counted twice or lost")
        let keras = try run("summary", "resnet50", "--depth", "1", "--json", "--params", "keras")
        let asKeras = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(keras.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(asKeras["totalParams"] as? Int, 25_610_152)
        XCTAssertEqual((asKeras["layers"] as? [[String: Any]])?.compactMap { $0["params"] as? Int }.reduce(0, +), 25_610_152)
    }

    func testRFLayerDetail() throws {
        let r = try run("rf", "lenet5", "--layer", "s4")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Receptive field: 16x16 pixels"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Jump (effective stride): 4"), r.stdout)
        let missing = try run("rf", "lenet5", "--layer", "nope")
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("no layer 'nope'"), missing.stderr)
    }

    func testOptimizerIsAChoiceThatHelpLists() throws {
        XCTAssertTrue(try run("train", "--help").stdout.contains("sgd, adam; default: adam"))
        let r = try run("train", "lenet5", "--optimizer", "adm", "--out", "/tmp/never.safetensors")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("Please provide one of 'sgd' and 'adam'"), r.stderr)
    }

    func testOpenTakesTheSameModelOptionsAsSummary() throws {
        let help = try run("open", "--help").stdout
        XCTAssertTrue(help.contains("A zoo model name (see `cnn-tui list`), or a file:"), help)
        let r = try run("open", "resnet50", "--aux")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("resnet50 has no auxiliary classifiers"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
    }

    func testAMisspeltCommandIsNotTakenForAModel() throws {
        let r = try run("sumary", "vgg16")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.stderr, "Error: unknown command or model 'sumary'; did you mean 'summary'?\n")
        let model = try run("lenet")
        XCTAssertNotEqual(model.status, 0)
        XCTAssertTrue(model.stderr.contains("unknown command or model 'lenet'; did you mean 'lenet5'?"), model.stderr)
        let browser = try run("vgg16")
        XCTAssertEqual(browser.status, 2, "a model name alone still opens the browser")
        XCTAssertTrue(browser.stderr.contains("cnn-tui summary vgg16"), browser.stderr)
    }

    func testRFTakesTheBlockNamesSummaryPrints() throws {
        let r = try run("rf", "resnet50", "--layer", "layer4")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(
            r.stdout.hasPrefix("layer4 (Sequential block) in resnet50 at input 3x224x224: the field at the block's end, layer4.2.relu:3 (ReLU)\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Receptive field: 427x427 pixels"), r.stdout)
        XCTAssertTrue(try run("rf", "resnet50", "--layer", "layer4.2").stdout.contains("Receptive field: 427x427 pixels"))
        let inception = try run("rf", "googlenet", "--layer", "inception3a")
        XCTAssertEqual(inception.status, 0, inception.stderr)
        XCTAssertTrue(inception.stdout.contains("the field at the block's end, inception3a.cat (Concat)"), inception.stdout)
        let typo = try run("rf", "resnet50", "--layer", "layer4.2.conv")
        XCTAssertNotEqual(typo.status, 0)
        XCTAssertEqual(typo.stderr, "Error: resnet50 has no layer 'layer4.2.conv': did you mean 'layer4.2.conv1', 'layer4.2.conv2' or 'layer4.2.conv3'?\n")
    }

    func testAFileThatCannotBeWrittenIsOneLineNamingIt() throws {
        let run = try run("run", "lenet5", "--output", "/no/such/dir/out.json")
        XCTAssertNotEqual(run.status, 0)
        XCTAssertEqual(run.stderr, "Error: cannot write /no/such/dir/out.json: the folder /no/such/dir does not exist\n")
        let folder = FileManager.default.temporaryDirectory.path
        let onAFolder = try self.run("run", "lenet5", "--output", folder)
        XCTAssertNotEqual(onAFolder.status, 0)
        XCTAssertEqual(onAFolder.stderr, "Error: cannot write \(folder): it is a folder\n")
        let train = try self.run("train", "lenet5", "--epochs", "1", "--out", "/no/such/dir/w.safetensors")
        XCTAssertNotEqual(train.status, 0)
        XCTAssertEqual(train.stderr, "Error: cannot write /no/such/dir/w.safetensors: the folder /no/such/dir does not exist\n")
        XCTAssertEqual(train.stdout, "", "found before any training")
        // sysfs takes no new files, root or not: the check or the write itself says so in our words.
        let refused = try self.run("run", "lenet5", "--output", "/sys/out.safetensors")
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.hasPrefix("Error: cannot write /sys/out.safetensors: "), refused.stderr)
        XCTAssertFalse(refused.stderr.contains("Domain"), refused.stderr)
        XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
    }

    func testListShowsEveryModelWithItsDepth() throws {
        let r = try run("list")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("lenet5"), r.stdout)
        XCTAssertTrue(r.stdout.contains("61,706"), r.stdout)
    }

    func testBrowserWithoutATerminalPointsToSummary() throws {
        let r = try launch([])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("cnn-tui summary lenet5"), r.stderr)
        XCTAssertEqual(r.stdout, "")
    }

    func testRunPrintsTopFiveAndSaysTheWeightsAreRandom() throws {
        let r = try run("run", "lenet5", "--untrained")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("LeNet-5 at 1x32x32, random weights (seed 42)"), r.stdout)
        XCTAssertEqual(r.stdout.split(separator: "\n").filter { $0.contains(". class ") }.count, 5, r.stdout)
        XCTAssertTrue(r.stdout.contains("(random weights: an untrained network's classes mean nothing)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("forward pass:"), r.stdout)
        let trained = try run("run", "lenet5", "--sample", "mnist:0")
        XCTAssertFalse(trained.stdout.contains("mean nothing"), trained.stdout)
    }

    func testRunWritesRequestedLayersAndReadsThemBack() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cnn-tui-run-\(getpid()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try run("run", "lenet5", "--output", path, "--layers", "c1,s4")
        XCTAssertEqual(r.status, 0, r.stderr)
        let data = try XCTUnwrap(FileManager.default.contents(atPath: path))
        let headerLength = Int(data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as? [String: Any])
        XCTAssertEqual((header["c1"] as? [String: Any])?["shape"] as? [Int], [1, 6, 28, 28])
        XCTAssertEqual((header["s4"] as? [String: Any])?["shape"] as? [Int], [1, 16, 5, 5])
        XCTAssertEqual((header["output"] as? [String: Any])?["shape"] as? [Int], [1, 10])
        // The same file as input has no `input` tensor: a clear error.
        let bad = try run("run", "lenet5", "--tensor", path)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("has no tensor named 'input'"), bad.stderr)
    }

    func testRunRejectsWeightsOfAnotherModel() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cnn-tui-w-\(getpid()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertEqual(try run("run", "conv5x5", "--output", path, "--layers", "all").status, 0)
        let r = try run("run", "lenet5", "--weights", path)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("weights: tensor c1.weight [6, 1, 5, 5] is missing"), r.stderr)
    }

    func testRunOnABundledSampleAndAnImageFile() throws {
        let r = try run("run", "lenet5", "--sample", "mnist:0")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("input: sample mnist:0, true class "), r.stdout)
        let photo = try run("run", "resnet18", "--sample", "imagenet:0")
        XCTAssertTrue(photo.stdout.contains("true class 243 bull mastiff"), photo.stdout)
        let bad = try run("run", "lenet5", "--sample", "mnist:5000")
        XCTAssertTrue(bad.stderr.contains("mnist has 1000 samples (0-999)"), bad.stderr)
        let text = FileManager.default.temporaryDirectory.appendingPathComponent("cnn-tui-not-an-image-\(getpid()).txt").path
        try "hello".write(toFile: text, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: text) }
        let notImage = try run("run", "lenet5", "--image", text)
        XCTAssertNotEqual(notImage.status, 0)
        XCTAssertTrue(notImage.stderr.contains("not a PNG, PGM or PPM image"), notImage.stderr)
    }

    func testRunLeNet5UsesItsShippedWeights() throws {
        let r = try run("run", "lenet5", "--sample", "mnist:0")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("LeNet-5 at 1x32x32, trained weights (lenet5-mnist.safetensors)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("true class 6"), r.stdout)
        XCTAssertTrue(r.stdout.contains("  1. class 6 "), "the first test digit, a 6, is read as a 6: \(r.stdout)")
    }

    /// A small MNIST-format folder: the first `train` and `test` bundled digits.
    private func tinyMNIST(train: Int, test: Int) throws -> String {
        let folder = try makeTinyMNIST(train: train, test: test, name: "cnn-tui-tiny-mnist")
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        return folder
    }

    func testTrainWritesTheBestWeightsThatRunThenReads() throws {
        let data = try tinyMNIST(train: 96, test: 32)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("cnn-tui-train-\(getpid()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try run("train", "lenet5", "--data", data, "--epochs", "2", "--batch", "16", "--out", out)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("96 training, 32 test images"), r.stdout)
        XCTAssertTrue(r.stdout.contains("epoch 1/2  loss "), r.stdout)
        XCTAssertTrue(r.stdout.contains("epoch 2/2  loss "), r.stdout)
        XCTAssertTrue(r.stdout.contains("test acc "), r.stdout)
        XCTAssertTrue(r.stdout.contains("; wrote \(out)"), r.stdout)
        let again = try run("run", "lenet5", "--weights", out, "--sample", "mnist:3")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("weights from \(out)"), again.stdout)
        let bad = try run("train", "alexnet", "--data", data, "--out", out)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("training does not support LocalResponseNorm yet (layer features.2)"), bad.stderr)
    }

    func testCtrlCKeepsTheBestWeightsSoFar() throws {
        let data = try tinyMNIST(train: 64, test: 16)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("cnn-tui-interrupt-\(getpid()).safetensors").path
        try? FileManager.default.removeItem(atPath: out)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["train", "lenet5", "--data", data, "--epochs", "100000", "--batch", "16", "--out", out]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: out) && Date() < deadline && process.isRunning { usleep(20_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: out), "the first epoch saves its weights")
        process.interrupt()
        let text = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130, text)
        XCTAssertTrue(text.contains("interrupted: \(out) has the best weights so far (epoch "), text)
        XCTAssertEqual(try run("run", "lenet5", "--weights", out).status, 0)
    }
}
