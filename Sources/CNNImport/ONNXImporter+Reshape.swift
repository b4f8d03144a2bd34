import CNNModel

/// Reading the ops that change a layer's shape without computing anything: Reshape, Squeeze and
/// Unsqueeze (a flatten, a flat vector as C x 1 x 1, the channel groups of a shuffle).
extension ONNXImporter {
    /// A reshape is read when it flattens (`[N, -1]`) or changes nothing.
    mutating func readReshape() {
        guard let x = layerInput(0) else { return }
        // Before opset 5 the target shape is an attribute.
        guard let targetDims = constantInput(1)?.intValues ?? ints("shape") else { return fail("its target shape is computed from the data") }
        let target = ConstantValue(dims: [targetDims.count], ints: targetDims)
        let dims = [1] + shapes[x].dims
        if target.intValues == [-1] || target.intValues == [checkedProduct(dims) ?? 0] {
            if let output = node.outputs.first { values[output] = .raveled(x) }
            return
        }
        guard let resolved = Self.resolveReshape(target.intValues, of: dims) else {
            return fail("a reshape of \(dims) to \(target.intValues) that does not keep the element count")
        }
        if resolved == dims { return alias(x) }
        if readGroupingReshape(x, to: resolved) { return }
        if resolved.count == 4, resolved[0] == 1 {
            addLayer(.reshape(TensorShape(Array(resolved.dropFirst()))), [x])
            return
        }
        guard resolved.count == 2, resolved[0] == 1 else {
            return fail("a reshape of \(dims) to \(resolved) (only to a flat vector or a C x H x W map)")
        }
        if shapes[x].isSpatial { addLayer(.flatten, [x]) } else { alias(x) }
    }

    /// ONNX's reshape target with `0` (keep that axis) and `-1` (the rest) filled in.
    static func resolveReshape(_ target: [Int], of dims: [Int]) -> [Int]? {
        var out = target.enumerated().map { $0.element == 0 && $0.offset < dims.count ? dims[$0.offset] : $0.element }
        guard let total = checkedProduct(dims), out.filter({ $0 == -1 }).count <= 1 else { return nil }
        if let free = out.firstIndex(of: -1) {
            let rest = out.enumerated().filter { $0.offset != free }.map(\.element)
            guard rest.allSatisfy({ $0 > 0 }), let known = checkedProduct(rest), known > 0, total % known == 0 else { return nil }
            out[free] = total / known
        }
        guard out.allSatisfy({ $0 > 0 }), checkedProduct(out) == total else { return nil }
        return out
    }

    /// A flat vector given height and width of 1 (`[N, C]` to `[N, C, 1, 1]`), in one node or two;
    /// `dims` are layer `x`'s values' shape so far.
    mutating func readUnsqueeze(_ x: Int, _ dims: [Int]) {
        var dims = dims
        let given = constantInput(1)?.intValues ?? ints("axes") ?? []
        let axes = given.map { $0 < 0 ? $0 + dims.count + given.count : $0 }  // negative: from the end of the output
        guard !axes.isEmpty, Set(axes).count == axes.count, axes.allSatisfy({ $0 >= 1 && $0 <= 4 }) else {
            return fail("an unsqueeze of axes \(axes) of a \(shapes[x]) tensor")
        }
        for axis in axes.sorted() where axis <= dims.count { dims.insert(1, at: axis) }
        if dims.count == 3, dims[0] == 1, let output = node.outputs.first {
            values[output] = .unsqueezed(x, dims: dims)
            return
        }
        guard dims.count == 4 else { return fail("an unsqueeze of a \(shapes[x]) tensor to \(dims) (only to N x C x H x W)") }
        addLayer(.reshape(TensorShape(Array(dims.dropFirst()))), [x])
    }

    mutating func readSqueeze() {
        guard let x = layerInput(0) else { return }
        let shape = shapes[x]
        let axes = Set((constantInput(1)?.intValues ?? ints("axes") ?? [2, 3]).map { $0 < 0 ? $0 + 4 : $0 })
        guard shape.isSpatial, shape.height == 1, shape.width == 1, axes == [2, 3] else {
            return fail("a squeeze of axes \(axes.sorted()) of a \(shape) tensor (only a pooled C x 1 x 1 map)")
        }
        addLayer(.flatten, [x])
    }
}
