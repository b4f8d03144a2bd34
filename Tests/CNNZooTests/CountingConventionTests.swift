import CNNModel
import Foundation
import TestSupport
import XCTest

@testable import CNNZoo

/// Every zoo model the counting tools can count, under each tool's rules, against what the tool
/// itself printed (Tests/Fixtures/counting, written by Scripts/make-counting-fixtures.py from
/// fvcore, ptflops, thop and torch-scan as installed): the totals exactly, and layer by layer
/// where the tool reports layers.
final class CountingConventionTests: XCTestCase {
    struct Metric: Decodable {
        let status: String
        let value: Int?
        let known_value: Int?
        var number: Int? { value ?? known_value }
    }

    struct Fixture: Decodable {
        struct FVCore: Decodable {
            let total: Int
            let layers: [String: Int]
        }
        struct PTFlops: Decodable {
            let macs: Int
            let params: Int
        }
        struct THOP: Decodable {
            let macs: Double
            let params: Double
            let layers: [String: Double]
        }
        struct TorchScan: Decodable {
            let flops: Metric
            let macs: Metric
            let dmas: Metric
            let layers: [[JSONScalar]]
        }
        let model: String
        let input: [Int]
        let fvcore: FVCore
        let ptflops: PTFlops
        let thop: THOP
        let torchscan: TorchScan
    }

    /// A row of torch-scan's layer table: strings, numbers and booleans.
    enum JSONScalar: Decodable {
        case string(String)
        case number(Int)
        case bool(Bool)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) {
                self = .bool(b)
            } else if let n = try? c.decode(Int.self) {
                self = .number(n)
            } else {
                self = .string(try c.decode(String.self))
            }
        }
        var int: Int? { if case .number(let n) = self { n } else { nil } }
        var string: String? { if case .string(let s) = self { s } else { nil } }
    }

    static let directory = Repository.fixture("counting")

    func fixtures() throws -> [Fixture] {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: Self.directory.appendingPathComponent($0))) }
    }

    func analysis(_ fixture: Fixture) throws -> (ZooModel, ModelAnalysis) {
        let name = fixture.model.split(separator: "@").first.map(String.init) ?? fixture.model
        let model = try XCTUnwrap(Zoo.model(named: name), fixture.model)
        let input = TensorShape(channels: fixture.input[0], height: fixture.input[1], width: fixture.input[2])
        return (model, try model.analysis(input: input))
    }

    func testEveryZooModelTheToolsCountHasAFixture() throws {
        let counted = Set(try fixtures().map(\.model))
        // googlenet and inception_v3 are counted without their auxiliary heads, as the tools run
        // in eval mode; nasnet_mobile is a Keras model, which none of the four can count.
        XCTAssertEqual(Set(Zoo.all.map(\.name)).subtracting(counted), ["nasnet_mobile"])
    }

    func testTotalsAreWhatEachToolPrints() throws {
        for fixture in try fixtures() {
            let (model, a) = try analysis(fixture)
            let flags = model.torchFlags
            let name = fixture.model
            XCTAssertEqual(a.count(.fvcore).total(.macs), fixture.fvcore.total, "\(name): fvcore")
            XCTAssertEqual(a.count(.ptflops).total(.macs), fixture.ptflops.macs, "\(name): ptflops")
            XCTAssertEqual(a.count(.thop).total(.macs), Int(fixture.thop.macs), "\(name): thop")
            let scan = a.count(.torchscan, flags: flags)
            XCTAssertEqual(scan.total(.flops), fixture.torchscan.flops.number, "\(name): torch-scan FLOPs")
            XCTAssertEqual(scan.total(.macs), fixture.torchscan.macs.number, "\(name): torch-scan MACs")
            XCTAssertEqual(scan.total(.dmas), fixture.torchscan.dmas.number, "\(name): torch-scan DMAs")
            XCTAssertEqual(scan.isPartial, fixture.torchscan.macs.status == "partial", "\(name): torch-scan's partial total")
            for convention in CountConvention.allCases {
                XCTAssertTrue(a.count(convention, flags: flags).unmodelled.isEmpty, "\(name): \(convention) models every layer")
            }
            XCTAssertEqual(a.params(.torchinfo), fixture.ptflops.params, "\(name): ptflops' params are torchinfo's")
            XCTAssertEqual(a.params(.torchinfo), Int(fixture.thop.params), "\(name): so are thop's")
        }
    }

    /// Layer by layer: fvcore's and thop's counts of each leaf module (summed over its calls),
    /// and torch-scan's row of each call.
    func testLayersAreWhatEachToolCounts() throws {
        for fixture in try fixtures() {
            let (model, a) = try analysis(fixture)
            let name = fixture.model
            let byModule = { (convention: CountConvention) -> [String: Int] in
                let count = a.count(convention, flags: model.torchFlags)
                var sums: [String: Int] = [:]
                for layer in a.graph.layers {
                    guard let module = layer.module, let c = count.layers[layer.id] else { continue }
                    sums[module, default: 0] += c.macs
                }
                return sums
            }
            let fvcore = byModule(.fvcore), thop = byModule(.thop)
            for (module, expected) in fixture.fvcore.layers {
                XCTAssertEqual(fvcore[module] ?? 0, expected, "\(name): fvcore's \(module)")
            }
            for (module, expected) in fixture.thop.layers {
                XCTAssertEqual(thop[module] ?? 0, Int(expected), "\(name): thop's \(module)")
            }
            // torch-scan: one row per call, in order, of the modules' layers.
            let scan = a.count(.torchscan, flags: model.torchFlags)
            let calls = a.graph.layers.filter { $0.module != nil }
            XCTAssertEqual(calls.count, fixture.torchscan.layers.count, "\(name): torch-scan's calls")
            for (layer, row) in zip(calls, fixture.torchscan.layers) {
                let c = try XCTUnwrap(scan.layers[layer.id])
                XCTAssertEqual(layer.module, row[0].string, "\(name): call order")
                XCTAssertEqual([c.flops, c.macs, c.dmas], [row[3].int, row[4].int, row[5].int], "\(name): torch-scan's \(layer.name)")
            }
        }
    }
}

/// From one convention to another, and down to the papers' figures.
final class ReconciliationTests: XCTestCase {
    /// Every pair of conventions on every zoo model: the steps add up exactly.
    func testStepsAddUpExactly() throws {
        for model in Zoo.all {
            let a = try model.analysis()
            for from in CountConvention.allCases where model.canBeCounted(by: from) {
                for to in CountConvention.allCases where to != from && model.canBeCounted(by: to) {
                    let r = try XCTUnwrap(a.reconcile(from: from, to: to, flags: model.torchFlags), "\(model.name) \(from) to \(to)")
                    XCTAssertEqual(r.fromTotal + r.steps.map(\.change).reduce(0, +), r.toTotal, "\(model.name) \(from) to \(to)")
                    XCTAssertEqual(r.fromTotal, a.count(from, flags: model.torchFlags).total(.macs))
                }
            }
        }
    }

    /// ResNet-50 from torchinfo's 4,089,238,376 to the paper's 3.8×10^9: the batchnorms' and the
    /// dense bias's mult-adds, then torchvision's v1.5 stride placement, whose cost is by hand
    /// 256·128·(56²−28²) = 512·256·(28²−14²) = 1024·512·(14²−7²) = 77,070,336 per stage.
    func testResNet50FromTorchinfoToThePaper() throws {
        let model = try XCTUnwrap(Zoo.model(named: "resnet50"))
        let a = try model.analysis()
        let p = try XCTUnwrap(model.reconcileWithPaper(a, from: .torchinfo))
        XCTAssertEqual(p.rule.fromTotal, 4_089_238_376)
        XCTAssertEqual(p.rule.steps.map(\.what), ["BatchNorm2d", "Linear biases"])
        XCTAssertEqual(p.rule.steps.map(\.change), [-53_120, -1_000])
        XCTAssertEqual(p.architecture.map(\.change), [-3 * 77_070_336])
        XCTAssertEqual(p.paperArchitectureCount, 3_857_973_248)
        // SENet's Table 2 prints ResNet-50 (v1) at 3.86 GFLOPs; the ResNet paper's 3.8 truncates it.
        XCTAssertEqual((Double(p.paperArchitectureCount) / 1e7).rounded() / 100, 3.86)
        XCTAssertEqual(p.published.value, 3.8e9)
        XCTAssertEqual(p.published.source, "He, Zhang, Ren and Sun 2015 (arXiv 1512.03385), Table 1")
        // ResNet-18's basic blocks have no 1x1 on the main path: nothing moves.
        let resnet18 = try XCTUnwrap(Zoo.model(named: "resnet18"))
        XCTAssertEqual(try XCTUnwrap(resnet18.reconcileWithPaper(try resnet18.analysis(), from: .torchinfo)).architecture.count, 0)
    }

    /// The papers' rule on the models whose papers print multiply-adds: within the printed
    /// figure's rounding, as the helpers' hand counts were (MobileNetV2 300.8M for "300M",
    /// EfficientNet-B0 386M for "0.39B", GoogLeNet within 1% of "1.5 billion").
    func testThePapersRuleMeetsThePrintedFigures() throws {
        for (name, tolerance) in [("mobilenet_v2", 0.01), ("efficientnet_b0", 0.02), ("googlenet", 0.01), ("resnet18", 0.01)] {
            let model = try XCTUnwrap(Zoo.model(named: name))
            let p = try XCTUnwrap(model.reconcileWithPaper(try model.analysis(), from: .torchinfo), name)
            XCTAssertLessThan(abs(p.rounding) / p.published.value, tolerance, "\(name): \(p.paperArchitectureCount) against \(p.published.text)")
        }
    }
}
