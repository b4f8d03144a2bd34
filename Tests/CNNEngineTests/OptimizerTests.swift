import CKernels
import TestSupport
import XCTest

@testable import CNNEngine

/// Three updates of one tensor, against `torch.optim` 2.x with the same settings and gradients
/// (values printed by PyTorch: SGD(lr=0.1, momentum=0.9, weight_decay=0.01) and
/// Adam(lr=0.01, weight_decay=0.01) from w = [0.5, -1, 2]).
///
/// The updates run in CKernels' vector loops, so each is checked in every instruction-set variant
/// the CPU has, on 37 elements (vectors and a tail) that repeat the three.
final class OptimizerTests: XCTestCase {
    private func check(_ settings: Optimizer.Settings, expected: [Float], line: UInt = #line) {
        defer { cnn_kernels_force_level(-1) }
        for level in 0...cnn_kernels_cpu_level() {
            cnn_kernels_force_level(level)
            let count = 37
            let w = Tensor(shape: [count], values: (0..<count).map { [0.5, -1, 2][$0 % 3] })
            let g = Tensor(shape: [count])
            let optimizer = Optimizer(settings)
            for step in [[0.1, -0.2, 0.3], [-0.05, 0.4, 0.1], [0.2, 0.2, -0.3]] as [[Float]] {
                for i in 0..<count { g[i] = step[i % 3] }
                optimizer.step([("w", w)], gradients: ["w": g])
            }
            XCTAssertEqual(optimizer.steps, 3)
            assertMatches(
                (0..<count).map { expected[$0 % 3] }, w.values, relative: 1e-5, absolute: 1e-6,
                "\(settings.kind), \(String(cString: cnn_kernels_level_name()))", line: line)
        }
    }

    func testSGDWithMomentumMatchesPyTorch() {
        var s = Optimizer.Settings(kind: .sgd, learningRate: 0.1)
        s.momentum = 0.9
        s.weightDecay = 0.01
        check(s, expected: [0.45963037, -1.03623068, 1.91861355])
    }

    func testAdamMatchesPyTorch() {
        var s = Optimizer.Settings(kind: .adam, learningRate: 0.01)
        s.weightDecay = 0.01
        check(s, expected: [0.47999072, -0.99829763, 1.97985649])
    }
}
