import CBLAS
import CKernels
import CNNModel
import TestSupport
import XCTest

@testable import CNNEngine

#if canImport(Glibc)
    import Glibc
#endif

/// The CKernels loops (Winograd, im2col, pooling, tanh, sigmoid, SiLU, fused epilogues) against the Swift
/// definitions, in every instruction-set variant this CPU can run.
final class VectorKernelTests: XCTestCase {
    /// Runs `body` once per variant (baseline, AVX2, AVX-512, as far as the CPU goes).
    private func forEachLevel(_ body: (String) throws -> Void) rethrows {
        defer { cnn_kernels_force_level(-1) }
        for level in 0...cnn_kernels_level() {
            cnn_kernels_force_level(Int32(level))
            try body(String(cString: cnn_kernels_level_name()))
        }
    }

    /// A random input, weights and bias for `g`, and the loop-by-loop convolution of them, clamped.
    private func reference(_ g: ConvGeometry, bias hasBias: Bool, clamp: ActivationClamp, seed: UInt64)
        -> (x: [Float], w: [Float], bias: [Float]?, expected: [Float])
    {
        var rng = SeededGenerator(seed: seed)
        let x = rng.values(g.inChannels * g.inHeight * g.inWidth), w = rng.values(g.weightCount)
        let bias = hasBias ? rng.values(g.outChannels) : nil
        var expected = [Float](repeating: .nan, count: g.outChannels * g.outputPixels)
        conv2dReference(output: &expected, input: x, weight: w, bias: bias, geometry: g)
        return (x, w, bias, expected.map { min(max($0, clamp.lower), clamp.upper) })
    }

    /// Winograd F(2x2, 3x3) of a random input against the loop-by-loop convolution.
    private func checkWinograd(
        _ conv: Conv2D, _ input: TensorShape, clamp: ActivationClamp = .identity, seed: UInt64,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let g = try convGeometry(conv, input)
        XCTAssertTrue(g.isWinogradShaped, file: file, line: line)
        let (x, w, bias, expected) = reference(g, bias: conv.bias, clamp: clamp, seed: seed)
        var transformed = [Float](repeating: .nan, count: g.winogradWeightCount())
        winogradTransformWeights(&transformed, weight: w, geometry: g)
        // F(2x2, 3x3) and F(4x4, 3x3), each with SGEMM on U as transformed, CKernels' packed GEMM,
        // and its narrow GEMM where a block is small enough for it (`winogradNarrowFits`).
        let largest = expected.map(abs).max() ?? 0
        for tile in [WinogradTile.f2, .f4] {
            var workspace = [Float](repeating: .nan, count: 3 * g.winogradWorkspaceCount(tile))
            let narrow = g.winogradNarrowScratchCount(tile) > 0
            for products in [WinogradProducts.sgemm, .packed] + (narrow ? [.narrow] : []) {
                var packed = [Float](repeating: .nan, count: g.winogradWeightCount(for: products, tile: tile))
                packWinogradWeights(&packed, weight: w, geometry: g, products: products, tile: tile)
                if products == .sgemm && tile == .f2 { XCTAssertEqual(packed, transformed, "U as transformed", file: file, line: line) }
                forEachLevel { level in
                    forEachShareCount { shares in  // blocks, or one block's products, split between threads
                        workspace = [Float](repeating: .nan, count: workspace.count)  // nothing left from the run before
                        var out = [Float](repeating: .nan, count: expected.count)
                        winogradConv2dForward(
                            output: &out, input: x, transformedWeight: packed, bias: bias, geometry: g,
                            clamp: clamp, workspace: &workspace, shares: shares, products: products, tile: tile)
                        // F(4x4, 3x3)'s transforms scale by up to 8 and 1/24: its rounding error is about
                        // 1e-5 of the largest output (F(2x2, 3x3)'s and the definition's in float, under
                        // 2e-6), so it is held to 3e-5 of it. F(2x2, 3x3) is held to 1e-5, or 3e-6 of the
                        // largest output where sums run over thousands of terms (256 channels: 2,304).
                        assertMatches(
                            expected, out, absolute: tile == .f4 ? 3e-5 * largest : max(1e-5, 3e-6 * largest),
                            "\(conv) on \(input), \(tile.name), \(products), \(level), \(shares) shares", file: file, line: line)
                    }
                }
            }
        }
    }

    func testWinogradMatchesTheDefinition() throws {
        try checkWinograd(Conv2D(filters: 16, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 16, height: 8, width: 8), seed: 1)
        // Odd sizes: the last row and column of tiles hang over the output.
        try checkWinograd(
            Conv2D(filters: 20, kernel: 3, padding: .symmetric(1), bias: false),
            TensorShape(channels: 17, height: 9, width: 11), seed: 2)
        // No padding, a fused ReLU, and a map a single tile covers.
        try checkWinograd(Conv2D(filters: 16, kernel: 3), TensorShape(channels: 24, height: 13, width: 6), clamp: .relu, seed: 3)
        try checkWinograd(
            Conv2D(filters: 32, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 16, height: 1, width: 2),
            clamp: .relu6, seed: 4)
        try checkWinograd(Conv2D(filters: 16, kernel: 3, padding: .symmetric(2)), TensorShape(channels: 16, height: 5, width: 7), seed: 5)
        // 225 tiles (too many for the narrow GEMM), 76 filters: U packed in two runs of filters (64 and
        // 12), the last panel of the packed GEMM short.
        try checkWinograd(Conv2D(filters: 76, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 17, height: 30, width: 30), seed: 7)
        // 72 tiles of 256 channels: the narrow GEMM on more than 64 tiles, 8 filters (one short panel).
        try checkWinograd(Conv2D(filters: 8, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 256, height: 18, width: 16), seed: 12)
        // 25 tiles, 80 filters: the narrow GEMM's second panel short.
        try checkWinograd(Conv2D(filters: 80, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 16, height: 9, width: 9), seed: 8)
        // In 4x4 tiles, rows of 18 tiles: the transforms' groups of 16 tiles cross rows, and the last
        // one is moved back to end at the last tile; then rows of exactly 16.
        try checkWinograd(Conv2D(filters: 16, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 16, height: 9, width: 70), seed: 9)
        try checkWinograd(
            Conv2D(filters: 16, kernel: 3, padding: .symmetric(1), bias: false), TensorShape(channels: 16, height: 6, width: 64),
            clamp: .relu, seed: 10)
        // Two rows of 100 tiles in 4x4 tiles, one block: on two threads with three shares, a row each.
        try checkWinograd(Conv2D(filters: 16, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 16, height: 8, width: 400), seed: 11)
    }

    /// ResNet-50's 3x3s: 14x14 maps of 256 channels in 2x2 tiles (49 tiles) through the narrow GEMM,
    /// 56x56 of 64 in 4x4 tiles through the packed one, where the CPU has AVX-512; 4x4 tiles on
    /// maps of at least 12x12 with at most 128 x 128 channels.
    func testWinogradProductsKernel() throws {
        let small = try convGeometry(Conv2D(filters: 256, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 256, height: 14, width: 14))
        let large = try convGeometry(Conv2D(filters: 64, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 64, height: 56, width: 56))
        let fast = cnn_packed_gemm_is_fast() != 0
        let smallest = try convGeometry(Conv2D(filters: 16, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 16, height: 10, width: 11))
        XCTAssertEqual(smallest.winogradTile, .f2, "in 4x4 tiles a 10x11 map would compute 12x12")
        XCTAssertEqual(small.winogradTile, .f2, "256 x 256 channels: 36 x 256 x 256 floats of weights in 4x4 tiles")
        XCTAssertEqual(large.winogradTile, .f4)
        let narrow128 = try convGeometry(Conv2D(filters: 128, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 128, height: 14, width: 14))
        XCTAssertEqual(narrow128.winogradTile, .f4, "16 tiles")
        XCTAssertEqual(narrow128.winogradProducts(.f4), fast ? .narrow : .sgemm)
        XCTAssertEqual(small.winogradProducts(.f2), fast ? .narrow : .sgemm, "49 tiles")
        XCTAssertEqual(large.winogradProducts(.f4), fast ? .packed : .sgemm, "blocks of 112 tiles")
        // VGG-16's 28x28 and 56x56 layers of 256 and 512 channels: blocks of 112 tiles, through the
        // narrow GEMM; 128 input channels (56x56, 128 -> 256) through the packed one.
        let vgg28 = try convGeometry(Conv2D(filters: 512, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 512, height: 28, width: 28))
        let vgg56 = try convGeometry(Conv2D(filters: 256, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 256, height: 56, width: 56))
        let vgg56In128 = try convGeometry(
            Conv2D(filters: 256, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 128, height: 56, width: 56))
        for g in [vgg28, vgg56, vgg56In128] {
            XCTAssertEqual(g.winogradTile, .f2)
            XCTAssertEqual(g.winogradTileRowsPerBlock(.f2) * g.winogradTilesX(.f2), 112)
        }
        XCTAssertEqual(vgg28.winogradProducts(.f2), fast ? .narrow : .sgemm)
        XCTAssertEqual(vgg56.winogradProducts(.f2), fast ? .narrow : .sgemm)
        XCTAssertEqual(vgg56In128.winogradProducts(.f2), fast ? .packed : .sgemm)
    }

    func testWinogradWorksBlockByBlockOnLargeMaps() throws {
        let conv = Conv2D(filters: 64, kernel: 3, padding: .symmetric(1))
        let input = TensorShape(channels: 64, height: 100, width: 57)
        let g = try convGeometry(conv, input)
        for tile in [WinogradTile.f2, .f4] {
            XCTAssertLessThan(g.winogradTileRowsPerBlock(tile), g.winogradTilesY(tile), "more than one block, \(tile.name)")
            XCTAssertNotEqual(g.winogradTilesY(tile) % g.winogradTileRowsPerBlock(tile), 0, "a shorter last block is covered too")
        }
        try checkWinograd(conv, input, seed: 6)
        // Blocks too small to be as many as the shares are as many as the threads, one each: ResNet-50's
        // first 3x3s (56x56, 64 channels: F(4x4, 3x3)'s 14 x 14 tiles in blocks of 8 rows) as 2 x 7 rows.
        let resnet = try convGeometry(conv, TensorShape(channels: 64, height: 56, width: 56))
        XCTAssertEqual(resnet.winogradTileRowsPerBlock(.f4), 8)
        XCTAssertTrue(resnet.winogradBlocks(shares: 4, threads: 2, tile: .f4) == (7, 2, 0))
        XCTAssertTrue(resnet.winogradBlocks(shares: 4, threads: 1, tile: .f4) == (8, 2, 0), "one thread: the blocks as they are")
        let wide = try convGeometry(conv, TensorShape(channels: 16, height: 8, width: 400))
        XCTAssertTrue(wide.winogradBlocks(shares: 3, threads: 2, tile: .f4) == (1, 2, 0))
        // 7 blocks of 4 tile rows would leave a thread idle an eighth of the time: on two threads the
        // last is cut in two pieces of 2 rows, on three the last one in three (1, 1 and 2 rows).
        let vgg = try convGeometry(
            Conv2D(filters: 128, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 128, height: 112, width: 112))
        XCTAssertEqual(vgg.winogradTileRowsPerBlock(.f4), 4)
        XCTAssertTrue(vgg.winogradBlocks(shares: 4, threads: 2, tile: .f4) == (4, 7, 1))
        XCTAssertTrue(vgg.winogradPiece(6, rows: 4, blocks: 7, cut: 1, threads: 2, tilesY: 28) == (24, 2))
        XCTAssertTrue(vgg.winogradPiece(7, rows: 4, blocks: 7, cut: 1, threads: 2, tilesY: 28) == (26, 2))
        XCTAssertTrue(vgg.winogradBlocks(shares: 6, threads: 3, tile: .f4) == (4, 7, 1))
        XCTAssertTrue(vgg.winogradPiece(7, rows: 4, blocks: 7, cut: 1, threads: 3, tilesY: 28) == (25, 1))
        XCTAssertTrue(vgg.winogradPiece(8, rows: 4, blocks: 7, cut: 1, threads: 3, tilesY: 28) == (26, 2))
        XCTAssertTrue(vgg.winogradBlocks(shares: 1, threads: 1, tile: .f4) == (4, 7, 0))
        // Three blocks of 16 tile rows among three shares on two threads: four of 12 (blocks of any
        // height run as the checks above run them).
        let tall = try convGeometry(Conv2D(filters: 16, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 16, height: 192, width: 112))
        XCTAssertEqual(tall.winogradTileRowsPerBlock(.f4), 16)
        XCTAssertTrue(tall.winogradBlocks(shares: 3, threads: 2, tile: .f4) == (12, 4, 0))
    }

    /// Blocks cut into pieces so that they divide among the threads give what one thread gives: three
    /// blocks of two tile rows (40 channels at 24x400 in 4x4 tiles) on two threads, the last in two.
    func testWinogradCutBlocksMatchOneThread() throws {
        let g = try convGeometry(Conv2D(filters: 40, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 40, height: 24, width: 400))
        XCTAssertTrue(g.winogradBlocks(shares: 3, threads: 2, tile: .f4) == (2, 3, 1))
        var rng = SeededGenerator(seed: 13)
        let (x, w, bias) = (rng.values(g.inChannels * g.inHeight * g.inWidth), rng.values(g.weightCount), rng.values(g.outChannels))
        let products = g.winogradProducts(.f4)
        var packed = [Float](repeating: .nan, count: g.winogradWeightCount(for: products, tile: .f4))
        packWinogradWeights(&packed, weight: w, geometry: g, products: products, tile: .f4)
        var outputs: [[Float]] = []
        forEachShareCount { shares in
            var workspace = [Float](repeating: .nan, count: 3 * g.winogradWorkspaceCount(.f4))
            var out = [Float](repeating: .nan, count: g.outChannels * g.outputPixels)
            winogradConv2dForward(
                output: &out, input: x, transformedWeight: packed, bias: bias, geometry: g, clamp: .relu, workspace: &workspace,
                shares: shares, products: products, tile: .f4)
            outputs.append(out)
        }
        XCTAssertEqual(outputs.count, 3)
        XCTAssertFalse(outputs[0].contains { $0.isNaN })
        XCTAssertTrue(outputs[2] == outputs[0], "3 shares on 2 threads (the last block cut) against 1")
        XCTAssertTrue(outputs[1] == outputs[0], "2 shares on 2 threads against 1")
    }

    /// Tensors' memory: 64-byte aligned, blocks of 4 MiB or more on 2 MiB (whole huge pages), and
    /// no memory rather than a wrapped size for a count too large to be bytes.
    func testTensorMemoryAlignment() throws {
        for (count, alignment) in [(1, 64), (0, 64), (1_048_575, 64), (1_048_576, 2 << 20), (25_088 * 4_096, 2 << 20)] {
            let memory = try XCTUnwrap(cnn_allocate_floats(count))
            defer { cnn_free_floats(memory) }
            XCTAssertEqual(Int(bitPattern: memory) % alignment, 0, "\(count) floats")
            memory[max(count, 1) - 1] = 1
        }
        XCTAssertNil(cnn_allocate_floats(Int.max), "more bytes than a size_t holds")
        let tensor = Tensor(shape: [1, 512, 56, 56])
        XCTAssertEqual(Int(bitPattern: tensor.data) % (2 << 20), 0)
        XCTAssertTrue(tensor.values.allSatisfy { $0 == 0 })
    }

    func testWinogradTakesOnlyWhatItComputesExactly() throws {
        let input = TensorShape(channels: 16, height: 8, width: 8)
        XCTAssertFalse(try convGeometry(Conv2D(filters: 16, kernel: 3, stride: 2, padding: .symmetric(1)), input).suitsWinograd)
        XCTAssertFalse(try convGeometry(Conv2D(filters: 16, kernel: 3, padding: .symmetric(2), dilation: 2), input).suitsWinograd)
        XCTAssertFalse(try convGeometry(Conv2D(filters: 16, kernel: 3, padding: .symmetric(1), groups: 2), input).suitsWinograd)
        XCTAssertFalse(try convGeometry(Conv2D(filters: 16, kernel: 5, padding: .symmetric(2)), input).suitsWinograd)
        XCTAssertTrue(try convGeometry(Conv2D(filters: 16, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 16, height: 10, width: 10)).suitsWinograd)
        XCTAssertFalse(
            try convGeometry(Conv2D(filters: 8, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 16, height: 10, width: 10)).suitsWinograd,
            "too few channels for the transforms to pay")
        XCTAssertFalse(
            try convGeometry(Conv2D(filters: 16, kernel: 3, padding: .symmetric(1)), input).suitsWinograd,
            "8x8 outputs: too few tiles for SGEMM")
        XCTAssertTrue(try convGeometry(Conv2D(filters: 16, kernel: 3, padding: .symmetric(1)), input).isWinogradShaped)
    }

    func testNarrowGEMMConvolutionMatchesTheDefinition() throws {
        let cases: [(Conv2D, TensorShape, ActivationClamp)] = [
            // ResNet's layer4: 1x1 onto 7x7, with rows that do not fill the last 64-channel panel.
            (Conv2D(filters: 72, kernel: 1), TensorShape(channels: 80, height: 7, width: 7), .identity),
            // A 3x3 whose K (130 x 9 = 1,170) spans two blocks, a tail tile of 4 pixels (25 = 3 x 7 + 4), ReLU.
            (Conv2D(filters: 64, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 130, height: 5, width: 5), .relu),
            // The strided 1x1 shortcut, 14x14 -> 7x7.
            (Conv2D(filters: 128, kernel: 1, stride: 2, bias: false), TensorShape(channels: 64, height: 14, width: 14), .identity),
            // Four panels, the last one short (8 rows: one vector), shared among threads.
            (Conv2D(filters: 200, kernel: 1), TensorShape(channels: 64, height: 7, width: 7), .relu6),
            // MobileNetV2's 960 -> 160 projection, narrower: the last panel's 32 rows in two vectors, and 48 in three.
            (Conv2D(filters: 160, kernel: 1), TensorShape(channels: 96, height: 7, width: 7), .identity),
            (Conv2D(filters: 112, kernel: 1, bias: false), TensorShape(channels: 80, height: 7, width: 7), .relu),
        ]
        for (conv, input, clamp) in cases {
            let g = try convGeometry(conv, input)
            XCTAssertTrue(g.suitsNarrowGEMM, "\(conv) on \(input)")
            let (x, w, bias, expected) = reference(g, bias: conv.bias, clamp: clamp, seed: 31)
            var packed = [Float](repeating: .nan, count: g.narrowWeightCount)
            packNarrowWeights(&packed, weight: w, geometry: g)
            var workspace = [Float](repeating: .nan, count: g.narrowWorkspaceCount)
            forEachLevel { level in
                forEachShareCount { shares in  // one share, or panels split between threads
                    workspace = [Float](repeating: .nan, count: workspace.count)
                    var out = [Float](repeating: .nan, count: expected.count)
                    conv2dNarrowForward(
                        output: &out, input: x, packedWeight: packed, bias: bias, geometry: g, clamp: clamp,
                        workspace: &workspace)
                    assertMatches(expected, out, "\(conv) on \(input), \(level), \(shares) shares")
                }
            }
        }
        let big = try convGeometry(Conv2D(filters: 64, kernel: 1), TensorShape(channels: 64, height: 9, width: 9))
        XCTAssertFalse(big.suitsNarrowGEMM, "81 pixels: SGEMM does well enough")
    }

    /// The packed-weight GEMM (the executor's path for ungrouped convolutions of at most 1,024
    /// weights per filter with AVX-512) in every variant and share count: filters that leave the
    /// last panel of 8 short, pixels that leave the last tile of 32 short, more columns than one
    /// block, unfolded 3x3 and 7x7 filters, and the split by filters on a small map.
    func testPackedGEMMConvolutionMatchesTheDefinition() throws {
        let cases: [(Conv2D, TensorShape, ActivationClamp)] = [
            // MobileNetV2's expansion: 16 inputs, 10,000 pixels (two blocks of 8,192), 13 filters.
            (Conv2D(filters: 13, kernel: 1), TensorShape(channels: 16, height: 100, width: 100), .relu6),
            // 17 pixels: one tile, its second half masked; no bias.
            (Conv2D(filters: 24, kernel: 1, bias: false), TensorShape(channels: 40, height: 1, width: 17), .identity),
            // ResNet's 7x7 stride-2 stem, unfolded block by block, ReLU.
            (Conv2D(filters: 20, kernel: 7, stride: 2, padding: .symmetric(3)), TensorShape(channels: 3, height: 45, width: 38), .relu),
            // MobileNetV2's stem (3x3 stride 2, 3 inputs) on 100 rows of 200: unfolded and multiplied in
            // bands of 24 output rows (256 KB of 27 x 100 columns), the last band of 2 rows.
            (Conv2D(filters: 32, kernel: 3, stride: 2, padding: .symmetric(1)), TensorShape(channels: 3, height: 100, width: 200), .relu6),
            // A 3x3 stride 2 of 70 x 9 = 630 weights per filter on a small map: split by filters when shared.
            (Conv2D(filters: 48, kernel: 3, stride: 2, padding: .symmetric(1)), TensorShape(channels: 70, height: 9, width: 9), .relu),
        ]
        for (index, (conv, input, clamp)) in cases.enumerated() {
            let g = try convGeometry(conv, input)
            XCTAssertTrue(g.suitsPackedGEMM, "\(conv) on \(input)")
            let (x, w, bias, expected) = reference(g, bias: conv.bias, clamp: clamp, seed: 50 + UInt64(index))
            var packed = [Float](repeating: .nan, count: g.packedWeightCount)
            packWeights(&packed, weight: w, geometry: g)
            var workspace = [Float](repeating: .nan, count: max(1, 3 * g.workspaceCount))
            // And with a residual added before the clamp (a ResNet block's shortcut merged into
            // its last convolution; the portable variant adds it in a pass of its own).
            let plain = reference(g, bias: conv.bias, clamp: .identity, seed: 50 + UInt64(index)).expected
            var rng = SeededGenerator(seed: 70 + UInt64(index))
            let shortcut = rng.values(plain.count)
            let withShortcut = zip(plain, shortcut).map { min(max($0 + $1, clamp.lower), clamp.upper) }
            for (residual, wanted) in [(nil, expected), (shortcut, withShortcut)] {
                forEachLevel { level in
                    forEachShareCount { shares in
                        workspace = [Float](repeating: .nan, count: workspace.count)
                        var out = [Float](repeating: .nan, count: expected.count)
                        conv2dForward(
                            output: &out, input: x, weight: w, bias: bias, geometry: g, clamp: clamp, workspace: &workspace,
                            shares: shares, packedWeight: packed, residual: residual)
                        assertMatches(
                            wanted, out, "\(conv) on \(input)\(residual == nil ? "" : " with a residual"), \(level), \(shares) shares")
                    }
                }
            }
        }
        let long = try convGeometry(Conv2D(filters: 64, kernel: 3, padding: .symmetric(1)), TensorShape(channels: 128, height: 9, width: 9))
        XCTAssertFalse(long.suitsPackedGEMM, "1,152 weights per filter: SGEMM, which blocks K")
    }

    /// The matrix-vector product (fully connected layers, convolutions as large as their input) in
    /// every variant: rows that leave the last block of 8 short or make none, filters shorter than
    /// a vector, of 16 and 32 floats and just past them, and MobileNetV2's classifier; added to
    /// what y held.
    func testMatrixVectorProductMatchesTheDefinition() {
        var rng = SeededGenerator(seed: 90)
        for (m, k) in [(1, 1), (7, 4), (8, 16), (13, 31), (17, 32), (9, 33), (24, 47), (3, 100), (1000, 1280)] {
            let w = rng.values(m * k), x = rng.values(k), start = rng.values(m)
            let expected = (0..<m).map { i in start[i] + Float((0..<k).reduce(0.0) { $0 + Double(w[i * k + $1]) * Double(x[$1]) }) }
            forEachLevel { level in
                var y = start
                cnn_gemv(m, k, w, x, &y)
                assertMatches(expected, y, "\(m) x \(k), \(level)")
            }
        }
    }

    func testIm2colConvolutionInEveryVariant() throws {
        let cases: [(Conv2D, TensorShape)] = [
            (Conv2D(filters: 4, kernel: 7, stride: 2, padding: .symmetric(3)), TensorShape(channels: 3, height: 23, width: 20)),
            (Conv2D(filters: 5, kernel: 3, stride: 3, padding: .symmetric(1)), TensorShape(channels: 2, height: 10, width: 11)),
            (Conv2D(filters: 3, kernel: 3, padding: .symmetric(2), dilation: 2), TensorShape(channels: 2, height: 9, width: 12)),
            (Conv2D(filters: 6, kernel: Size2(1, 7), stride: 2, padding: .same), TensorShape(channels: 4, height: 10, width: 13)),
        ]
        for (conv, input) in cases {
            let g = try convGeometry(conv, input)
            let (x, w, bias, expected) = reference(g, bias: true, clamp: .relu, seed: 11)
            var workspace = [Float](repeating: .nan, count: 3 * g.workspaceCount)
            forEachLevel { level in
                forEachShareCount { shares in  // the blocks of rows (made smaller) split between threads
                    workspace = [Float](repeating: .nan, count: workspace.count)
                    var out = [Float](repeating: .nan, count: expected.count)
                    conv2dForward(
                        output: &out, input: x, weight: w, bias: bias, geometry: g, clamp: .relu, workspace: &workspace, shares: shares)
                    assertMatches(expected, out, "\(conv) on \(input) with ReLU, \(level), \(shares) shares")
                }
            }
        }
    }

    func testPoolingMatchesTheDefinition() throws {
        let cases: [(Pool2D, TensorShape)] = [
            (Pool2D(.max, kernel: 3, stride: 2, padding: .symmetric(1)), TensorShape(channels: 3, height: 12, width: 11)),
            (Pool2D(.max, kernel: 2), TensorShape(channels: 2, height: 9, width: 9)),
            (Pool2D(.max, kernel: 3, stride: 2, ceilMode: true), TensorShape(channels: 2, height: 14, width: 13)),
            (Pool2D(.average, kernel: 2), TensorShape(channels: 6, height: 28, width: 28)),
            (Pool2D(.average, kernel: 3, stride: 1, padding: .symmetric(1)), TensorShape(channels: 2, height: 5, width: 6)),
            (Pool2D(.average, kernel: 3, stride: 1, padding: .symmetric(1), countIncludePad: false), TensorShape(channels: 2, height: 5, width: 6)),
            (Pool2D(.average, kernel: 3, stride: 2, padding: .symmetric(1), ceilMode: true), TensorShape(channels: 2, height: 8, width: 9)),
            (
                Pool2D(.average, kernel: 3, stride: 2, padding: .symmetric(1), ceilMode: true, countIncludePad: false),
                TensorShape(channels: 2, height: 8, width: 9)
            ),
        ]
        for (pool, input) in cases {
            let b = GraphBuilder("pool")
            _ = b.add(.pool(pool), "pool", inputs: [b.input()])
            let layer = try ModelAnalysis(graph: b.build(), input: input).layers[1]
            let g = PoolGeometry(pool, input: input, output: layer.outputShape, padding: layer.padding ?? .zero)
            var rng = SeededGenerator(seed: 21)
            let x = rng.values(input.elementCount!)
            var expected = [Float](repeating: .nan, count: layer.outputShape.elementCount!)
            if pool.kind == .max {
                maxPool2dReference(output: &expected, input: x, geometry: g)
            } else {
                avgPool2dReference(output: &expected, input: x, geometry: g)
            }
            forEachLevel { level in
                forEachShareCount { shares in  // the channels split between threads
                    var scratch = [Float](repeating: .nan, count: 3 * g.scratchCount)
                    var out = [Float](repeating: .nan, count: expected.count)
                    pool2dForward(pool.kind, output: &out, input: x, geometry: g, scratch: &scratch, shares: shares)
                    assertMatches(expected, out, relative: 1e-6, absolute: 1e-6, "\(pool) on \(input), \(level), \(shares) shares")
                }
            }
        }
    }

    func testTanhIsWithinAFewUlpOfTheLibrary() {
        // Every 1/4096 from -12 to 12, and tiny values where tanh(x) ~ x.
        var x = (-12 * 4096...12 * 4096).map { Float($0) / 4096 }
        x += (1...200).map { Float($0) * 1e-6 } + [-1e-30, 1e-30, 0]
        forEachLevel { level in
            var y = [Float](repeating: .nan, count: x.count)
            cnn_tanh(&y, x, x.count)
            var worst: Float = 0
            for (v, approx) in zip(x, y) {
                let exact = tanhf(v)
                worst = max(worst, abs(approx - exact) / max(abs(exact), Float.leastNormalMagnitude))
            }
            XCTAssertLessThan(worst, 2e-6, "relative error, \(level)")
            XCTAssertEqual(y.first, -1, level)
            XCTAssertEqual(y[x.count / 2 - 100], tanhf(x[x.count / 2 - 100]), accuracy: 1e-6, level)
            var inPlace = x  // out == in: the loop of one pointer
            inPlace.withUnsafeMutableBufferPointer { cnn_tanh($0.baseAddress, $0.baseAddress, $0.count) }
            XCTAssertEqual(inPlace, y, "tanh in place, \(level)")
        }
    }

    /// Sigmoid and SiLU from the vectorized exponential, against the library's expf in double
    /// precision: every 1/1024 from -100 to 100 (where the exponential is clamped, they are 0
    /// and 1 or x as in float).
    func testSigmoidAndSiLUAreWithinAFewUlp() {
        let x = (-100 * 1024...100 * 1024).map { Float($0) / 1024 } + [-1e-30, 1e-30, 0]
        forEachLevel { level in
            var sigmoid = [Float](repeating: .nan, count: x.count), silu = sigmoid
            cnn_sigmoid(&sigmoid, x, x.count)
            cnn_silu(&silu, x, x.count)
            var worstSigmoid = 0.0, worstSiLU = 0.0
            for (i, v) in x.enumerated() {
                let s = 1 / (1 + exp(-Double(v)))
                worstSigmoid = max(worstSigmoid, abs(Double(sigmoid[i]) - s) / max(s, 1e-30))
                let y = Double(v) * s
                worstSiLU = max(worstSiLU, abs(Double(silu[i]) - y) / max(abs(y), 1e-30))
            }
            XCTAssertLessThan(worstSigmoid, 1e-6, "sigmoid's relative error, \(level)")
            XCTAssertLessThan(worstSiLU, 1e-6, "SiLU's relative error, \(level)")
            XCTAssertEqual(sigmoid[x.firstIndex(of: 0)!], 0.5, level)
            var inPlace = x  // out == in: the loop of one pointer
            inPlace.withUnsafeMutableBufferPointer { cnn_silu($0.baseAddress, $0.baseAddress, $0.count) }
            XCTAssertEqual(inPlace, silu, "SiLU in place, \(level)")
            // Beyond the range swept: the exponent is clamped, the x that multiplies it is not.
            let edges: [Float] = [.infinity, -.infinity, 1e20, -1e20, .nan]
            var (sigmoidEdges, siluEdges) = ([Float](repeating: 0, count: 5), [Float](repeating: 0, count: 5))
            cnn_sigmoid(&sigmoidEdges, edges, 5)
            cnn_silu(&siluEdges, edges, 5)
            XCTAssertEqual([sigmoidEdges[0], sigmoidEdges[2]], [1, 1], "sigmoid of inf and 1e20, \(level)")
            XCTAssertLessThan(max(sigmoidEdges[1], sigmoidEdges[3]), 1e-38, "sigmoid of -inf and -1e20: 1 / (1 + e^88), \(level)")
            XCTAssertEqual(siluEdges[0], .infinity, "SiLU(inf), \(level)")
            XCTAssertEqual(siluEdges[2], 1e20, "SiLU(1e20), \(level)")
            XCTAssertTrue(sigmoidEdges[4].isNaN && siluEdges[4].isNaN, "NaN passes through, \(level)")
            var sigmoidInPlace = x
            sigmoidInPlace.withUnsafeMutableBufferPointer { cnn_sigmoid($0.baseAddress, $0.baseAddress, $0.count) }
            XCTAssertEqual(sigmoidInPlace, sigmoid, "sigmoid in place, \(level)")
        }
    }

    /// A NaN in a convolution's input comes out as NaN wherever it reaches, through the packed and
    /// narrow GEMMs' and the depthwise kernel's clamps as through the reference loops (PyTorch's
    /// ReLU keeps a NaN too). Vector max and min return their second operand when either is NaN:
    /// with the value second, the NaN stays; with the bound second, it became -inf without an
    /// activation and 0 under a ReLU.
    func testNaNPassesThroughTheClamps() {
        forEachLevel { level in
            for (lower, upper) in [(-Float.infinity, Float.infinity), (0, .infinity), (0, 6)] {
                let what = "clamp [\(lower), \(upper)], \(level)"
                // Inputs of ones, one of them NaN; weights of 0.5.
                func product(filters m: Int, pixels n: Int, narrow: Bool) -> [Float] {
                    let k = 4
                    let weights = [Float](repeating: 0.5, count: m * k)
                    var b = [Float](repeating: 1, count: k * n)
                    b[2 * n + 5] = .nan
                    var c = [Float](repeating: 0, count: m * n)
                    if narrow {
                        var packed = [Float](repeating: 0, count: cnn_narrow_gemm_packed_count(m, k))
                        cnn_narrow_gemm_pack(&packed, weights, m, k)
                        var scratch = [Float](repeating: 0, count: cnn_narrow_gemm_scratch(n))
                        cnn_narrow_gemm(m, n, k, packed, b, n, &c, n, nil, lower, upper, &scratch)
                    } else {
                        var packed = [Float](repeating: 0, count: cnn_packed_gemm_count(m, k))
                        cnn_packed_gemm_pack(&packed, weights, m, k)
                        cnn_packed_gemm(m, n, k, packed, b, n, &c, n, nil, lower, upper)
                    }
                    return c
                }
                for (m, n, narrow) in [(8, 32, false), (64, 6, true)] {
                    let c = product(filters: m, pixels: n, narrow: narrow)
                    let kernel = narrow ? "narrow GEMM" : "packed GEMM"
                    XCTAssertTrue((0..<m).allSatisfy { c[$0 * n + 5].isNaN }, "\(kernel): the NaN's column, \(what)")
                    XCTAssertTrue((0..<m).allSatisfy { c[$0 * n + 4] == min(max(2, lower), upper) }, "\(kernel): the others, \(what)")
                }
                // A 3x3 depthwise filter over 8x8, padded by 1, the input NaN at (3, 3): outputs (2...4, 2...4).
                var input = [Float](repeating: 1, count: 64)
                input[3 * 8 + 3] = .nan
                let weight = [Float](repeating: 0.5, count: 9)
                var out = [Float](repeating: 0, count: 64)
                var scratch = [Float](repeating: 0, count: cnn_depthwise_scratch(8, 8, 3, 3, 1, 1, 1, 1))
                cnn_depthwise_conv2d(&out, input, weight, nil, 1, 8, 8, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, lower, upper, &scratch)
                for y in 0..<8 {
                    for x in 0..<8 {
                        let reached = (2...4).contains(y) && (2...4).contains(x)
                        XCTAssertEqual(out[y * 8 + x].isNaN, reached, "depthwise (\(y), \(x)), \(what)")
                    }
                }
            }
        }
    }

    /// Global average pooling in 16 lanes against a sum in double precision, on plane sizes around
    /// the lane count (1, 15, 16, 17, 49, 3136).
    func testChannelMeans() {
        forEachLevel { level in
            for pixels in [1, 15, 16, 17, 49, 3136] {
                var rng = SeededGenerator(seed: UInt64(pixels))
                let x = rng.values(3 * pixels)
                var means = [Float](repeating: .nan, count: 3)
                cnn_channel_means(&means, x, 3, pixels)
                let expected = (0..<3).map { c in Float(x[c * pixels..<(c + 1) * pixels].reduce(0.0) { $0 + Double($1) } / Double(pixels)) }
                assertMatches(expected, means, relative: 1e-6, absolute: 1e-7, "\(pixels) pixels, \(level)")
            }
        }
    }

    func testClampBackwardPassesTheGradientInsideTheClampOnly() {
        forEachLevel { level in
            // 37 values: vector bodies and a tail; the kinks 0 and 6 themselves get no gradient.
            let input: [Float] = (0..<37).map { Float($0) * 0.5 - 3 }
            let gradOutput: [Float] = (0..<37).map { Float($0) + 1 }
            for (lower, upper) in [(Float(0), Float.infinity), (0, 6)] {
                var gradInput = [Float](repeating: 0.25, count: 37)
                cnn_clamp_backward(&gradInput, gradOutput, input, 37, lower, upper)
                let expected = (0..<37).map { input[$0] > lower && input[$0] < upper ? 0.25 + gradOutput[$0] : 0.25 }
                XCTAssertEqual(gradInput, expected, "\(level), (\(lower), \(upper))")
            }
        }
    }

    func testEpiloguesAddBiasAndClamp() {
        forEachLevel { level in
            var planes: [Float] = [-2, -1, 0, 1, 2, 3, 4, 8]
            cnn_bias_clamp(&planes, 4, [1, -1], 2, 4, 0, 6)
            XCTAssertEqual(planes, [0, 0, 1, 2, 1, 2, 3, 6], level)
            // The first three columns of each row of four.
            var block: [Float] = [-2, -1, 0, 1, 2, 3, 4, 8]
            cnn_bias_clamp(&block, 4, [1, -1], 2, 3, 0, 6)
            XCTAssertEqual(block, [0, 0, 1, 1, 1, 2, 3, 8], level)
            var sum = [Float](repeating: .nan, count: 4)
            cnn_add_clamp(&sum, [-3, 1, 2, 0.5], [1, 1, -5, 0.25], 4, 0, .infinity)
            XCTAssertEqual(sum, [0, 2, 0, 0.75], level)
        }
    }
}
