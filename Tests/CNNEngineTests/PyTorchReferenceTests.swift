import CKernels
import CNNModel
import CNNZoo
import Foundation
import TestSupport
import XCTest

@testable import CNNEngine

/// The engine against PyTorch: Scripts/make-engine-fixtures.py runs each model in PyTorch with
/// the same generated weights and input (`Weights.randomized`, seed 2024) and stores the output.
final class PyTorchReferenceTests: XCTestCase {
    static let directory = Repository.fixture("engine")
    static let seed: UInt64 = 2024

    /// `case` is a zoo name, optionally `@CxHxW` for the input; `winograd` names layers that must
    /// run as Winograd F(2x2, 3x3), so that the fixtures hold that path to PyTorch too.
    /// `narrow` layers must run through the narrow GEMM where the CPU has AVX-512, `packed` ones
    /// through the packed-weight GEMM.
    /// With `shared`, also with every layer split between threads, in two and three shares.
    private func check(
        _ fixture: String, winograd: [String] = [], narrow: [String] = [], packed: [String] = [], shared: Bool = false,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let parts = fixture.split(separator: "@").map(String.init)
        let model = try XCTUnwrap(Zoo.model(named: parts[0]))
        let analysis = try model.analysis(input: parts.count > 1 ? TensorShape(parsing: parts[1]) : nil)
        let reference = try Safetensors.read(path: Self.directory.appendingPathComponent("\(fixture).safetensors").path)
        let expected = try XCTUnwrap(reference["output"])

        var random = NormalGenerator(seed: Self.seed ^ fnv1a("input"))
        let input = Tensor(analysis.input)
        for i in 0..<input.count { input[i] = random.next() }
        XCTAssertEqual(
            Array(input.values.prefix(16)), try XCTUnwrap(reference["input_head"]).values,
            "the input generator matches the Python port", file: file, line: line)

        let weights = Weights.randomized(analysis, seed: Self.seed)
        let scale = expected.values.map(abs).max() ?? 1
        try (shared ? forEachShareCount : { try $0(1) }) { shares in
            let executor = try Executor(analysis: analysis, weights: weights)
            let viaWinograd = Set(executor.winogradLayers.map { analysis.graph.layers[$0].name })
            XCTAssertTrue(viaWinograd.isSuperset(of: winograd), "Winograd runs \(viaWinograd.sorted())", file: file, line: line)
            let viaNarrow = Set(executor.narrowGEMMLayers.map { analysis.graph.layers[$0].name })
            XCTAssertTrue(
                cnn_narrow_gemm_is_fast() == 0 || viaNarrow.isSuperset(of: narrow), "narrow GEMM runs \(viaNarrow.sorted())",
                file: file, line: line)
            let viaPacked = Set(executor.packedGEMMLayers.map { analysis.graph.layers[$0].name })
            XCTAssertTrue(
                cnn_packed_gemm_is_fast() == 0 || viaPacked.isSuperset(of: packed), "packed GEMM runs \(viaPacked.sorted())",
                file: file, line: line)
            try executor.setInput(input)
            executor.run()
            let output = executor.output(analysis.graph.layers.count - 1)
            XCTAssertEqual(output.shape, expected.shape, fixture, file: file, line: line)
            assertMatches(
                expected.values, output.values, relative: 1e-4, absolute: 1e-4 * scale, "\(fixture), \(shares) shares", file: file,
                line: line)
        }
    }

    func testLeNet5() throws { try check("lenet5") }
    func testAlexNetGroupedConvolutionsAndLRN() throws { try check("alexnet", winograd: ["features.8"]) }
    func testNetworkInNetwork() throws { try check("nin") }
    func testInceptionModuleWithReductions() throws { try check("inception_reduced") }
    func testResidualBlocks() throws {
        try check(
            "resnet18@3x32x32", narrow: ["layer3.0.conv1", "layer4.1.conv2", "layer4.0.downsample.0"], packed: ["conv1"], shared: true)
    }
    func testSqueezeExcitationBlocks() throws { try check("se_resnet50@3x32x32") }
    func testInceptionModules() throws { try check("googlenet@3x64x64", winograd: ["conv3.conv"]) }
    func testDenseBlocks() throws { try check("densenet121@3x32x32") }
    func testDepthwiseInvertedResiduals() throws {
        try check("mobilenet_v2@3x32x32", packed: ["features.0.0", "features.2.conv.0.0", "features.2.conv.2"], shared: true)
    }
    func testMBConvWithSqueezeExcitationAndSiLU() throws { try check("efficientnet_b0@3x32x32") }

    /// A state_dict saved by `safetensors.torch.save_file` (float16, with batchnorm's int64
    /// `num_batches_tracked`) loads by name as it is, and gives PyTorch's output.
    func testAStateDictSavedByPyTorchLoadsDirectly() throws {
        let analysis = try Zoo.model(named: "simple_cnn")!.analysis()
        let tensors = try Safetensors.read(path: Self.directory.appendingPathComponent("simple_cnn-state_dict.safetensors").path)
        XCTAssertNil(tensors["features.1.num_batches_tracked"], "integer buffers are skipped")
        let weights = Weights(tensors: tensors, origin: "simple_cnn-state_dict.safetensors")
        let executor = try Executor(analysis: analysis, weights: weights)
        let io = try Safetensors.read(path: Self.directory.appendingPathComponent("simple_cnn-io.safetensors").path)
        try executor.setInput(try XCTUnwrap(io["input"]))
        executor.run()
        let expected = try XCTUnwrap(io["output"]).values
        let scale = expected.map(abs).max() ?? 1
        assertMatches(expected, executor.output(analysis.graph.layers.count - 1).values, relative: 1e-4, absolute: 1e-4 * scale, "simple_cnn")
    }
}
