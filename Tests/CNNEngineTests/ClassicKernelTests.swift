import CNNModel
import CNNZoo
import TestSupport
import XCTest

@testable import CNNEngine

/// The `filters` model's fixed kernels on a vertical edge: what each classic kernel does.
final class ClassicKernelTests: XCTestCase {
    func testKernelsOnAVerticalEdge() throws {
        let model = try XCTUnwrap(Zoo.model(named: "filters"))
        let analysis = try model.analysis(input: TensorShape(channels: 1, height: 8, width: 8))
        let weights = Weights(tensors: model.constants.mapValues { Tensor(shape: $0.shape, values: $0.values) }, origin: "fixed")
        let executor = try Executor(analysis: analysis, weights: weights)
        // Left half 0, right half 1.
        let input = Tensor(shape: [1, 1, 8, 8], values: (0..<64).map { $0 % 8 < 4 ? 0 : 1 })
        try executor.setInput(input)
        executor.run()
        let out = executor.output(1)
        func value(_ kernel: Int, _ y: Int, _ x: Int) -> Float { out[(kernel * 8 + y) * 8 + x] }
        XCTAssertEqual(Zoo.classicKernels.map(\.name), ["identity", "box blur", "sharpen", "emboss", "outline", "Sobel x", "Sobel y"])
        XCTAssertEqual((0..<8).map { value(0, 3, $0) }, [0, 0, 0, 0, 1, 1, 1, 1], "identity copies")
        XCTAssertEqual(value(1, 3, 3), 1.0 / 3, accuracy: 1e-6, "blur: three of nine neighbours are bright")
        XCTAssertEqual(value(5, 3, 3), 4, "Sobel x answers the left-to-right step: 1 + 2 + 1")
        XCTAssertEqual(value(5, 3, 1), 0, "and nothing in the flat dark region")
        XCTAssertEqual(value(6, 3, 3), 0, "Sobel y sees no horizontal edge")
        XCTAssertEqual(value(4, 3, 3), -3, "outline: 8·0 minus three bright neighbours")
        XCTAssertEqual(value(2, 3, 4), 2, "sharpen: 5·1 - 1 - 1 - 1 (the dark neighbour adds nothing)")
    }
}
