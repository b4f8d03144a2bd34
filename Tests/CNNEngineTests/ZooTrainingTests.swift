import CNNModel
import CNNZoo
import TestSupport
import XCTest

@testable import CNNEngine

/// Whole zoo graphs take a training step: the loss is finite and every convolution and dense
/// weight moves. (A batchnorm bias can rightly get a zero gradient: when what follows it is linear
/// per pixel up to another batchnorm, that batchnorm's backward sums to zero over the batch.)
final class ZooTrainingTests: XCTestCase {
    func testZooModelsTakeATrainingStep() throws {
        let cases: [(String, TensorShape)] = [
            ("resnet18", TensorShape(channels: 3, height: 32, width: 32)),
            ("mobilenet_v2", TensorShape(channels: 3, height: 32, width: 32)),
            ("densenet121", TensorShape(channels: 3, height: 32, width: 32)),
            ("googlenet", TensorShape(channels: 3, height: 64, width: 64)),
        ]
        for (name, shape) in cases {
            let analysis = try Zoo.model(named: name)!.analysis(input: shape)
            let trainer = try Trainer(analysis: analysis, weights: .heInitialized(analysis, seed: 3), batchSize: 2, seed: 3)
            var rng = SeededGenerator(seed: 9)
            let input = rng.values(2 * shape.elementCount!)
            input.withUnsafeBufferPointer { trainer.forward($0.baseAddress!, count: 2, training: true) }
            let before = trainer.parameters.map { $0.tensor.values }
            let result = trainer.backward(labels: [1, 7])
            XCTAssertTrue(result.loss.isFinite && result.loss > 0, "\(name): loss \(result.loss)")
            Optimizer(.init(kind: .sgd, learningRate: 0.01)).step(trainer.parameters, gradients: trainer.gradients)
            let weights = Set(
                ParameterSpec.all(for: analysis).filter { spec in
                    spec.role == .weight && analysis.graph.layers[spec.layer].op.isWeightLayer
                }.map(\.name))
            let unchanged = zip(trainer.parameters, before).filter { weights.contains($0.0.name) && $0.0.tensor.values == $0.1 }.map(\.0.name)
            XCTAssertEqual(unchanged, [], "\(name): every conv and dense weight gets an update")
            XCTAssertGreaterThan(weights.count, 20, name)
        }
    }
}
