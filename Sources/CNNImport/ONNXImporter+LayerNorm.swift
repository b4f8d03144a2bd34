import CNNModel

/// LayerNorm as the TorchScript exporter writes it below opset 17, where ONNX has no
/// LayerNormalization: over the last axis of a channels-last view (or of a flat vector),
/// `m = ReduceMean(x)`, `d = x - m`, `v = ReduceMean(Pow(d, 2))`, `d / Sqrt(v + eps)`, then
/// `* weight + bias`. The nine nodes become one `layerNorm` layer.
extension ONNXImporter {
    /// How far the spelled-out layer norm of layer `x` has come.
    struct LayerNormSteps {
        /// The layer normalized, and whether it is read through a channels-last view.
        let x: Int
        let permuted: Bool
        /// 1 mean, 2 centred, 3 squared, 4 variance, 5 plus epsilon, 6 standard deviation,
        /// 7 normalized, 8 times the weight.
        var step: Int
        var epsilon: Float = 0
        var weight: [Float] = []
    }

    /// Reads the node when it is a step of a spelled-out layer norm (and returns true), or fails
    /// when it reads one for something else. False for every other node.
    mutating func readLayerNormStep() -> Bool {
        let inputs = node.inputs.map { values[$0] }
        let steps = inputs.compactMap { value -> LayerNormSteps? in
            if case .layerNormStep(let s) = value { return s }
            return nil
        }
        guard let output = node.outputs.first else { return false }
        if steps.isEmpty {
            // The mean that starts it: over the last axis of a channels-last view or a flat vector.
            guard node.opType == "ReduceMean", let first = inputs.first, int("keepdims", 1) == 1 else { return false }
            let axes = constantInput(1)?.intValues ?? ints("axes") ?? []
            switch first {
            case .permuted(let x) where axes == [-1] || axes == [3]:
                values[output] = .layerNormStep(LayerNormSteps(x: x, permuted: true, step: 1))
                return true
            case .layer(let x) where !shapes[x].isSpatial && (axes == [-1] || axes == [1]):
                values[output] = .layerNormStep(LayerNormSteps(x: x, permuted: false, step: 1))
                return true
            default:
                return false
            }
        }
        var s = steps[0]
        func source(_ value: Value?) -> Bool {
            switch value {
            case .permuted(let x): return s.permuted && x == s.x
            case .layer(let x): return !s.permuted && x == s.x
            default: return false
            }
        }
        func constant(_ i: Int) -> ConstantValue? { constantInput(i) }
        func reads(_ step: Int, at i: Int) -> Bool {
            if i < inputs.count, case .layerNormStep(let t) = inputs[i] { return t.step == step && t.x == s.x }
            return false
        }
        let channels = shapes[s.x].channels
        switch (node.opType, s.step) {
        case ("Sub", 1) where inputs.count == 2 && source(inputs[0]) && reads(1, at: 1):
            s.step = 2
        case ("Pow", 2) where reads(2, at: 0) && constant(1)?.floatValues == [2]:
            s.step = 3
        case ("ReduceMean", 3) where int("keepdims", 1) == 1 && [[-1], [s.permuted ? 3 : 1]].contains(constantInput(1)?.intValues ?? ints("axes") ?? []):
            s.step = 4
        case ("Add", 4) where (constant(1) ?? constant(0))?.count == 1:
            s.epsilon = (constant(1) ?? constant(0))!.floatValues[0]
            s.step = 5
        case ("Sqrt", 5):
            s.step = 6
        case ("Div", 2) where inputs.count == 2 && reads(2, at: 0) && reads(6, at: 1):
            guard case .layerNormStep(let deviation) = inputs[1] else { return false }
            s = deviation  // it carries the epsilon
            s.step = 7
        case ("Mul", 7) where (constant(1) ?? constant(0)).map { $0.count == channels } ?? false:
            s.weight = (constant(1) ?? constant(0))!.floatValues
            s.step = 8
        case ("Add", 8) where (constant(1) ?? constant(0)).map { $0.count == channels } ?? false:
            let bias = (constant(1) ?? constant(0))!.floatValues
            guard s.epsilon > 0 else {
                fail("a layer norm spelled out with epsilon \(s.epsilon)")
                return true
            }
            let norm = LayerNorm(epsilon: Self.decimal(s.epsilon))
            let id = addLayer(
                .layerNorm(norm), [s.x],
                [
                    (.weight, ImportedTensor(shape: [channels], values: s.weight)),
                    (.bias, ImportedTensor(shape: [channels], values: bias)),
                ])
            if let id, s.permuted { values[output] = .permuted(id) }
            return true
        default:
            fail("part of a layer norm spelled out (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add) used otherwise")
            return true
        }
        values[output] = .layerNormStep(s)
        return true
    }
}
