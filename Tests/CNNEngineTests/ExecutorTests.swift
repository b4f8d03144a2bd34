import CKernels
import CNNModel
import CNNZoo
import TestSupport
import XCTest

@testable import CNNEngine

/// Forward passes over whole zoo graphs with seeded He weights.
final class ExecutorTests: XCTestCase {
    private func executor(_ name: String, input: TensorShape? = nil, fold: Bool = true, seed: UInt64 = 7) throws -> Executor {
        let analysis = try Zoo.model(named: name)!.analysis(input: input)
        return try Executor(analysis: analysis, weights: .heInitialized(analysis, seed: seed), fuse: fold)
    }

    private func randomInput(_ shape: TensorShape, seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor(shape: [1] + shape.dims, values: rng.values(shape.elementCount!))
    }

    func testZooModelsRunAtSmallInputs() throws {
        let cases: [(String, TensorShape?)] = [
            ("lenet5", nil), ("inception_naive", nil), ("conv3x3x3", nil), ("nin", nil),
            ("resnet18", TensorShape(channels: 3, height: 32, width: 32)),
            ("se_resnet50", TensorShape(channels: 3, height: 32, width: 32)),
            ("densenet121", TensorShape(channels: 3, height: 32, width: 32)),
            ("mobilenet_v2", TensorShape(channels: 3, height: 32, width: 32)),
            ("efficientnet_b0", TensorShape(channels: 3, height: 32, width: 32)),
            ("googlenet", TensorShape(channels: 3, height: 64, width: 64)),
        ]
        for (name, shape) in cases {
            let e = try executor(name, input: shape)
            try e.setInput(randomInput(e.analysis.input, seed: 1))
            XCTAssertTrue(e.run())
            let last = e.analysis.graph.layers.count - 1
            let out = e.output(last)
            XCTAssertEqual(Array(out.shape.dropFirst()), e.analysis.layers[last].outputShape.dims, name)
            XCTAssertTrue(out.values.allSatisfy(\.isFinite), name)
            XCTAssertTrue(out.values.contains { $0 != 0 }, "\(name) computes something")
        }
    }

    /// With buffers shared, no layer that computes its output writes a buffer it reads: neither
    /// an input's nor a merged shortcut's or channel scale's, which the graph's edges do not show
    /// (those must live until the merging convolution has run).
    func testNoLayerWritesABufferItReads() throws {
        let cases: [(String, Int)] = [
            ("efficientnet_b0", 32), ("efficientnet_b0", 112), ("efficientnet_b0", 224), ("mobilenet_v2", 64), ("resnet50", 64),
            ("se_resnet50", 64), ("densenet121", 32),
        ]
        for (name, size) in cases {
            let e = try executor(name, input: TensorShape(channels: 3, height: size, width: size))
            for layer in e.analysis.graph.layers where !e.passesOnABuffer(layer.id) {
                let written = e.output(layer.id).data
                for read in layer.inputs + e.mergedReads(of: layer.id) {
                    XCTAssertNotEqual(
                        e.output(read).data, written, "\(name) at \(size): \(layer.name) overwrites \(e.analysis.graph.layers[read].name)")
                }
            }
        }
    }

    func testFoldingBatchNormIntoTheConvolutionChangesNothing() throws {
        let shape = TensorShape(channels: 3, height: 32, width: 32)
        let folded = try executor("resnet18", input: shape, fold: true)
        let plain = try executor("resnet18", input: shape, fold: false)
        // Non-trivial statistics, the same in both.
        var rng = SeededGenerator(seed: 3)
        for (name, t) in plain.weights.tensors where name.hasSuffix("running_mean") || name.hasSuffix("running_var") || name.contains("bn") {
            for i in 0..<t.count {
                let v = rng.values(1)[0]
                t[i] = name.hasSuffix("running_var") ? 0.5 + abs(v) : v
                folded.weights[name]![i] = t[i]
            }
        }
        let refolded = try Executor(analysis: folded.analysis, weights: folded.weights, fuse: true)
        let input = randomInput(shape, seed: 4)
        try refolded.setInput(input)
        try plain.setInput(input)
        refolded.run()
        plain.run()
        let last = plain.analysis.graph.layers.count - 1
        assertMatches(plain.output(last).values, refolded.output(last).values, relative: 1e-3, absolute: 1e-4, "logits")
    }

    /// What `run --profile` says ran: the algorithm and product kernel of each convolution (the
    /// engine's own GEMMs where the CPU has AVX-512), and where a fused layer went.
    func testKernelOfEachLayer() throws {
        let analysis = try Zoo.model(named: "resnet18")!.analysis(input: TensorShape(channels: 3, height: 64, width: 64))
        let executor = try Executor(analysis: analysis, weights: Weights.heInitialized(analysis, seed: 9))
        let kernel = { (name: String) in executor.kernel(of: analysis.graph.layer(named: name)!.id) }
        let fast = cnn_packed_gemm_is_fast() != 0
        XCTAssertEqual(kernel("conv1"), fast ? "im2col + packed GEMM" : "im2col + SGEMM", "7x7 stem, 147 weights per filter")
        XCTAssertEqual(kernel("layer1.0.conv1"), fast ? "Winograd 4x4, narrow GEMM" : "Winograd 4x4, SGEMM", "16x16: 16 tiles")
        XCTAssertEqual(kernel("layer3.0.conv1"), fast ? "im2col + narrow GEMM" : "im2col + SGEMM", "4x4 outputs")
        XCTAssertEqual(kernel("layer4.0.downsample.0"), fast ? "im2col + narrow GEMM" : "im2col + SGEMM", "strided 1x1")
        XCTAssertEqual(kernel("bn1"), "merged into conv1")
        XCTAssertEqual(kernel("layer1.0.relu"), "merged into layer1.0.conv1", "the block's first ReLU")
        XCTAssertEqual(kernel("maxpool"), "")
        let mobile = try Zoo.model(named: "mobilenet_v2")!.analysis(input: TensorShape(channels: 3, height: 32, width: 32))
        let depthwise = try Executor(analysis: mobile, weights: Weights.heInitialized(mobile, seed: 9))
        XCTAssertEqual(depthwise.kernel(of: mobile.graph.layer(named: "features.1.conv.0.0")!.id), "depthwise")
        XCTAssertEqual(depthwise.kernel(of: mobile.graph.layer(named: "features.2.conv.0.0")!.id), fast ? "packed GEMM" : "SGEMM")
    }

    /// ResNet-50's identity shortcuts are added (with the block's ReLU) by the block's last
    /// convolution as it stores, where it runs on the packed GEMM, and a downsampling shortcut's
    /// convolution (computed after the last) adds the block's output; the output is the unfused
    /// network's; a block whose last convolution is kept, or whose convolutions run on the narrow
    /// GEMM, keeps its add.
    func testResidualAddsMergeIntoTheLastConvolution() throws {
        try XCTSkipUnless(cnn_packed_gemm_is_fast() != 0, "the merged add needs the packed GEMM (AVX-512)")
        let model = try ZooExecutors("resnet50", size: 64, seed: 11)
        let id = model.id
        let (plain, fused) = (try model.plain(), try model.fused())
        let kept = try model.fused(keeping: [id("layer1.1.conv3")])
        // Kept, the block's output (after the add and ReLU) stays readable, and is still merged.
        let block = id("layer1.1.relu:3")
        let keepingBlock = try model.fused(keeping: [block])
        XCTAssertEqual(keepingBlock.kernel(of: id("layer1.1.conv3")), "packed GEMM + add")
        XCTAssertEqual(fused.kernel(of: id("layer1.1.conv3")), "packed GEMM + add", "16x16: the packed GEMM")
        XCTAssertEqual(fused.kernel(of: id("layer1.1.add")), "merged into layer1.1.conv3")
        XCTAssertEqual(fused.kernel(of: id("layer1.1.relu:3")), "merged into layer1.1.conv3", "the ReLU after the add")
        XCTAssertEqual(fused.kernel(of: id("layer1.0.conv3")), "packed GEMM", "its shortcut is computed after it...")
        XCTAssertEqual(fused.kernel(of: id("layer1.0.downsample.0")), "packed GEMM + add", "... and adds its output")
        XCTAssertEqual(fused.kernel(of: id("layer1.0.add")), "merged into layer1.0.downsample.0")
        XCTAssertEqual(fused.kernel(of: id("layer2.0.downsample.0")), "im2col + narrow GEMM", "8x8: the narrow GEMM...")
        XCTAssertEqual(fused.kernel(of: id("layer2.0.add")), "", "... which adds nothing")
        XCTAssertEqual(kept.kernel(of: id("layer1.1.conv3")), "packed GEMM")
        try runAll([plain, fused, kept, keepingBlock], seed: 12)
        assertSameLogits(plain, [(fused, "fused"), (kept, "the convolution kept")])
        // Its 3x3 convolutions run as F(4x4, 3x3), whose rounding (about 1e-5 of the largest output)
        // differs with the batchnorm folded or not: up to 4e-5 here.
        assertMatches(plain.output(block).values, keepingBlock.output(block).values, relative: 1e-4, absolute: 1e-4, "the block's output")
    }

    func testFusionAndSharedBuffersChangeNoResultThatIsKept() throws {
        let analysis = try Zoo.model(named: "resnet18")!.analysis(input: TensorShape(channels: 3, height: 64, width: 64))
        let weights = Weights.heInitialized(analysis, seed: 9)
        let graph = analysis.graph
        let kept = ["conv1", "layer1.0.conv2", "layer1.0.relu", "layer2.1.add"].map { graph.layer(named: $0)!.id }
        let plain = try Executor(analysis: analysis, weights: weights, fuse: false)
        let fused = try Executor(analysis: analysis, weights: weights, fuse: true, keeping: Set(kept))
        XCTAssertFalse(fused.winogradLayers.isEmpty, "layer1's 3x3 convolutions on 16x16 maps run as Winograd")
        XCTAssertLessThan(fused.activationFloats * 2, plain.activationFloats, "buffers are shared")
        let input = randomInput(analysis.input, seed: 10)
        for e in [plain, fused] {
            try e.setInput(input)
            e.run()
        }
        for id in kept + [graph.layers.count - 1] {
            assertMatches(plain.output(id).values, fused.output(id).values, relative: 1e-3, absolute: 1e-4, graph.layers[id].name)
        }
    }

    func testSteppingReusesWhatIsComputedAndCanBeCancelled() throws {
        let e = try executor("lenet5")
        let input = randomInput(e.analysis.input, seed: 5)
        try e.setInput(input)
        XCTAssertTrue(e.run(through: 3))
        XCTAssertEqual(e.computedThrough, 3)
        var seen: [Int] = []
        XCTAssertTrue(e.run(progress: { seen.append($0) }))
        XCTAssertEqual(seen.first, 4, "layers up to 3 are not computed again")
        let stepped = e.output(e.computedThrough).values

        try e.setInput(input)
        var calls = 0
        XCTAssertFalse(
            e.run(isCancelled: {
                calls += 1
                return calls > 2
            }))
        XCTAssertEqual(e.computedThrough, 2)
        e.run()
        XCTAssertEqual(e.output(e.computedThrough).values, stepped)
    }

    /// A conv over 64 channels (fan-in 3·3·64 = 576, fan-out 1152), a batchnorm and a dense
    /// layer over 128·4·4 = 2048 features: enough samples to tell 2/fan_in from anything else.
    private func heInitializationModel() throws -> ModelAnalysis {
        let b = GraphBuilder("he")
        var x = b.conv(b.input(), "conv", filters: 128, kernel: 3)
        x = b.relu(b.batchNorm(x, "bn"), "relu")
        _ = b.dense(b.flatten(x), "fc", 10)
        return try ModelAnalysis(graph: b.build(), input: TensorShape(channels: 64, height: 6, width: 6))
    }

    func testHeInitializationIsDeterministicAndScaled() throws {
        let analysis = try heInitializationModel()
        let a = Weights.heInitialized(analysis, seed: 42), b = Weights.heInitialized(analysis, seed: 42)
        let other = Weights.heInitialized(analysis, seed: 43)
        XCTAssertEqual(a.origin, "random He initialization (seed 42)")
        func values(_ w: Weights, _ layer: String, _ role: ParameterSpec.Role) throws -> [Float] {
            try XCTUnwrap(w.tensor(layer: analysis.graph.layer(named: layer)!.id, role: role, in: analysis), "\(layer) \(role)").values
        }
        XCTAssertEqual(try values(a, "conv", .weight), try values(b, "conv", .weight), "the same seed gives the same weights")
        XCTAssertNotEqual(try values(a, "conv", .weight), try values(other, "conv", .weight))
        // Weights from N(0, 2 / fan_in): 2/576 for the conv (not 2/1152 from its fan-out), 2/2048 for the dense layer.
        for (layer, fanIn) in [("conv", 576), ("fc", 2048)] {
            let w = try values(a, layer, .weight)
            let mean = w.map(Double.init).reduce(0, +) / Double(w.count)
            let variance = w.map { Double($0 * $0) }.reduce(0, +) / Double(w.count)
            XCTAssertEqual(mean, 0, accuracy: 0.05 * (2.0 / Double(fanIn)).squareRoot(), layer)
            XCTAssertEqual(variance, 2.0 / Double(fanIn), accuracy: 0.05 * 2.0 / Double(fanIn), layer)
        }
        XCTAssertTrue(try values(a, "conv", .bias).allSatisfy { $0 == 0 }, "biases start at zero")
        XCTAssertTrue(try values(a, "fc", .bias).allSatisfy { $0 == 0 })
        XCTAssertTrue(try values(a, "bn", .weight).allSatisfy { $0 == 1 }, "gamma 1")
        XCTAssertTrue(try values(a, "bn", .bias).allSatisfy { $0 == 0 }, "beta 0")
        XCTAssertTrue(try values(a, "bn", .runningMean).allSatisfy { $0 == 0 })
        XCTAssertTrue(try values(a, "bn", .runningVar).allSatisfy { $0 == 1 })
    }

    func testTensorsAreFoundByLayerAndRole() throws {
        let analysis = try Zoo.model(named: "resnet18")!.analysis()
        let weights = Weights.heInitialized(analysis, seed: 1)
        let conv = analysis.graph.layer(named: "layer2.0.downsample.0")!.id
        XCTAssertTrue(weights.tensor(layer: conv, role: .weight, in: analysis) === weights["layer2.0.downsample.0.weight"])
        XCTAssertNil(weights.tensor(layer: conv, role: .bias, in: analysis), "torchvision's convs before a batchnorm have no bias")
        let bn = analysis.graph.layer(named: "layer1.0.bn1")!.id
        XCTAssertEqual(weights.tensor(layer: bn, role: .runningVar, in: analysis)?.shape, [64])
    }

    func testTheLoweringResolvesEachLayersOwnTensors() throws {
        let analysis = try heInitializationModel()
        let weights = Weights.heInitialized(analysis, seed: 5)
        let lowering = try Lowering(analysis: analysis, weights: weights)
        XCTAssertEqual(lowering.steps.map(\.layer), Array(analysis.graph.layers.indices))
        guard case .conv(let g, let weight, let bias) = lowering.steps[1].kernel else { return XCTFail("layer 1 is the conv") }
        XCTAssertEqual([g.inChannels, g.outChannels, g.outHeight, g.outWidth], [64, 128, 4, 4])
        XCTAssertTrue(weight === weights["conv.weight"] && bias === weights["conv.bias"], "the weights' own tensors, not copies")
        guard case .batchNorm(let bn) = lowering.steps[2].kernel else { return XCTFail("layer 2 is the batchnorm") }
        XCTAssertTrue(bn.mean === weights["bn.running_mean"] && bn.gamma === weights["bn.weight"])
        XCTAssertEqual([bn.channels, bn.pixels], [128, 16])
        XCTAssertEqual(lowering.steps[5].inputCounts, [2048])
        XCTAssertThrowsError(
            try Lowering(analysis: analysis, weights: Weights(tensors: [:], origin: "none")),
            "a lowering checks the weights first")
    }

    func testWeightsAreCheckedByNameAndShape() throws {
        let analysis = try Zoo.model(named: "lenet5")!.analysis()
        let weights = Weights.heInitialized(analysis, seed: 1)
        var tensors = weights.tensors
        tensors["c3.weight"] = Tensor(shape: [16, 6, 3, 3])
        XCTAssertThrowsError(try Weights(tensors: tensors, origin: "test").validate(for: analysis)) { error in
            XCTAssertEqual("\(error)", "weights: tensor c3.weight has shape [16, 6, 3, 3], the model needs [16, 6, 5, 5]")
        }
        tensors.removeValue(forKey: "c3.weight")
        XCTAssertThrowsError(try Weights(tensors: tensors, origin: "test").validate(for: analysis)) { error in
            XCTAssertEqual("\(error)", "weights: tensor c3.weight [16, 6, 5, 5] is missing")
        }
        var extra = weights.tensors
        extra["fc.weight"] = Tensor(shape: [1])
        extra["bn.num_batches_tracked"] = Tensor(shape: [1])
        XCTAssertThrowsError(try Weights(tensors: extra, origin: "test").validate(for: analysis)) { error in
            XCTAssertEqual("\(error)", "weights: tensor fc.weight does not belong to this model")
        }
    }

    func testParameterNamesAreTorchvisionStateDictKeys() throws {
        let analysis = try Zoo.model(named: "resnet18")!.analysis()
        let names = ParameterSpec.all(for: analysis).map(\.name)
        XCTAssertTrue(names.contains("layer1.0.bn1.running_mean"))
        XCTAssertTrue(names.contains("layer2.0.downsample.0.weight"))
        XCTAssertTrue(names.contains("fc.bias"))
        // torchvision's resnet18 state_dict has 102 tensors besides num_batches_tracked.
        XCTAssertEqual(names.count, 102)
        XCTAssertEqual(ParameterSpec.all(for: analysis).map { $0.shape.reduce(1, *) }.reduce(0, +), analysis.totalParams)
    }
}
