import CNNModel
import CNNZoo
import Foundation
import TestSupport
import XCTest

@testable import CNNEngine

/// Training against PyTorch: Scripts/make-engine-fixtures.py takes two SGD steps (lr 0.01,
/// momentum 0.9) on one batch of four in training mode, from the same generated weights
/// (`Weights.randomized`, seed 2024), and stores both losses and some tensors afterwards.
final class TrainingReferenceTests: XCTestCase {
    /// On one thread (Winograd's products through the engine's own GEMMs, where the CPU has
    /// AVX-512) and on two (through OpenBLAS's threads).
    private func check(_ fixture: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let threads = EngineThreads.count
        defer { EngineThreads.set(threads) }
        for count in [1, 2] {
            EngineThreads.set(count)
            try check(fixture, threads: count, file: file, line: line)
        }
    }

    private func check(_ fixture: String, threads: Int, file: StaticString, line: UInt) throws {
        let parts = fixture.split(separator: "@").map(String.init)
        let analysis = try XCTUnwrap(Zoo.model(named: parts[0])).analysis(input: parts.count > 1 ? TensorShape(parsing: parts[1]) : nil)
        let reference = try Safetensors.read(path: PyTorchReferenceTests.directory.appendingPathComponent("train-\(fixture).safetensors").path)
        let trainer = try Trainer(analysis: analysis, weights: .randomized(analysis, seed: PyTorchReferenceTests.seed), batchSize: 4)
        var random = NormalGenerator(seed: PyTorchReferenceTests.seed ^ fnv1a("batch"))
        let batch = (0..<(4 * analysis.input.elementCount!)).map { _ in random.next() }
        var settings = Optimizer.Settings(kind: .sgd, learningRate: 0.01)
        settings.momentum = 0.9
        let optimizer = Optimizer(settings)
        var losses: [Float] = []
        for _ in 0..<2 {
            batch.withUnsafeBufferPointer { trainer.forward($0.baseAddress!, count: 4, training: true) }
            losses.append(Float(trainer.backward(labels: [3, 1, 4, 1]).loss))
            optimizer.step(trainer.parameters, gradients: trainer.gradients)
        }
        assertMatches(
            try XCTUnwrap(reference["losses"]).values, losses, relative: 1e-4, absolute: 1e-5, "\(fixture) losses, \(threads) threads", file: file, line: line)
        for (name, expected) in reference where name != "losses" {
            let actual = try XCTUnwrap(trainer.weights[name], name)
            let scale = expected.values.map(abs).max() ?? 1
            assertMatches(
                expected.values, actual.values, relative: 1e-4, absolute: 1e-4 * scale, "\(fixture) \(name), \(threads) threads", file: file, line: line)
        }
    }

    func testLeNet5TwoSGDSteps() throws { try check("lenet5") }
    func testResNet18TwoSGDStepsWithBatchNormStatistics() throws { try check("resnet18@3x64x64") }
}
