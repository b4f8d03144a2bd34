import CNNModel

/// Reading arithmetic with constants (`(x - 0.5) / 0.25`, `x - mean` per channel), a difference of
/// two layers, and the channel bookkeeping of ShuffleNet: a `Split` or `Slice` along channels and
/// the channel shuffle (`Reshape` to `[N, g, C/g, H, W]`, `Transpose [0, 2, 1, 3, 4]`, `Reshape` back).
extension ONNXImporter {
    /// `x - y` of two layers, `x - c` and `c - x` with a constant.
    mutating func readSub() {
        guard node.inputs.count == 2 else { return fail("a subtraction of \(node.inputs.count) inputs") }
        if let c = constantInput(1) {
            guard let x = layerInput(0) else { return }
            return readConstantArithmetic(x, c, sign: -1)
        }
        if let c = constantInput(0) {
            guard let x = layerInput(1) else { return }
            guard c.count == 1 else { return fail("a constant of shape \(c.dims) minus a layer (only a single number minus a layer)") }
            addLayer(.affine(scale: -1, shift: Double(c.floatValues[0])), [x])
            return
        }
        guard let a = layerInput(0), let b = layerInput(1) else { return }
        addLayer(.subtract, [a, b])
    }

    /// `x / c` with a constant: a fixed factor, or one per channel; `x / sqrt(2)` starts GELU.
    mutating func readDiv() {
        guard node.inputs.count == 2 else { return fail("a division of \(node.inputs.count) inputs") }
        guard let x = layerInput(0) else { return }
        guard let c = constantInput(1) else { return fail("a division by a layer's output (only by constants)") }
        if c.count == 1, abs(Double(c.floatValues[0]) - 2.0.squareRoot()) < 1e-5, readers[node.outputs.first ?? ""] == 1,
            model.graph.nodes.contains(where: { $0.opType == "Erf" && $0.inputs.first == node.outputs.first })
        {
            if let output = node.outputs.first { values[output] = .geluStep(x, step: 1, permuted: false) }
            return
        }
        guard c.floatValues.allSatisfy({ $0 != 0 }) else { return fail("a division by zero") }
        readConstantArithmetic(x, ConstantValue(dims: c.dims, floats: c.floatValues.map { 1 / $0 }), sign: 0)
    }

    /// `x * c` (sign 0) or `x + sign * c` with a single number (an `affine` layer) or one value
    /// per channel (a `scale` or `shift` layer with parameters).
    mutating func readConstantArithmetic(_ x: Int, _ c: ConstantValue, sign: Double) {
        let values = c.floatValues
        if c.count == 1 && !(shapes[x].channels == 1 && c.dims.count >= 1) {
            let v = Double(values[0])
            addLayer(sign == 0 ? .affine(scale: v, shift: 0) : .affine(scale: 1, shift: sign * v), [x])
            return
        }
        guard let perChannel = channelValues(x, c) else {
            let what = sign == 0 ? "product" : (sign < 0 ? "difference" : "sum")
            return fail("a \(what) of a \(shapes[x]) map with a constant of shape \(c.dims) (only one value per channel, or a single number)")
        }
        if sign == 0 {
            addLayer(.channelScale, [x], [(.weight, ImportedTensor(shape: [perChannel.count], values: perChannel))])
        } else {
            let shifted = perChannel.map { Float(sign) * $0 }
            addLayer(.channelShift, [x], [(.bias, ImportedTensor(shape: [shifted.count], values: shifted))])
        }
    }

    /// The constant's values when it holds one per channel of layer `x`, laid out to broadcast
    /// over its map (`[C, 1, 1]`, or `[C]` on a channels-last view or a flat vector).
    func channelValues(_ x: Int, _ c: ConstantValue) -> [Float]? {
        let channels = shapes[x].channels
        let significant = Array(c.dims.drop { $0 == 1 })
        let fits =
            channelsLast || !shapes[x].isSpatial
            ? significant == [channels] || (channels == 1 && c.count == 1)
            : significant == [channels, 1, 1] || (channels == 1 && c.count == 1)
        return fits && c.count == channels ? c.floatValues : nil
    }

    /// `Split` along channels: one `slice` layer per output.
    mutating func readSplit() {
        guard let x = layerInput(0) else { return }
        let rank = shapes[x].dims.count + 1
        let axis = int("axis", 0)
        guard axis == 1 || axis == 1 - rank else { return fail("a split along axis \(axis) (only along channels)") }
        let channels = shapes[x].channels
        let outputs = node.outputs.count
        var sizes = constantInput(1)?.intValues ?? ints("split") ?? []
        if sizes.isEmpty {
            // Equal parts; the last smaller when they do not divide (opset 18's num_outputs).
            let part = (channels + outputs - 1) / max(outputs, 1)
            sizes = (0..<outputs).map { min(part, max(0, channels - $0 * part)) }
        }
        guard sizes.count == outputs, sizes.allSatisfy({ $0 > 0 }), checkedSum(sizes) == channels else {
            return fail("a split of \(channels) channels into \(sizes) for \(outputs) outputs")
        }
        var start = 0, ids: [Int] = []
        for size in sizes {
            guard let id = addLayer(.channelSlice(start: start, end: start + size), [x]) else { return }
            ids.append(id)
            start += size
        }
        // (addLayer names the first output each time.)
        for (output, id) in zip(node.outputs, ids) { values[output] = .layer(id) }
    }

    /// A `Slice` of channels, step 1.
    mutating func readChannelSlice(_ x: Int, start: Int, end: Int) {
        let n = shapes[x].channels
        let (from, to) = (Self.sliceIndex(start, count: n), Self.sliceIndex(end, count: n))
        guard from < to else { return fail("a slice that keeps no channel") }
        if from == 0 && to == n { return alias(x) }
        addLayer(.channelSlice(start: from, end: to), [x])
    }

    /// The first step of a channel shuffle: a map's channels reshaped into `[g, C/g]` groups.
    mutating func readGroupingReshape(_ x: Int, to resolved: [Int]) -> Bool {
        let shape = shapes[x]
        guard shape.isSpatial, resolved.count == 5, resolved[0] == 1, resolved[3] == shape.height, resolved[4] == shape.width,
            resolved[1] * resolved[2] == shape.channels, let output = node.outputs.first
        else { return false }
        values[output] = .channelGroups(x, groups: resolved[1], swapped: false)
        return true
    }

    /// The grouped channels' two axes swapped (`[0, 2, 1, 3, 4]`): the shuffle, once reshaped back.
    mutating func readGroupTranspose(_ x: Int, groups: Int) {
        guard ints("perm") == [0, 2, 1, 3, 4], let output = node.outputs.first else {
            return fail("a transpose by \(ints("perm") ?? []) of channels in groups (only [0, 2, 1, 3, 4], a channel shuffle)")
        }
        values[output] = .channelGroups(x, groups: groups, swapped: true)
    }

    /// The grouped channels back to a map: the layer again, or shuffled when the groups were swapped.
    mutating func readUngroupingReshape(_ x: Int, groups: Int, swapped: Bool) {
        guard let target = constantInput(1)?.intValues,
            let resolved = Self.resolveReshape(target, of: [1, groups, shapes[x].channels / groups, shapes[x].height, shapes[x].width]),
            resolved == [1] + shapes[x].dims
        else { return fail("a reshape of channels in groups to something other than the map they came from") }
        if swapped { addLayer(.channelShuffle(groups: groups), [x]) } else { alias(x) }
    }
}
