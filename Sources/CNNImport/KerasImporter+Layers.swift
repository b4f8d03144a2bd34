import CNNModel

/// Each Keras layer class as cnn-tui ops, with its configuration checked: sizes from 1 to
/// `ONNXImporter.largest`, channels-last data, and the settings cnn-tui's ops can express.
extension KerasImporter {
    /// Adds the graph layers of the current Keras layer, reading `inputs`.
    mutating func read(inputs: [Int]) throws(ImportError) {
        let x = inputs[0]
        switch layer.className {
        case "Conv2D":
            try checkChannelsLast()
            let conv = Conv2D(
                filters: try size("filters"), kernel: try pair("kernel_size"), stride: try pair("strides", 1),
                padding: try padding(), dilation: try pair("dilation_rate", 1), groups: try size("groups", 1),
                bias: layer.config["use_bias"]?.bool ?? true)
            try addActivation(after: try add(.conv2d(conv), [x]))
        case "DepthwiseConv2D":
            try checkChannelsLast()
            let channels = try inputChannels(x)
            let multiplier = try size("depth_multiplier", 1)
            guard let filters = checkedProduct([channels, multiplier]), ONNXImporter.isSensible(filters) else {
                throw fail("has \(channels) x \(multiplier) filters, more than \(ONNXImporter.largest.grouped)")
            }
            let conv = Conv2D(
                filters: filters, kernel: try pair("kernel_size"), stride: try pair("strides", 1), padding: try padding(),
                dilation: try pair("dilation_rate", 1), groups: channels, bias: layer.config["use_bias"]?.bool ?? true)
            try addActivation(after: try add(.conv2d(conv), [x]))
        case "SeparableConv2D":
            try checkChannelsLast()
            let channels = try inputChannels(x)
            let multiplier = try size("depth_multiplier", 1)
            guard let depthFilters = checkedProduct([channels, multiplier]), ONNXImporter.isSensible(depthFilters) else {
                throw fail("has \(channels) x \(multiplier) depthwise filters, more than \(ONNXImporter.largest.grouped)")
            }
            let depthwise = Conv2D(
                filters: depthFilters, kernel: try pair("kernel_size"), stride: try pair("strides", 1),
                padding: try padding(), dilation: try pair("dilation_rate", 1), groups: channels, bias: false)
            let pointwise = Conv2D(filters: try size("filters"), kernel: 1, bias: layer.config["use_bias"]?.bool ?? true)
            let d = try add(.conv2d(depthwise), [x], name: layer.name + "_depthwise")
            try addActivation(after: try add(.conv2d(pointwise), [d], name: layer.name + "_pointwise"))
        case "Dense":
            guard shapes[x].dims.count == 1 else {
                throw fail("reads a \(shapes[x]) map (cnn-tui reads Dense on a flat vector: after Flatten or global pooling)")
            }
            let dense = Dense(outFeatures: try size("units"), inFeatures: shapes[x].dims[0], bias: layer.config["use_bias"]?.bool ?? true)
            try addActivation(after: try add(.dense(dense), [x]))
        case "BatchNormalization":
            try add(.batchNorm(try batchNorm(x)), [x])
        case "MaxPooling2D", "AveragePooling2D":
            try checkChannelsLast()
            let kernel = try pair("pool_size", 2)
            let stride = layer.config["strides"]?.isNull == false ? try pair("strides") : kernel
            let kind: Pool2D.Kind = layer.className == "MaxPooling2D" ? .max : .average
            // Keras's "same" average pooling divides by the pixels inside the map only.
            let pool = Pool2D(kind, kernel: kernel, stride: stride, padding: try padding(), countIncludePad: false)
            try add(.pool(pool), [x])
        case "GlobalAveragePooling2D", "GlobalMaxPooling2D":
            try checkChannelsLast()
            let keepDims = layer.config["keepdims"]?.bool ?? false
            try add(layer.className == "GlobalMaxPooling2D" ? .globalMaxPool(keepDims: keepDims) : .globalAvgPool(keepDims: keepDims), [x])
        case "LeakyReLU":
            // Keras 3 names the slope negative_slope, Keras 2 alpha; both default to 0.3.
            let slope = layer.config["negative_slope"]?.number ?? layer.config["alpha"]?.number ?? 0.3
            guard slope.isFinite else { throw fail("has negative_slope \(slope)") }
            try add(.activation(.leakyRelu(slope: slope)), [x])
        case "Flatten":
            try add(.flatten, [x])
        case "Reshape":
            // Keras orders a map's values channels last, cnn-tui channels first: the two agree
            // when the map is 1 x 1 (a squeeze-and-excitation's `Reshape((1, 1, C))`) or flat.
            let target = layer.config["target_shape"]?.array?.map(\.integer) ?? []
            guard target.allSatisfy({ $0.map { $0 >= 1 && ONNXImporter.isSensible($0) } ?? false }), target.count == 1 || target.count == 3 else {
                throw fail("has target_shape \(layer.config["target_shape"]?.text ?? "none") (cnn-tui reads (C,) and (H, W, C))")
            }
            let dims = target.map { $0! }
            let shape = dims.count == 1 ? TensorShape(features: dims[0]) : TensorShape(channels: dims[2], height: dims[0], width: dims[1])
            let spatial = shapes[x].isSpatial ? shapes[x].height * shapes[x].width : 1
            guard spatial == 1 || !shape.isSpatial || shape.height * shape.width == 1 else {
                throw fail("reshapes a \(shapes[x]) map to \(shape) (its values would move: cnn-tui keeps channels first)")
            }
            let op: Op = shape.isSpatial ? .reshape(shape) : (shapes[x].isSpatial ? .flatten : .reshape(shape))
            try add(op, [x])
        case "Dropout":
            let rate = layer.config["rate"]?.number ?? 0
            guard rate >= 0, rate < 1 else { throw fail("has rate \(rate) (from 0 to less than 1)") }
            try add(.dropout(rate), [x])
        case "Concatenate":
            let rank = shapes[x].dims.count
            let axis = layer.config["axis"]?.integer ?? -1
            guard axis == -1 || axis == rank else {
                throw fail("joins along axis \(axis) (cnn-tui concatenates channels, the last axis)")
            }
            try add(.concat, inputs)
        case "Add":
            try add(.add, inputs)
        case "Multiply":
            try add(.multiply, inputs)
        case "Activation":
            let name = layer.config["activation"]?.string ?? "linear"
            try add(KerasImport.activations[name].map(Op.activation) ?? .identity, [x])
        case "ReLU":
            try add(.activation(try relu()), [x])
        case "ZeroPadding2D":
            try checkChannelsLast()
            try add(.zeroPad(try zeroPadding()), [x])
        default:
            // `checkClasses` has refused every other class before reading began.
            throw fail("is not a layer class cnn-tui reads")
        }
    }

    /// The activation inside a Conv2D or Dense, as a layer of its own after `id`.
    mutating func addActivation(after id: Int) throws(ImportError) {
        guard let name = layer.config["activation"]?.string, let activation = KerasImport.activations[name] else { return }
        try add(.activation(activation), [id], name: layers[id].name.replacingSuffix("_pointwise") + "_" + name)
    }

    // MARK: Settings

    func checkChannelsLast() throws(ImportError) {
        if let format = layer.config["data_format"]?.string, format != "channels_last" {
            throw fail("has data_format \(format) (cnn-tui reads channels_last, what Keras writes by default)")
        }
    }

    func inputChannels(_ x: Int) throws(ImportError) -> Int {
        guard shapes[x].dims.count == 3 else { throw fail("reads a \(shapes[x]) tensor, not a C x H x W map") }
        return shapes[x].dims[0]
    }

    /// A positive size setting, at most `ONNXImporter.largest`.
    func size(_ key: String, _ fallback: Int? = nil) throws(ImportError) -> Int {
        guard let value = layer.config[key], !value.isNull else {
            if let fallback { return fallback }
            throw fail("has no \(key)")
        }
        guard let n = value.integer, ONNXImporter.isSensible(n) else {
            throw fail("has \(key) \(value.text) (from 1 to \(ONNXImporter.largest.grouped))")
        }
        return n
    }

    /// A 2-D setting written as one number or two: `3`, `[3, 3]`.
    func pair(_ key: String, _ fallback: Int? = nil) throws(ImportError) -> Size2 {
        guard let value = layer.config[key], !value.isNull else {
            if let fallback { return Size2(fallback) }
            throw fail("has no \(key)")
        }
        let values = value.array?.map(\.integer) ?? [value.integer]
        guard values.count == 2 || values.count == 1, values.allSatisfy({ $0.map(ONNXImporter.isSensible) ?? false }) else {
            throw fail("has \(key) \(value.text) (two sizes, each from 1 to \(ONNXImporter.largest.grouped))")
        }
        let sizes = values.compactMap { $0 }
        return Size2(sizes[0], sizes[sizes.count - 1])
    }

    func padding() throws(ImportError) -> Padding {
        switch layer.config["padding"]?.string ?? "valid" {
        case "valid": return .valid
        case "same": return .same
        case let other: throw fail("has padding '\(other)' (cnn-tui reads valid and same)")
        }
    }

    func batchNorm(_ x: Int) throws(ImportError) -> BatchNorm {
        let rank = shapes[x].dims.count
        let axes = layer.config["axis"]?.array ?? [layer.config["axis"] ?? .number(-1)]
        guard axes.count == 1, let axis = axes[0].integer, axis == -1 || axis == rank else {
            throw fail("normalizes axis \(layer.config["axis"]?.text ?? "?") (cnn-tui normalizes channels, the last axis)")
        }
        let center = layer.config["center"]?.bool ?? true
        let scale = layer.config["scale"]?.bool ?? true
        guard center == scale else { throw fail("has center \(center) and scale \(scale) (cnn-tui reads both or neither)") }
        let epsilon = layer.config["epsilon"]?.number ?? 1e-3
        let momentum = layer.config["momentum"]?.number ?? 0.99
        guard epsilon > 0, epsilon < 1, momentum >= 0, momentum <= 1 else {
            throw fail("has epsilon \(epsilon) or momentum \(momentum) outside 0...1")
        }
        // Keras's momentum weighs the old statistics; PyTorch's (cnn-tui's) the new batch.
        return BatchNorm(epsilon: epsilon, momentum: 1 - momentum, affine: center)
    }

    func relu() throws(ImportError) -> Activation {
        let slope = layer.config["negative_slope"]?.number ?? 0
        let threshold = layer.config["threshold"]?.number ?? 0
        let max = layer.config["max_value"].flatMap { $0.isNull ? nil : $0 }
        guard threshold == 0, slope == 0 || max == nil, slope.isFinite else {
            throw fail("has negative_slope \(slope), threshold \(threshold) (cnn-tui reads ReLU, ReLU6 and a leaky ReLU)")
        }
        if slope != 0 { return .leakyRelu(slope: slope) }
        guard let max else { return .relu }
        guard max.number == 6 else { throw fail("has max_value \(max.text) (cnn-tui reads none or 6)") }
        return .relu6
    }

    /// `1`, `[1, 2]` (rows, columns) or `[[top, bottom], [left, right]]`.
    func zeroPadding() throws(ImportError) -> Pad4 {
        let value = layer.config["padding"] ?? .number(1)
        let rows = value.array ?? [value]
        let parts = rows.map { $0.array?.map(\.integer) ?? [$0.integer, $0.integer] }
        let flat = parts.flatMap { $0 }
        guard parts.count == 2 || (parts.count == 1 && value.array == nil), parts.allSatisfy({ $0.count == 2 }),
            flat.allSatisfy({ ($0 ?? -1) >= 0 && ($0 ?? 0) <= ONNXImporter.largest })
        else {
            throw fail("has padding \(value.text) (from 0 to \(ONNXImporter.largest.grouped) on each side)")
        }
        let p = flat.compactMap { $0 }
        if p.count == 2 { return Pad4(top: p[0], bottom: p[0], left: p[0], right: p[0]) }
        return Pad4(top: p[0], bottom: p[1], left: p[2], right: p[3])
    }
}

extension JSONValue {
    /// Compact JSON-like text for messages: `[3, 3]`, `"same"`, `0`.
    var text: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .number(let n): return n.rounded() == n && abs(n) < 1e15 ? String(Int(n)) : String(n)
        case .string(let s): return "'\(s)'"
        case .array(let items): return "[" + items.map(\.text).joined(separator: ", ") + "]"
        case .object: return "{...}"
        }
    }
}

extension String {
    /// The string without `suffix` at its end, if it has it.
    fileprivate func replacingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
