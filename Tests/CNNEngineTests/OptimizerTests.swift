import TestSupport
import XCTest

@testable import CNNEngine

/// Three updates of one tensor, against `torch.optim` 2.x with the same settings and gradients
/// (values printed by PyTorch: SGD(lr=0.1, momentum=0.9, weight_decay=0.01) and
/// Adam(lr=0.01, weight_decay=0.01) from w = [0.5, -1, 2]).
final class OptimizerTests: XCTestCase {
    private func run(_ settings: Optimizer.Settings) -> [Float] {
        let w = Tensor(shape: [3], values: [0.5, -1, 2])
        let g = Tensor(shape: [3])
        let optimizer = Optimizer(settings)
        for step in [[0.1, -0.2, 0.3], [-0.05, 0.4, 0.1], [0.2, 0.2, -0.3]] as [[Float]] {
            for i in 0..<3 { g[i] = step[i] }
            optimizer.step([("w", w)], gradients: ["w": g])
        }
        XCTAssertEqual(optimizer.steps, 3)
        return w.values
    }

    func testSGDWithMomentumMatchesPyTorch() {
        var s = Optimizer.Settings(kind: .sgd, learningRate: 0.1)
        s.momentum = 0.9
        s.weightDecay = 0.01
        assertMatches([0.45963037, -1.03623068, 1.91861355], run(s), relative: 1e-5, absolute: 1e-6)
    }

    func testAdamMatchesPyTorch() {
        var s = Optimizer.Settings(kind: .adam, learningRate: 0.01)
        s.weightDecay = 0.01
        assertMatches([0.47999072, -0.99829763, 1.97985649], run(s), relative: 1e-5, absolute: 1e-6)
    }
}
