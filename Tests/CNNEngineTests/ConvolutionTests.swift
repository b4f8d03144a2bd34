import CKernels
import CNNModel
import TestSupport
import XCTest

@testable import CNNEngine

/// The im2col + SGEMM convolution, the 1x1 shortcut and the depthwise kernel against the
/// loop-by-loop definition, over the geometries the zoo uses.
final class ConvolutionTests: XCTestCase {
    /// Runs `conv` on a random input of `input` through the fast path and the reference.
    /// Without `workspace`, the kernels that can do without get none.
    private func check(
        _ conv: Conv2D, input: TensorShape, seed: UInt64, workspace withWorkspace: Bool = true, clamp: ActivationClamp = .identity,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let g = try convGeometry(conv, input)
        var rng = SeededGenerator(seed: seed)
        let x = rng.values(input.elementCount!)
        let w = rng.values(g.weightCount)
        let bias = conv.bias ? rng.values(g.outChannels) : []
        let outCount = g.outChannels * g.outputPixels
        var reference = [Float](repeating: .nan, count: outCount)
        // Not zeroed: a kernel must not count on what its scratch space held before.
        var workspace = [Float](repeating: .nan, count: max(3 * g.workspaceCount, 1))
        let biasValues = conv.bias ? bias : nil
        conv2dReference(output: &reference, input: x, weight: w, bias: biasValues, geometry: g)
        reference = reference.map { min(max($0, clamp.lower), clamp.upper) }
        // On one thread, and split into two and three shares (each with its part of the workspace).
        forEachShareCount { shares in
            workspace = [Float](repeating: .nan, count: workspace.count)
            var fast = [Float](repeating: .nan, count: outCount)
            workspace.withUnsafeMutableBufferPointer { ws in
                conv2dForward(
                    output: &fast, input: x, weight: w, bias: biasValues, geometry: g, clamp: clamp,
                    workspace: withWorkspace ? ws.baseAddress! : nil, shares: shares)
            }
            assertMatches(reference, fast, "\(conv) on \(input), \(shares) shares", file: file, line: line)
        }
    }

    func testPlainThreeByThreeWithPadding() throws {
        try check(Conv2D(filters: 8, kernel: 3, padding: .symmetric(1)), input: TensorShape(channels: 5, height: 9, width: 11), seed: 1)
    }

    func testStrideTwoSevenBySevenStem() throws {
        try check(
            Conv2D(filters: 4, kernel: 7, stride: 2, padding: .symmetric(3), bias: false),
            input: TensorShape(channels: 3, height: 23, width: 20), seed: 2)
    }

    func testAsymmetricSamePaddingAndNonSquareKernels() throws {
        try check(Conv2D(filters: 6, kernel: Size2(1, 7), stride: 2, padding: .same), input: TensorShape(channels: 4, height: 10, width: 13), seed: 3)
        try check(
            Conv2D(filters: 6, kernel: Size2(7, 1), padding: .explicit(Pad4(h: 3, w: 0))), input: TensorShape(channels: 4, height: 10, width: 13), seed: 4)
    }

    func testDilation() throws {
        try check(Conv2D(filters: 3, kernel: 3, padding: .symmetric(2), dilation: 2), input: TensorShape(channels: 2, height: 12, width: 12), seed: 5)
    }

    func testGroupsAsInAlexNet() throws {
        try check(Conv2D(filters: 8, kernel: 5, padding: .symmetric(2), groups: 2), input: TensorShape(channels: 6, height: 9, width: 9), seed: 6)
    }

    /// In every instruction-set variant: strides 1 and 2, padding on one side only, dilation, a
    /// kernel wider than the map, a map one pixel wide.
    func testDepthwiseDirectKernel() throws {
        defer { cnn_kernels_force_level(-1) }
        for level in 0...cnn_kernels_cpu_level() {
            cnn_kernels_force_level(level)
            try check(
                Conv2D(filters: 7, kernel: 3, stride: 2, padding: .symmetric(1), groups: 7, bias: false),
                input: TensorShape(channels: 7, height: 15, width: 14), seed: 7)
            try check(Conv2D(filters: 5, kernel: 5, padding: .same, groups: 5), input: TensorShape(channels: 5, height: 8, width: 8), seed: 8)
            try check(
                Conv2D(filters: 4, kernel: 3, stride: 2, padding: .explicit(Pad4(top: 0, bottom: 1, left: 0, right: 1)), groups: 4),
                input: TensorShape(channels: 4, height: 112, width: 112), seed: 13)
            try check(
                Conv2D(filters: 3, kernel: 3, padding: .symmetric(2), dilation: 2, groups: 3), input: TensorShape(channels: 3, height: 9, width: 33),
                seed: 14)
            try check(Conv2D(filters: 2, kernel: 7, padding: .symmetric(3), groups: 2), input: TensorShape(channels: 2, height: 4, width: 3), seed: 15)
            try check(Conv2D(filters: 2, kernel: 3, padding: .symmetric(1), groups: 2), input: TensorShape(channels: 2, height: 5, width: 1), seed: 16)
            // Several vectors per row (edge, plain and edge vectors), a last tile of fewer than four
            // rows, and rows too long for the kernel's stack space (its tables then go on the heap).
            try check(
                Conv2D(filters: 3, kernel: 3, stride: 2, padding: .symmetric(1), groups: 3), input: TensorShape(channels: 3, height: 21, width: 70),
                seed: 26, clamp: .relu6)
            try check(Conv2D(filters: 2, kernel: 5, padding: .symmetric(2), groups: 2), input: TensorShape(channels: 2, height: 9, width: 40), seed: 27)
            try check(
                Conv2D(filters: 2, kernel: 5, stride: 2, padding: .symmetric(2), groups: 2), input: TensorShape(channels: 2, height: 13, width: 70),
                seed: 31)
            try check(Conv2D(filters: 2, kernel: 3, padding: .symmetric(1), groups: 2), input: TensorShape(channels: 2, height: 3, width: 1100), seed: 28)
            try check(
                Conv2D(filters: 2, kernel: 3, stride: 2, padding: .symmetric(1), groups: 2), input: TensorShape(channels: 2, height: 6, width: 1100),
                seed: 29)
            try check(Conv2D(filters: 2, kernel: 7, padding: .symmetric(3), groups: 2), input: TensorShape(channels: 2, height: 6, width: 1100), seed: 30)
            // Rows of at most 8 outputs (8-lane vectors with AVX-512): 7x7 and 8-wide maps, strides 1 and 2.
            try check(Conv2D(filters: 3, kernel: 3, padding: .symmetric(1), groups: 3), input: TensorShape(channels: 3, height: 7, width: 7), seed: 32)
            try check(Conv2D(filters: 3, kernel: 5, padding: .symmetric(2), groups: 3), input: TensorShape(channels: 3, height: 9, width: 8), seed: 33)
            try check(
                Conv2D(filters: 3, kernel: 3, stride: 2, padding: .symmetric(1), groups: 3), input: TensorShape(channels: 3, height: 14, width: 16),
                seed: 34)
            try check(
                Conv2D(filters: 3, kernel: 5, stride: 2, padding: .symmetric(2), groups: 3), input: TensorShape(channels: 3, height: 14, width: 14),
                seed: 35, clamp: .relu6)
            // Over a padded copy of each plane (by row phase at stride 2), and without the space for
            // one; with ReLU and ReLU6 fused (81 taps put some sums above 6).
            for workspace in [true, false] {
                try check(
                    Conv2D(filters: 6, kernel: 3, stride: 2, padding: .symmetric(1), groups: 6), input: TensorShape(channels: 6, height: 14, width: 14),
                    seed: 21, workspace: workspace, clamp: .relu)
                try check(
                    Conv2D(filters: 4, kernel: 3, padding: .symmetric(1), groups: 4), input: TensorShape(channels: 4, height: 56, width: 56), seed: 22,
                    workspace: workspace, clamp: .relu)
                // 81 taps: more than one chunk of tap offsets.
                try check(
                    Conv2D(filters: 3, kernel: 9, padding: .symmetric(4), groups: 3), input: TensorShape(channels: 3, height: 11, width: 12), seed: 23,
                    workspace: workspace, clamp: .relu6)
                try check(
                    Conv2D(filters: 5, kernel: 5, stride: 2, padding: .symmetric(2), groups: 5), input: TensorShape(channels: 5, height: 15, width: 17),
                    seed: 19, workspace: workspace)
                try check(
                    Conv2D(filters: 3, kernel: 3, stride: Size2(2, 3), padding: .explicit(Pad4(top: 0, bottom: 1, left: 1, right: 2)), dilation: 2, groups: 3),
                    input: TensorShape(channels: 3, height: 12, width: 20), seed: 20, workspace: workspace)
                try check(
                    Conv2D(filters: 6, kernel: 5, padding: .symmetric(2), groups: 6), input: TensorShape(channels: 6, height: 14, width: 14), seed: 17,
                    workspace: workspace)
                try check(
                    Conv2D(filters: 4, kernel: 3, padding: .explicit(Pad4(top: 1, bottom: 0, left: 2, right: 0)), groups: 4),
                    input: TensorShape(channels: 4, height: 7, width: 9), seed: 18, workspace: workspace)
                // Rows split into even and odd columns (stride 2, padding not half the filter) of an odd width.
                try check(
                    Conv2D(filters: 3, kernel: 5, stride: 2, padding: .explicit(Pad4(top: 2, bottom: 2, left: 1, right: 3)), groups: 3),
                    input: TensorShape(channels: 3, height: 15, width: 15), seed: 38, workspace: workspace)
            }
        }
    }

    /// Unfolded rows longer than the 256 columns whose masks the AVX-512 im2col keeps on the
    /// stack, at strides 1 and 2, with padding on both sides.
    func testLongRowsAreUnfolded() throws {
        try check(Conv2D(filters: 3, kernel: 3, padding: .symmetric(1)), input: TensorShape(channels: 2, height: 3, width: 301), seed: 36)
        try check(
            Conv2D(filters: 3, kernel: 5, stride: 2, padding: .symmetric(2)), input: TensorShape(channels: 2, height: 6, width: 603), seed: 37)
    }

    func testLargeMapsAreUnfoldedBlockByBlock() throws {
        let conv = Conv2D(filters: 4, kernel: 3, padding: .symmetric(1))
        let input = TensorShape(channels: 64, height: 160, width: 160)
        let g = ConvGeometry(conv, input: input, output: TensorShape(channels: 4, height: 160, width: 160), padding: Pad4(1))
        XCTAssertEqual(g.rowsPerBlock, 7, "at least 1024 output pixels: ceil(1024 / 160)")
        XCTAssertNotEqual(g.outHeight % g.rowsPerBlock, 0, "a shorter last block is covered too")
        try check(conv, input: input, seed: 12)
    }

    func testPointwiseSkipsIm2col() throws {
        let conv = Conv2D(filters: 9, kernel: 1)
        try check(conv, input: TensorShape(channels: 6, height: 7, width: 5), seed: 9)
        XCTAssertTrue(
            ConvGeometry(
                conv, input: TensorShape(channels: 6, height: 7, width: 5),
                output: TensorShape(channels: 9, height: 7, width: 5), padding: .zero
            ).isPointwise)
    }

    /// Products of 512 columns (600 filters), the last one shorter, each followed by its bias and
    /// ReLU; grouped too.
    func testLargePointwiseProductsGoBlockByBlock() throws {
        let conv = Conv2D(filters: 600, kernel: 1)
        let input = TensorShape(channels: 4, height: 24, width: 25)
        let g = ConvGeometry(conv, input: input, output: TensorShape(channels: 600, height: 24, width: 25), padding: .zero)
        XCTAssertEqual(g.pointwiseColumnsPerBlock, 512)
        try check(conv, input: input, seed: 24, clamp: .relu)
        try check(Conv2D(filters: 600, kernel: 1, groups: 2), input: input, seed: 25, clamp: .relu6)
        try check(Conv2D(filters: 8, kernel: 1, groups: 2, bias: false), input: TensorShape(channels: 4, height: 1, width: 1), seed: 26, clamp: .relu)
    }

    func testAKernelAsLargeAsItsInputIsAMatrixVectorProduct() throws {
        let conv = Conv2D(filters: 12, kernel: 5)
        let input = TensorShape(channels: 16, height: 5, width: 5)
        XCTAssertTrue(ConvGeometry(conv, input: input, output: TensorShape(channels: 12, height: 1, width: 1), padding: .zero).coversWholeInput)
        try check(conv, input: input, seed: 13)
        try check(Conv2D(filters: 6, kernel: 3, groups: 2), input: TensorShape(channels: 4, height: 3, width: 3), seed: 14)
    }

    /// A small map with many filters: split among the shares by runs of 16 filters (the input
    /// unfolded once, its rows split), plain and strided, 1x1 and 3x3, with a fused ReLU.
    func testSmallMapsAreSplitByFilters() throws {
        let cases: [(Conv2D, TensorShape)] = [
            (Conv2D(filters: 50, kernel: 1), TensorShape(channels: 12, height: 7, width: 6)),
            (Conv2D(filters: 48, kernel: 1, stride: 2, bias: false), TensorShape(channels: 9, height: 9, width: 9)),
            (Conv2D(filters: 48, kernel: 3, stride: 2, padding: .symmetric(1)), TensorShape(channels: 5, height: 11, width: 10)),
        ]
        for (index, (conv, input)) in cases.enumerated() {
            let g = try convGeometry(conv, input)
            XCTAssertTrue(g.splitsFilters(among: 2) && g.splitsFilters(among: 3), "\(conv)")
            XCTAssertFalse(g.splitsFilters(among: 1) || g.splitsFilters(among: 4), "one share, or fewer than 16 filters each")
            try check(conv, input: input, seed: 40 + UInt64(index), clamp: .relu)
        }
    }

    func testStridedPointwiseUsesIm2col() throws {
        try check(Conv2D(filters: 4, kernel: 1, stride: 2, bias: false), input: TensorShape(channels: 3, height: 9, width: 9), seed: 10)
    }

    func testReferenceOnAHandExample() {
        // A 3x3 box filter of ones over a 3x3 input of 1...9, valid padding: one output, 45.
        let conv = Conv2D(filters: 1, kernel: 3, bias: false)
        let g = ConvGeometry(
            conv, input: TensorShape(channels: 1, height: 3, width: 3),
            output: TensorShape(channels: 1, height: 1, width: 1), padding: .zero)
        let x: [Float] = (1...9).map(Float.init)
        let w = [Float](repeating: 1, count: 9)
        var out: [Float] = [0]
        conv2dReference(output: &out, input: x, weight: w, bias: nil, geometry: g)
        XCTAssertEqual(out, [45])
    }

    func testBLASReportsItsKernel() {
        XCTAssertFalse(blasCoreName().isEmpty)
    }
}
