import CNNModel

/// A tensor whose values are known while the file is read: an initializer, a `Constant` node,
/// or what `Shape`, `Gather`, `Concat` and friends make of them. The exporters spell a flatten
/// as such a chain (`Shape -> Gather -> Unsqueeze -> Concat -> Reshape`), so reading one means
/// computing it.
struct ConstantValue: Sendable {
    var dims: [Int]
    /// Float data (for float tensors) or nil.
    var floats: [Float]?
    /// Integer data (int64, int32, bool, ...) or nil.
    var ints: [Int]?

    init(dims: [Int], floats: [Float]) {
        self.dims = dims
        self.floats = floats
    }

    init(dims: [Int], ints: [Int]) {
        self.dims = dims
        self.ints = ints
    }

    init(_ tensor: ONNXTensor) {
        dims = tensor.dims
        if tensor.dataType.isFloatingPoint { floats = tensor.floats } else { ints = tensor.integers }
    }

    var count: Int { floats?.count ?? ints?.count ?? 0 }

    /// The values as integers (floats truncated), for shapes, axes and indices.
    var intValues: [Int] { ints ?? (floats ?? []).map { Self.integer(Double($0)) } }

    /// `value` truncated to an integer, saturating at Int's ends (INT64_MAX, the exporters'
    /// "to the end" of a slice, comes back from Double as itself); 0 for NaN.
    static func integer(_ value: Double) -> Int {
        guard !value.isNaN else { return 0 }
        if value >= 9.223_372_036_854_775_807e18 { return .max }
        if value <= -9.223_372_036_854_775_808e18 { return .min }
        return Int(value)
    }
    /// The values as floats.
    var floatValues: [Float] { floats ?? (ints ?? []).map(Float.init) }

    var isInteger: Bool { ints != nil }

    /// Whether every dimension is at least 1, so that each is at most the element count (which
    /// the reader bounds) and the strides over them cannot overflow: `[0, 2^32, 2^32]` holds no
    /// values, yet its strides would. Gather, slice and transpose take only such tensors.
    var isNonEmpty: Bool { dims.allSatisfy { $0 >= 1 } && checkedProduct(dims) == count }

    /// Values as this tensor's own kind, from doubles.
    func sameKind(dims: [Int], _ values: [Double]) -> ConstantValue {
        isInteger ? ConstantValue(dims: dims, ints: values.map(Self.integer)) : ConstantValue(dims: dims, floats: values.map(Float.init))
    }

    var doubles: [Double] { ints.map { $0.map(Double.init) } ?? (floats ?? []).map(Double.init) }

    /// Elements gathered along `axis` at `indices` (negative counting from the end), as ONNX
    /// `Gather` does.
    func gather(_ indices: ConstantValue, axis: Int) -> ConstantValue? {
        let rank = dims.count
        let axis = axis < 0 ? axis + rank : axis
        guard axis >= 0, axis < max(rank, 1), rank > 0, isNonEmpty else { return nil }
        let outer = dims[..<axis].reduce(1, *), size = dims[axis], inner = dims[(axis + 1)...].reduce(1, *)
        let values = doubles
        var out: [Double] = []
        for o in 0..<outer {
            for raw in indices.intValues {
                let i = raw < 0 ? raw + size : raw
                guard i >= 0, i < size else { return nil }
                let start = (o * size + i) * inner
                out += values[start..<(start + inner)]
            }
        }
        return sameKind(dims: Array(dims[..<axis]) + indices.dims + Array(dims[(axis + 1)...]), out)
    }

    /// Elements `starts..<ends` by `steps` along `axes`, as ONNX `Slice` does (indices clamped).
    func slice(starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?) -> ConstantValue? {
        let rank = dims.count
        let axes = (axes ?? Array(0..<starts.count)).map { $0 < 0 ? $0 + rank : $0 }
        let steps = steps ?? Array(repeating: 1, count: starts.count)
        guard axes.count == starts.count, ends.count == starts.count, steps.count == starts.count,
            axes.allSatisfy({ $0 >= 0 && $0 < rank }), !steps.contains(0), isNonEmpty
        else { return nil }
        var ranges = dims.map { Array(0..<$0) }
        for (k, axis) in axes.enumerated() {
            let n = dims[axis], step = steps[k]
            func clampIndex(_ v: Int, _ low: Int, _ high: Int) -> Int { min(max(v < 0 ? v + n : v, low), high) }
            if step > 0 {
                let s = clampIndex(starts[k], 0, n), e = clampIndex(ends[k], 0, n)
                ranges[axis] = s < e ? Array(stride(from: s, to: e, by: step)) : []
            } else {
                let s = clampIndex(starts[k], -1, n - 1), e = clampIndex(ends[k], -1, n - 1)
                ranges[axis] = s > e ? Array(stride(from: s, to: e, by: step)) : []
            }
        }
        return select(ranges)
    }

    /// The tensor with its axes in `perm` order, as ONNX `Transpose` does (reversed by default).
    func transposed(_ perm: [Int]?) -> ConstantValue? {
        let rank = dims.count
        let perm = perm ?? Array((0..<rank).reversed())
        guard perm.sorted() == Array(0..<rank), isNonEmpty else { return nil }
        if rank == 2, perm == [1, 0], let floats {
            // A weight matrix (MatMul's [in, out] to Linear's [out, in]), millions of elements in
            // ConvNeXt: straight loops, no detour through Double.
            let (rows, columns) = (dims[0], dims[1])
            var out = [Float](repeating: 0, count: floats.count)
            floats.withUnsafeBufferPointer { source in
                out.withUnsafeMutableBufferPointer { target in
                    for r in 0..<rows {
                        for c in 0..<columns { target[c * rows + r] = source[r * columns + c] }
                    }
                }
            }
            return ConstantValue(dims: [columns, rows], floats: out)
        }
        let values = doubles
        let outDims = perm.map { dims[$0] }
        var strides = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * dims[i + 1] }
        var out: [Double] = []
        out.reserveCapacity(values.count)
        var index = [Int](repeating: 0, count: rank)
        for _ in 0..<values.count {
            var source = 0
            for (k, axis) in perm.enumerated() { source += index[k] * strides[axis] }
            out.append(values[source])
            var k = rank - 1
            while k >= 0 {
                index[k] += 1
                if index[k] < outDims[k] { break }
                index[k] = 0
                k -= 1
            }
        }
        return sameKind(dims: outDims, out)
    }

    /// The elements at the cross product of per-axis index lists.
    private func select(_ ranges: [[Int]]) -> ConstantValue {
        let values = doubles
        var strides = [Int](repeating: 1, count: dims.count)
        for i in stride(from: dims.count - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * dims[i + 1] }
        var out: [Double] = []
        func walk(_ axis: Int, _ offset: Int) {
            if axis == dims.count {
                out.append(values[offset])
                return
            }
            for i in ranges[axis] { walk(axis + 1, offset + i * strides[axis]) }
        }
        if dims.isEmpty { out = values } else { walk(0, 0) }
        return sameKind(dims: ranges.map(\.count), out)
    }

    /// Element-wise `op` with NumPy broadcasting; nil when the shapes do not broadcast.
    static func elementwise(_ a: ConstantValue, _ b: ConstantValue, _ op: (Double, Double) -> Double) -> ConstantValue? {
        let rank = max(a.dims.count, b.dims.count)
        let da = Array(repeating: 1, count: rank - a.dims.count) + a.dims
        let db = Array(repeating: 1, count: rank - b.dims.count) + b.dims
        var dims: [Int] = []
        for (x, y) in zip(da, db) {
            guard x == y || x == 1 || y == 1 else { return nil }
            dims.append(max(x, y))
        }
        guard let count = checkedProduct(dims), count <= 1 << 24 else { return nil }  // folding is for shapes and small constants
        let va = a.doubles, vb = b.doubles
        func offset(_ flat: Int, _ shape: [Int]) -> Int {
            var rest = flat, result = 0, step = 1
            for axis in stride(from: rank - 1, through: 0, by: -1) {
                let i = rest % dims[axis]
                rest /= dims[axis]
                if shape[axis] != 1 { result += i * step }
                step *= shape[axis]
            }
            return result
        }
        let out = (0..<count).map { op(va[offset($0, da)], vb[offset($0, db)]) }
        let integer = a.isInteger && b.isInteger
        return integer ? ConstantValue(dims: dims, ints: out.map(Self.integer)) : ConstantValue(dims: dims, floats: out.map(Float.init))
    }
}
