import CNNModel
import CNNZoo
import Foundation
import TestSupport
import XCTest

@testable import CNNEngine

/// What a unit sees, against references that need no other tool.
final class ExplainerTests: XCTestCase {
    /// `n` linear k x k "same" convolutions of one channel, every weight 1, no bias.
    private func boxStack(_ n: Int, kernel k: Int, size: Int) throws -> Explainer {
        let b = GraphBuilder("boxes")
        var x = b.input()
        for i in 1...n { x = b.conv(x, "conv\(i)", filters: 1, kernel: Size2(k), padding: .same, bias: false) }
        _ = b.flatten(x)
        let analysis = try ModelAnalysis(graph: b.build(), input: TensorShape(channels: 1, height: size, width: size))
        let ones = Dictionary(
            uniqueKeysWithValues: ParameterSpec.all(for: analysis).map { spec in
                let t = Tensor(shape: spec.shape)
                for i in 0..<t.count { t[i] = 1 }
                return (spec.name, t)
            })
        return try Explainer(analysis: analysis, weights: Weights(tensors: ones, origin: "ones"))
    }

    /// The n-fold convolution of a box of k ones with itself: [1, 2, 3, 2, 1] for two 3-boxes.
    private func boxes(_ n: Int, _ k: Int) -> [Int] {
        var result = [1]
        for _ in 0..<n {
            var next = [Int](repeating: 0, count: result.count + k - 1)
            for (i, v) in result.enumerated() { for j in 0..<k { next[i + j] += v } }
            result = next
        }
        return result
    }

    /// The input gradient of the centre unit of a stack of n all-one k x k convolutions is the
    /// outer product of the n-fold box convolution with itself, exactly: the Gaussian-like
    /// effective field inside the square theoretical one (Luo et al. 2016), in integers.
    func testTheFieldOfStackedBoxesIsTheirRepeatedConvolution() throws {
        for (n, k) in [(1, 3), (2, 3), (3, 3), (2, 5), (4, 3)] {
            let size = 15, centre = 7
            let explainer = try boxStack(n, kernel: k, size: size)
            explainer.run([Float](repeating: 0.5, count: size * size))
            let gradient = explainer.inputGradient(ofUnit: n, channel: 0, y: centre, x: centre)
            let profile = boxes(n, k), half = profile.count / 2
            var expected = [Float](repeating: 0, count: size * size)
            for (i, a) in profile.enumerated() {
                for (j, b) in profile.enumerated() { expected[(centre - half + i) * size + centre - half + j] = Float(a * b) }
            }
            XCTAssertEqual(gradient, expected, "\(n) x \(k)x\(k): \(profile)")
        }
    }

    /// Occlusion batched 16 at a time gives what one copy at a time gives, and a patch over the
    /// whole input gives the drop to the all-grey input's probability.
    func testOcclusionIsTheProbabilityDrop() throws {
        let b = GraphBuilder("small")
        var x = b.conv(b.input(), "conv", filters: 4, kernel: Size2(3), padding: .same)
        x = b.relu(x, "relu")
        x = b.flatten(x)
        _ = b.dense(x, "fc", 5)
        let analysis = try ModelAnalysis(graph: b.build(), input: TensorShape(channels: 2, height: 6, width: 6))
        let weights = Weights.randomized(analysis, seed: 3)
        var rng = SeededGenerator(seed: 4)
        let input = rng.values(72)
        let batched = try Explainer(analysis: analysis, weights: weights, batchSize: 16)
        let single = try Explainer(analysis: analysis, weights: weights, batchSize: 1)
        for e in [batched, single] { e.run(input) }
        let drops = try XCTUnwrap(batched.occlusion(classIndex: 2, patch: 2, stride: 2))
        XCTAssertEqual(drops.count, 9)
        assertMatches(try XCTUnwrap(single.occlusion(classIndex: 2, patch: 2, stride: 2)), drops, relative: 1e-5, absolute: 1e-6)
        let whole = try XCTUnwrap(single.occlusion(classIndex: 2, patch: 6, stride: 1, fill: 0))
        let grey = try Explainer(analysis: analysis, weights: weights, batchSize: 1)
        grey.run([Float](repeating: 0, count: 72))
        assertMatches([single.probabilities[2] - grey.probabilities[2]], whole, relative: 1e-5, absolute: 1e-6)
        XCTAssertEqual(single.input, input, "the explainer is back on the image afterwards")
        XCTAssertNil(single.occlusion(classIndex: 2, patch: 2, stride: 2, isCancelled: { true }))
    }
}

/// Grad-CAM, guided backpropagation and a unit's input gradient against PyTorch's autograd
/// (Scripts/make-explain-fixtures.py: the engine fixtures' weights and input, seed 2024).
final class ExplainerPyTorchTests: XCTestCase {
    struct Sidecar: Decodable {
        struct Entry: Decodable {
            let key: String
            let method: String
            let module: String?
            let channel: Int?
            let y: Int?
            let x: Int?
        }
        let model: String
        let input: [Int]
        let `class`: Int
        let tensors: [Entry]
    }

    private func check(_ fixture: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let directory = Repository.fixture("explain")
        let sidecar = try JSONDecoder().decode(
            Sidecar.self, from: Data(contentsOf: directory.appendingPathComponent("\(fixture).json")))
        let reference = try Safetensors.read(path: directory.appendingPathComponent("\(fixture).safetensors").path)
        let model = try XCTUnwrap(Zoo.model(named: sidecar.model))
        let analysis = try model.analysis(input: TensorShape(channels: sidecar.input[0], height: sidecar.input[1], width: sidecar.input[2]))
        var random = NormalGenerator(seed: 2024 ^ fnv1a("input"))
        let input = (0..<analysis.input.elementCount!).map { _ in random.next() }
        XCTAssertEqual(Array(input.prefix(16)), try XCTUnwrap(reference["input_head"]).values, file: file, line: line)
        let explainer = try Explainer(analysis: analysis, weights: .randomized(analysis, seed: 2024))
        explainer.run(input)
        func matches(_ key: String, _ actual: [Float]) throws {
            let expected = try XCTUnwrap(reference[key], key).values
            let scale = expected.map(abs).max() ?? 1
            assertMatches(expected, actual, relative: 1e-4, absolute: 1e-4 * scale, "\(fixture) \(key)", file: file, line: line)
        }
        try matches("logits", explainer.logits)
        let predicted = explainer.probabilities.enumerated().max { $0.element < $1.element }!.offset
        XCTAssertEqual(predicted, sidecar.class, file: file, line: line)
        for entry in sidecar.tensors {
            switch entry.method {
            case "gradcam":
                let layer = try ExplainLayer.id(try XCTUnwrap(entry.module), in: analysis.graph)
                try matches(entry.key, explainer.gradCAM(layer: layer, classIndex: sidecar.class))
            case "guided":
                try matches(entry.key, explainer.guidedBackpropagation(classIndex: sidecar.class))
            case "erf":
                let layer = try ExplainLayer.id(try XCTUnwrap(entry.module), in: analysis.graph)
                try matches(
                    entry.key,
                    explainer.inputGradient(
                        ofUnit: layer, channel: try XCTUnwrap(entry.channel), y: try XCTUnwrap(entry.y), x: try XCTUnwrap(entry.x)))
            default:
                break
            }
        }
    }

    func testResNet18() throws { try check("resnet18@3x64x64") }
    func testVGG11BN() throws { try check("vgg11_bn@3x64x64") }
}

/// A PyTorch module's output in the graph: a layer of that name, or a block's last layer.
enum ExplainLayer {
    static func id(_ name: String, in graph: Graph) throws -> Int {
        if let layer = graph.layer(named: name) { return layer.id }
        let block = try XCTUnwrap(graph.block(named: name), name)
        return try XCTUnwrap(graph.lastLayer(ofBlock: block.id)).id
    }
}
