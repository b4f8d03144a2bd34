import CNNModel

/// Reading one node: the ops that become layers. (Shape and constant arithmetic is in
/// `ONNXImporter+Constants.swift`.)
extension ONNXImporter {
    mutating func read() {
        for input in node.inputs where !input.isEmpty && values[input] == nil {
            fail("it reads '\(input)', which no earlier node, initializer or graph input makes")
            return
        }
        if node.inputs.contains(where: { if case .unreadable = values[$0] { return true } else { return false } }) {
            // After a node that could not be read, its readers are skipped; an op cnn-tui never
            // reads is still named, so that one error lists them all.
            if !Self.layerOps.contains(node.opType) && !Self.constantOps.contains(node.opType) {
                return fail("not an op cnn-tui reads")
            }
            for output in node.outputs { values[output] = .unreadable }
            return
        }
        guard node.domain.isEmpty || node.domain == "ai.onnx" else {
            fail("an op of the '\(node.domain)' domain")
            return
        }
        let present = node.inputs.filter { !$0.isEmpty }
        if present.allSatisfy({ if case .constant = values[$0] { return true } else { return false } }) {
            fold()
            return
        }
        if readLayerNormStep() { return }
        if readChannelsLastFlatten() { return }
        if node.opType == "Transpose" { return readTranspose() }
        if node.opType == "Gather", case .raveled(let x) = values[node.inputs[0]] { return readGatherOfRaveled(x) }
        if node.opType == "Unsqueeze", case .unsqueezed(let x, let dims) = values[node.inputs[0]] { return readUnsqueeze(x, dims) }
        if node.opType == "Reshape", case .channelGroups(let x, let groups, let swapped) = values[node.inputs[0]] {
            return readUngroupingReshape(x, groups: groups, swapped: swapped)
        }
        readInLayout()
    }

    mutating func readLayer() {
        switch node.opType {
        case "Conv": readConv()
        case "Gemm": readGemm()
        case "MatMul": readMatMul()
        case "BatchNormalization": readBatchNorm()
        case "Relu": activation(.relu)
        case "Sigmoid": activation(.sigmoid)
        case "Tanh": activation(.tanh)
        case "HardSwish": activation(.hardSwish)
        case "Gelu":
            guard (string("approximate") ?? "none") == "none" else { return fail("the tanh approximation of GELU (only the exact one is read)") }
            activation(.gelu)
        case "HardSigmoid":
            // PyTorch's Hardsigmoid is x/6 + 1/2 clamped; ONNX's default slope (0.2) is Keras's.
            guard abs(float("alpha", 0.2) - 1.0 / 6) < 1e-6, abs(float("beta", 0.5) - 0.5) < 1e-6 else {
                return fail("a hard sigmoid with slope \(float("alpha", 0.2)) (only PyTorch's 1/6 is read)")
            }
            activation(.hardSigmoid)
        case "Clip": readClip()
        case "Softmax": readSoftmax()
        case "MaxPool", "AveragePool": readPool()
        case "GlobalAveragePool":
            guard let x = layerInput(0) else { return }
            addLayer(.globalAvgPool(keepDims: true), [x])
        case "GlobalMaxPool":
            guard let x = layerInput(0) else { return }
            addLayer(.globalMaxPool(keepDims: true), [x])
        case "LeakyRelu":
            activation(.leakyRelu(slope: Self.decimal(float("alpha", 0.01))))
        case "ReduceMean", "ReduceMax": readGlobalReduction()
        case "Sub": readSub()
        case "Split": readSplit()
        case "Flatten":
            guard let x = layerInput(0) else { return }
            guard int("axis", 1) == 1 else { return fail("a flatten from axis \(int("axis", 1)) (only axis 1 keeps the batch)") }
            if shapes[x].isSpatial { addLayer(.flatten, [x]) } else { alias(x) }
        case "Reshape": readReshape()
        case "Squeeze": readSqueeze()
        case "Unsqueeze":
            guard let x = layerInput(0) else { return }
            readUnsqueeze(x, [1] + shapes[x].dims)
        case "Add", "Sum": readAdd()
        case "Mul": readMul()
        case "Concat": readConcat()
        case "Dropout":
            guard let x = layerInput(0) else { return }
            let ratio = constantInput(1)?.floatValues.first.map(Double.init) ?? Double(float("ratio", 0.5))
            addLayer(.dropout(ratio), [x])
        case "Identity", "Cast":
            guard let x = layerInput(0) else { return }
            alias(x)
        case "Shape":
            guard let x = layerInput(0) else { return }
            produce(shapeOf([1] + shapes[x].dims))  // at batch 1, as the graph is read
        case "LRN":
            guard let x = layerInput(0) else { return }
            guard Self.isSensible(int("size", 1)) else { return fail("a window of \(int("size", 1)) channels") }
            let lrn = LocalResponseNorm(
                size: int("size", 1), alpha: Double(float("alpha", 1e-4)), beta: Double(float("beta", 0.75)), k: Double(float("bias", 1)))
            addLayer(.localResponseNorm(lrn), [x])
        case "Pad": readPad()
        case "Slice": readSlice()
        case "LayerNormalization": readLayerNorm()
        case "Erf": readErf()
        case "Div": readDiv()
        case "Pow", "Sqrt": fail("a \(node.opType) outside a layer norm spelled out (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add)")
        default:
            fail(Self.constantOps.contains(node.opType) ? "computed on a layer's output, not on constants" : "not an op cnn-tui reads")
        }
    }

    // MARK: - Inputs and attributes

    /// Input `i` as a layer; records a problem (and returns nil) when it is a constant.
    mutating func layerInput(_ i: Int) -> Int? {
        guard i < node.inputs.count, let value = values[node.inputs[i]] else {
            fail("input \(i) is missing")
            return nil
        }
        switch value {
        case .layer(let id):
            return id
        case .geluStep:
            fail("input \(i) ('\(node.inputs[i])') is part of x * 0.5 * (1 + erf(x / sqrt(2))) used for something else")
        case .raveled:
            fail("input \(i) ('\(node.inputs[i])') is a layer's output flattened with its batch axis")
        case .flattenedChannelsLast:
            fail("input \(i) ('\(node.inputs[i])') is a map flattened channels last (only a MatMul or Gemm reads it)")
        default:
            fail("input \(i) ('\(node.inputs[i])') is a constant where a layer's output is expected")
        }
        return nil
    }

    /// Input `i` when it is a known constant (nil when absent or computed).
    func constantInput(_ i: Int) -> ConstantValue? {
        guard i < node.inputs.count, !node.inputs[i].isEmpty, case .constant(let c) = values[node.inputs[i]] else { return nil }
        return c
    }

    func int(_ name: String, _ fallback: Int) -> Int {
        if case .int(let v) = node.attributes[name] { return v }
        return fallback
    }

    func ints(_ name: String) -> [Int]? {
        if case .ints(let v) = node.attributes[name] { return v }
        return nil
    }

    func float(_ name: String, _ fallback: Float) -> Float {
        if case .float(let v) = node.attributes[name] { return v }
        return fallback
    }

    func string(_ name: String) -> String? {
        if case .string(let v) = node.attributes[name] { return v }
        return nil
    }

    /// A float from the file as the decimal it was written as (0.01, not 0.009999999776).
    static func decimal(_ value: Float) -> Double {
        Double("\(value)") ?? Double(value)
    }

    /// An initializer (or folded constant) as a weight tensor.
    static func tensor(_ c: ConstantValue) -> ImportedTensor {
        ImportedTensor(shape: c.dims, values: c.floatValues)
    }

    // MARK: - Layers

    private mutating func activation(_ kind: Activation) {
        guard let x = layerInput(0) else { return }
        addLayer(.activation(kind), [x])
    }

    /// The window geometry of a conv or pool node: pads `[top, left, bottom, right]` or `auto_pad`.
    private mutating func padding() -> Padding? {
        switch string("auto_pad") ?? "NOTSET" {
        case "NOTSET":
            let pads = ints("pads") ?? [0, 0, 0, 0]
            guard pads.count == 4, pads.allSatisfy({ $0 >= 0 && $0 <= Self.largest }) else {
                fail("pads \(pads) for a 2-D window")
                return nil
            }
            return .explicit(Pad4(top: pads[0], bottom: pads[2], left: pads[1], right: pads[3]))
        case "VALID": return .valid
        case "SAME_UPPER": return .same
        case let other:
            fail("auto_pad \(other) (the extra pixel before, not after)")
            return nil
        }
    }

    /// `[h, w]` from an attribute of two positive values, or `fallback`.
    private mutating func pair(_ name: String, _ fallback: Int) -> Size2? {
        guard let values = ints(name) else { return Size2(fallback) }
        guard values.count == 2 else {
            fail("\(name) \(values) (cnn-tui reads 2-D windows)")
            return nil
        }
        guard values.allSatisfy(Self.isSensible) else {
            fail("\(name) \(values) (each from 1 to \(Self.largest.grouped))")
            return nil
        }
        return Size2(values[0], values[1])
    }

    /// The largest size, stride, dilation, group count or padding read from a file: beyond it the
    /// shape arithmetic could overflow, and no network needs it.
    static let largest = 1 << 24

    static func isSensible(_ value: Int) -> Bool { value >= 1 && value <= largest }

    private mutating func readConv() {
        guard let x = layerInput(0) else { return }
        guard let w = constantInput(1), w.dims.count == 4 else { return fail("its weights are not a constant 4-D tensor") }
        guard w.dims.allSatisfy(Self.isSensible), Self.isSensible(int("group", 1)) else {
            return fail("weights \(w.dims) in \(int("group", 1)) groups")
        }
        let b = constantInput(2)
        if node.inputs.count > 2, !node.inputs[2].isEmpty, b == nil { return fail("its bias is not a constant") }
        guard let stride = pair("strides", 1), let dilation = pair("dilations", 1), let padding = padding() else { return }
        let conv = Conv2D(
            filters: w.dims[0], kernel: Size2(w.dims[2], w.dims[3]), stride: stride, padding: padding, dilation: dilation,
            groups: int("group", 1), bias: b != nil)
        var parameters: [Parameter] = [(.weight, Self.tensor(w))]
        if let b { parameters.append((.bias, Self.tensor(b))) }
        if let id = addLayer(.conv2d(conv), [x], parameters), b == nil { biasless.insert(id) }
    }

    private mutating func readGemm() {
        guard let x = layerInput(0) else { return }
        guard let b = constantInput(1), b.dims.count == 2 else { return fail("its weights are not a constant matrix") }
        guard int("transA", 0) == 0, float("alpha", 1) == 1, float("beta", 1) == 1 else {
            return fail("transA, alpha or beta other than a plain linear layer's")
        }
        guard let weight = int("transB", 0) == 1 ? b : b.transposed(nil) else { return fail("weights that cannot be transposed") }
        let bias = constantInput(2)
        addDense(x, weight: weight, bias: bias)
    }

    /// `x @ W` with a constant `[in, out]` W: a dense layer without bias; an `Add` of a constant
    /// vector after it (torch.export's linear layers) becomes its bias.
    private mutating func readMatMul() {
        guard let x = layerInput(0) else { return }
        guard let w = constantInput(1), w.dims.count == 2, let weight = w.transposed(nil) else {
            return fail("a product with something other than a constant matrix")
        }
        guard channelsLast || !shapes[x].isSpatial else {
            return fail("a product over the width of a \(shapes[x]) map (only over channels, after a transpose to channels last)")
        }
        addDense(x, weight: weight, bias: nil, perPosition: shapes[x].isSpatial)
    }

    /// `perPosition`: a product over the channels of a channels-last view (MatMul only).
    private mutating func addDense(_ x: Int, weight: ConstantValue, bias: ConstantValue?, perPosition: Bool = false) {
        guard weight.dims.allSatisfy({ $0 >= 1 }) else { return fail("an empty weight matrix \(weight.dims)") }
        let dense = Dense(outFeatures: weight.dims[0], inFeatures: weight.dims[1], bias: bias != nil, perPosition: perPosition)
        var parameters: [Parameter] = [(.weight, Self.tensor(weight))]
        if let map = rowsChannelsLast {
            parameters[0].tensor = ImportedTensor(shape: weight.dims, values: Self.channelsFirstColumns(weight.floatValues, of: map))
        }
        if let bias { parameters.append((.bias, ImportedTensor(shape: [bias.count], values: bias.floatValues))) }
        if let id = addLayer(.dense(dense), [x], parameters), bias == nil { biasless.insert(id) }
    }

    private mutating func readBatchNorm() {
        guard let x = layerInput(0) else { return }
        let stats = (1...4).map(constantInput)
        guard stats.allSatisfy({ $0 != nil }) else { return fail("its scale, bias, mean and variance are not constants") }
        guard int("training_mode", 0) == 0 else { return fail("a batchnorm in training mode") }
        let bn = BatchNorm(epsilon: Double(float("epsilon", 1e-5)), momentum: 1 - Double(float("momentum", 0.9)), affine: true)
        let roles: [ParameterTensor.Role] = [.weight, .bias, .runningMean, .runningVar]
        addLayer(.batchNorm(bn), [x], zip(roles, stats).map { ($0, Self.tensor($1!)) })
    }

    private mutating func readClip() {
        guard let x = layerInput(0) else { return }
        // Before opset 11 the bounds are attributes, since then optional inputs.
        let low = constantInput(1)?.floatValues.first ?? (node.attributes["min"] != nil ? float("min", 0) : -Float.infinity)
        let high = constantInput(2)?.floatValues.first ?? (node.attributes["max"] != nil ? float("max", 0) : Float.infinity)
        if low == 0 && (high == 6 || high == .infinity) {
            addLayer(.activation(high == 6 ? .relu6 : .relu), [x])
            return
        }
        fail("a clip to \(low)...\(high) (only 0...6, ReLU6, and 0..., ReLU, are layers)")
    }

    private mutating func readSoftmax() {
        guard let x = layerInput(0) else { return }
        let axis = int("axis", model.opsetVersion < 13 ? 1 : -1)
        guard !shapes[x].isSpatial, axis == 1 || axis == -1 else {
            return fail("a softmax over axis \(axis) of a \(shapes[x]) tensor (only over a flat layer's classes)")
        }
        addLayer(.activation(.softmax), [x])
    }

    private mutating func readPool() {
        guard let x = layerInput(0) else { return }
        guard let kernel = ints("kernel_shape"), kernel.count == 2 else { return fail("a window that is not 2-D") }
        guard kernel.allSatisfy(Self.isSensible) else { return fail("a window of \(kernel)") }
        guard let stride = pair("strides", 1), let padding = padding() else { return }
        if node.opType == "MaxPool", let dilations = ints("dilations"), dilations.contains(where: { $0 != 1 }) {
            return fail("a dilated max pool")
        }
        let pool = Pool2D(
            node.opType == "MaxPool" ? .max : .average, kernel: Size2(kernel[0], kernel[1]), stride: stride, padding: padding,
            ceilMode: int("ceil_mode", 0) == 1, countIncludePad: int("count_include_pad", 0) == 1)
        addLayer(.pool(pool), [x])
    }

    private mutating func readGlobalReduction() {
        guard let x = layerInput(0) else { return }
        let axes = (constantInput(1)?.intValues ?? ints("axes") ?? []).map { $0 < 0 ? $0 + 4 : $0 }
        let what = node.opType == "ReduceMax" ? "maximum" : "mean"
        guard shapes[x].isSpatial, Set(axes) == [2, 3] else {
            return fail("a \(what) over axes \(axes) of a \(shapes[x]) tensor (only over height and width)")
        }
        let keepDims = int("keepdims", 1) == 1
        addLayer(node.opType == "ReduceMax" ? .globalMaxPool(keepDims: keepDims) : .globalAvgPool(keepDims: keepDims), [x])
    }

    private mutating func readAdd() {
        let present = node.inputs.filter { !$0.isEmpty }
        if present.count == 2 {
            for (one, other) in [(values[present[0]], values[present[1]]), (values[present[1]], values[present[0]])] {
                guard case .geluStep(let x, 2, _) = one else { continue }
                guard case .constant(let c) = other, c.count == 1, c.floatValues[0] == 1 else {
                    return fail("erf(x / sqrt(2)) plus something other than 1")
                }
                if let output = node.outputs.first { values[output] = .geluStep(x, step: 3, permuted: false) }
                return
            }
        }
        let layerIDs = present.compactMap { name -> Int? in
            if case .layer(let id) = values[name] { return id }
            return nil
        }
        if layerIDs.count == present.count {
            addLayer(.add, layerIDs)
            return
        }
        guard present.count == 2, layerIDs.count == 1, let id = layerIDs.first,
            let constant = present.compactMap({ name -> ConstantValue? in
                if case .constant(let c) = values[name] { return c }
                return nil
            }).first
        else { return fail("it adds something other than a layer or a constant to a layer's output") }
        // A layer plus a constant vector: the bias of the layer before, when nothing else reads
        // it; otherwise a layer of its own (a fixed shift, or one per channel).
        guard biasless.contains(id), readers[layerOutputName(id) ?? ""] == 1 else {
            return readConstantArithmetic(id, constant, sign: 1)
        }
        let count = constant.count
        switch layers[id].op {
        case .dense(let d) where count == d.outFeatures:
            var biased = d
            biased.bias = true
            replace(id, with: .dense(biased), adding: [(.bias, ImportedTensor(shape: [count], values: constant.floatValues))])
        case .conv2d(let c) where count == c.filters:
            var biased = c
            biased.bias = true
            replace(id, with: .conv2d(biased), adding: [(.bias, ImportedTensor(shape: [count], values: constant.floatValues))])
        default:
            return readConstantArithmetic(id, constant, sign: 1)
        }
        biasless.remove(id)
        alias(id)
    }

    private mutating func readMul() {
        guard node.inputs.count == 2 else { return fail("a product of \(node.inputs.count) inputs") }
        let (first, second) = (values[node.inputs[0]], values[node.inputs[1]])
        // x * (1 + erf(x / sqrt(2))), then * 0.5: GELU.
        for (one, other) in [(first, second), (second, first)] {
            if case .geluStep(let x, 3, _) = one, case .layer(x) = other {
                if let output = node.outputs.first { values[output] = .geluStep(x, step: 4, permuted: false) }
                return
            }
            if case .geluStep(let x, 4, _) = one, case .constant(let c) = other {
                guard c.count == 1, abs(c.floatValues[0] - 0.5) < 1e-6 else { return fail("x * (1 + erf(x / sqrt(2))) times \(c.floatValues[0]), not 0.5") }
                addLayer(.activation(.gelu), [x])
                return
            }
        }
        for (index, other) in [(0, second), (1, first)] {
            if case .constant(let c) = other {
                guard let x = layerInput(index) else { return }
                return readConstantArithmetic(x, c, sign: 0)
            }
        }
        guard let a = layerInput(0), let b = layerInput(1) else { return }
        // x * sigmoid(x) is SiLU (swish), as the exporters write it.
        for (x, gate, gateName) in [(a, b, node.inputs[1]), (b, a, node.inputs[0])]
        where layers[gate].op == .activation(.sigmoid) && layers[gate].inputs == [x] && readers[gateName] == 1 {
            replace(gate, with: .activation(.silu))
            alias(gate)
            return
        }
        addLayer(.multiply, [a, b])
    }

    private mutating func readConcat() {
        var ids: [Int] = []
        for i in node.inputs.indices where !node.inputs[i].isEmpty {
            guard let id = layerInput(i) else { return }
            ids.append(id)
        }
        if ids.count == 1 { return alias(ids[0]) }  // torch.cat of a list of one (DenseNet's first layer)
        let rank = 1 + (ids.first.map { shapes[$0].dims.count } ?? 3)
        let axis = int("axis", 1)
        guard axis == 1 || axis == 1 - rank else { return fail("a concatenation along axis \(axis) (only along channels)") }
        addLayer(.concat, ids)
    }

    private mutating func readPad() {
        guard let x = layerInput(0) else { return }
        guard (string("mode") ?? "constant") == "constant" else { return fail("\(string("mode") ?? "") padding (only zeros)") }
        let value = constantInput(2)?.floatValues.first ?? float("value", 0)
        guard value == 0 else { return fail("padding with \(value) (only zeros)") }
        guard let pads = constantInput(1)?.intValues ?? ints("pads"), pads.count == 8,
            pads[0] == 0, pads[1] == 0, pads[4] == 0, pads[5] == 0, pads.allSatisfy({ $0 >= 0 })
        else { return fail("padding other than zeros around height and width") }
        guard pads.allSatisfy({ $0 <= Self.largest }) else { return fail("padding \(pads) (each at most \(Self.largest.grouped))") }
        addLayer(.zeroPad(Pad4(top: pads[2], bottom: pads[6], left: pads[3], right: pads[7])), [x])
    }

    /// A slice of height and width (steps of 1) is a crop (Keras's `Cropping2D`, NASNet's stems).
    private mutating func readSlice() {
        guard let x = layerInput(0) else { return }
        let shape = shapes[x]
        let rank = shape.dims.count + 1
        guard let starts = constantInput(1)?.intValues ?? ints("starts"), let ends = constantInput(2)?.intValues ?? ints("ends") else {
            return fail("a slice with computed bounds")
        }
        let axes = (constantInput(3)?.intValues ?? ints("axes") ?? Array(0..<starts.count)).map { $0 < 0 ? $0 + rank : $0 }
        let steps = constantInput(4)?.intValues ?? Array(repeating: 1, count: starts.count)
        if axes == [1], starts.count == 1, ends.count == 1, steps == [1] { return readChannelSlice(x, start: starts[0], end: ends[0]) }
        guard shape.isSpatial else { return fail("a slice of a \(shapes[x]) tensor along axes \(axes) (only of channels, or of height and width)") }
        guard starts.count == axes.count, ends.count == axes.count, steps.allSatisfy({ $0 == 1 }), Set(axes).isSubset(of: [2, 3]) else {
            return fail("a slice along axes \(axes) with steps \(steps) (only height and width, step 1)")
        }
        var pad = Pad4(0)
        for (k, axis) in axes.enumerated() {
            let n = axis == 2 ? shape.height : shape.width
            let start = Self.sliceIndex(starts[k], count: n), end = Self.sliceIndex(ends[k], count: n)
            guard start < end else { return fail("a slice that keeps nothing") }
            if axis == 2 { (pad.top, pad.bottom) = (start, n - end) } else { (pad.left, pad.right) = (start, n - end) }
        }
        addLayer(.crop(pad), [x])
    }

    /// The ONNX name of layer `id`'s output (the value that maps to it first).
    func layerOutputName(_ id: Int) -> String? {
        node.inputs.first { if case .layer(id) = values[$0] { return true } else { return false } }
    }
}
