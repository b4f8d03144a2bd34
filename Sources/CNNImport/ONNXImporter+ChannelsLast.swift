import CNNModel

/// Reading the layout tricks exporters use on top of the plain ops: channels-last views between
/// two transposes (ConvNeXt, tf2onnx), GELU spelled out with `erf`, a per-channel scale by a
/// constant, a pooled map raveled and gathered back (torch.export's `as_strided`).
extension ONNXImporter {
    /// Reads the node on channels-first layers as they are, or, when it reads channels-last views
    /// (`.permuted`), as the same channel-wise op on the layers behind them, its outputs seen
    /// channels last again.
    mutating func readInLayout() {
        let present = node.inputs.filter { !$0.isEmpty }
        var permuted = 0, plain = 0
        for name in present {
            switch values[name] {
            case .permuted, .geluStep(_, _, permuted: true): permuted += 1
            case .layer, .geluStep, .raveled: plain += 1
            default: break
            }
        }
        guard permuted > 0 else {
            channelsLast = false
            return readLayer()
        }
        guard Self.channelwiseOps.contains(node.opType) else {
            return fail("it reads a channels-last (transposed) map; between the transposes only channel-wise ops are read")
        }
        guard plain == 0 else { return fail("it mixes channels-last and channels-first maps") }
        let saved = present.map { ($0, values[$0]) }
        for name in present {
            switch values[name] {
            case .permuted(let id): values[name] = .layer(id)
            case .geluStep(let x, let step, _): values[name] = .geluStep(x, step: step, permuted: false)
            default: break
            }
        }
        channelsLast = true
        readLayer()
        channelsLast = false
        for (name, value) in saved where !node.outputs.contains(name) { values[name] = value }
        for output in node.outputs {
            switch values[output] {
            case .layer(let id): values[output] = .permuted(id)
            case .geluStep(let x, let step, _): values[output] = .geluStep(x, step: step, permuted: true)
            default: break
            }
        }
    }

    /// `[0, 2, 3, 1]` views a map channels last, `[0, 3, 1, 2]` turns such a view back; other
    /// permutations of a layer's output are not read.
    mutating func readTranspose() {
        guard let output = node.outputs.first else { return }
        let perm = ints("perm")
        switch values[node.inputs[0]] {
        case .layer(let x) where shapes[x].isSpatial && perm == [0, 2, 3, 1]:
            values[output] = .permuted(x)
        case .permuted(let x) where perm == [0, 3, 1, 2]:
            values[output] = .layer(x)
        case .channelGroups(let x, let groups, swapped: false):
            readGroupTranspose(x, groups: groups)
        case .layer(let x) where perm == Array(0...shapes[x].dims.count):
            values[output] = .layer(x)
        case .layer(let x):
            fail("a transpose by \(perm ?? []) of a \(shapes[x]) map (only to channels last, [0, 2, 3, 1], and back)")
        case .permuted:
            fail("a transpose by \(perm ?? []) of a channels-last map (only back to channels first, [0, 3, 1, 2])")
        default:
            fail("a transpose of something other than a layer's output")
        }
    }

    /// `Gather` of every element of a raveled layer, in order, with indices of the layer's shape:
    /// the layer again.
    mutating func readGatherOfRaveled(_ x: Int) {
        let dims = [1] + shapes[x].dims
        guard let indices = constantInput(1), indices.dims == dims, int("axis", 0) == 0,
            indices.intValues.elementsEqual(0..<indices.count)
        else { return fail("a gather from a flattened layer other than of every element in order") }
        alias(x)
    }

    mutating func readErf() {
        guard case .geluStep(let x, 1, _) = values[node.inputs[0]] else {
            return fail("an erf of something other than x / sqrt(2) (only GELU's is read)")
        }
        if let output = node.outputs.first { values[output] = .geluStep(x, step: 2, permuted: false) }
    }

    /// Over the last axis: the channels of a channels-last view, or a flat vector's features.
    mutating func readLayerNorm() {
        guard let x = layerInput(0) else { return }
        let rank = shapes[x].dims.count + 1
        let axis = int("axis", -1)
        guard axis == -1 || axis == rank - 1, channelsLast || !shapes[x].isSpatial else {
            return fail("a layer norm over axis \(axis) of a \(shapes[x]) tensor (only over the channels of each position)")
        }
        let channels = shapes[x].channels
        guard let scale = constantInput(1), scale.count == channels else { return fail("its scale is not a constant of \(channels) values") }
        let bias = constantInput(2)
        guard bias == nil || bias?.count == channels else { return fail("its bias is not a constant of \(channels) values") }
        let norm = LayerNorm(epsilon: Double(float("epsilon", 1e-5)))
        addLayer(
            .layerNorm(norm), [x],
            [
                (.weight, ImportedTensor(shape: [channels], values: scale.floatValues)),
                (.bias, ImportedTensor(shape: [channels], values: bias?.floatValues ?? Array(repeating: 0, count: channels))),
            ])
    }

    /// tf2onnx's Keras `Flatten`: the map seen channels last (`Shape` of the view, `Reshape` to
    /// `[N, H*W*C]`), then a product with rows in that order. The graph flattens channels first
    /// and the product's weight columns are put in that order instead. True when the node was one
    /// of these.
    mutating func readChannelsLastFlatten() -> Bool {
        guard let first = node.inputs.first, let output = node.outputs.first else { return false }
        switch (node.opType, values[first]) {
        case ("Shape", .permuted(let x)):
            let s = shapes[x]
            produce(shapeOf([1, s.height, s.width, s.channels]))
        case ("Reshape", .permuted(let x)):
            let s = shapes[x]
            guard let target = constantInput(1)?.intValues, let resolved = Self.resolveReshape(target, of: [1, s.height, s.width, s.channels]) else {
                fail("a reshape of a channels-last map to a computed or impossible shape")
                return true
            }
            if resolved == [1, s.height, s.width, s.channels] {
                values[output] = .permuted(x)
            } else if resolved.count == 2, let id = addLayer(.flatten, [x]) {
                // On a 1 x 1 map the two orders are the same.
                values[output] = s.height * s.width == 1 ? .layer(id) : .flattenedChannelsLast(id, source: s)
            } else if resolved.count != 2 {
                fail("a reshape of a channels-last \(s) map to \(resolved) (only a flatten)")
            }
        case ("MatMul", .flattenedChannelsLast(let id, let source)), ("Gemm", .flattenedChannelsLast(let id, let source)):
            values[first] = .layer(id)
            rowsChannelsLast = source
            readLayer()
            rowsChannelsLast = nil
            values[first] = .flattenedChannelsLast(id, source: source)
        default:
            return false
        }
        return true
    }

    /// A dense weight `[out, H*W*C]` whose columns follow a channels-last flatten of `map`, with
    /// its columns in channels-first order (`C*H*W`).
    static func channelsFirstColumns(_ weight: [Float], of map: TensorShape) -> [Float] {
        let (c, h, w) = (map.channels, map.height, map.width)
        let columns = c * h * w
        guard columns > 0, weight.count % columns == 0 else { return weight }
        var out = weight
        for row in 0..<(weight.count / columns) {
            let base = row * columns
            for ci in 0..<c {
                for y in 0..<h {
                    for x in 0..<w { out[base + (ci * h + y) * w + x] = weight[base + (y * w + x) * c + ci] }
                }
            }
        }
        return out
    }
}
