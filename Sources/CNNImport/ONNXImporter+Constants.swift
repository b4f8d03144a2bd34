import CNNModel

/// Nodes whose inputs are all known while reading: computed on the spot, as the exporters'
/// shape arithmetic (`Shape -> Gather -> Unsqueeze -> Concat`) and weight preparation
/// (`Transpose` of a matrix) need.
extension ONNXImporter {
    mutating func fold() {
        let inputs = node.inputs.map { name -> ConstantValue? in
            guard !name.isEmpty, case .constant(let c) = values[name] else { return nil }
            return c
        }
        func input(_ i: Int) -> ConstantValue? { i < inputs.count ? inputs[i] : nil }
        switch node.opType {
        case "Constant":
            guard let value = constantAttribute() else { return fail("a constant without a value") }
            produce(value)
        case "Identity", "Cast", "Dropout":
            guard let x = input(0) else { return fail("input 0 is missing") }
            produce(node.opType == "Cast" ? cast(x) : x)
        case "Shape":
            guard let x = input(0) else { return fail("input 0 is missing") }
            produce(shapeOf(x.dims))
        case "Gather":
            guard let data = input(0), let indices = input(1), let out = data.gather(indices, axis: int("axis", 0)) else {
                return fail("indices outside the data")
            }
            produce(out)
        case "Unsqueeze", "Squeeze":
            guard let x = input(0) else { return fail("input 0 is missing") }
            let axes = input(1)?.intValues ?? ints("axes")
            guard let dims = node.opType == "Unsqueeze" ? Self.unsqueezed(x.dims, axes ?? []) : Self.squeezed(x.dims, axes) else {
                return fail("axes \(axes ?? []) of a \(x.dims) tensor")
            }
            var out = x
            out.dims = dims
            produce(out)
        case "Concat":
            let parts = inputs.compactMap { $0 }
            guard let first = parts.first else { return fail("nothing to concatenate") }
            let rank = first.dims.count
            let axis = int("axis", 0) < 0 ? int("axis", 0) + rank : int("axis", 0)
            guard rank == 1, axis == 0 else { return fail("a concatenation of constants other than vectors") }
            let doubles = parts.flatMap(\.doubles)
            produce(first.sameKind(dims: [doubles.count], doubles))
        case "Slice":
            guard let data = input(0) else { return fail("input 0 is missing") }
            let starts = input(1)?.intValues ?? ints("starts") ?? []
            let ends = input(2)?.intValues ?? ints("ends") ?? []
            guard let out = data.slice(starts: starts, ends: ends, axes: input(3)?.intValues ?? ints("axes"), steps: input(4)?.intValues)
            else { return fail("a slice \(starts)..<\(ends) of a \(data.dims) tensor") }
            produce(out)
        case "Transpose":
            guard let x = input(0), let out = x.transposed(ints("perm")) else { return fail("a permutation that does not fit") }
            produce(out)
        case "Reshape":
            guard let x = input(0), let target = input(1), let dims = Self.resolveReshape(target.intValues, of: x.dims) else {
                return fail("a reshape that does not keep the element count")
            }
            var out = x
            out.dims = dims
            produce(out)
        case "Add", "Sub", "Mul", "Div":
            guard let a = input(0), let b = input(1) else { return fail("an input is missing") }
            let integer = a.isInteger && b.isInteger
            let op: (Double, Double) -> Double
            switch node.opType {
            case "Add": op = { $0 + $1 }
            case "Sub": op = { $0 - $1 }
            case "Mul": op = { $0 * $1 }
            default: op = { integer ? ($1 == 0 ? 0 : ($0 / $1).rounded(.towardZero)) : $0 / $1 }
            }
            guard let out = ConstantValue.elementwise(a, b, op) else { return fail("shapes \(a.dims) and \(b.dims) that do not broadcast") }
            produce(out)
        case "ConstantOfShape":
            guard let shape = input(0)?.intValues, shape.allSatisfy({ $0 >= 0 }), let count = checkedProduct(shape), count <= 1 << 24 else {
                return fail("a shape that is negative or too large")
            }
            let fill = constantAttribute() ?? ConstantValue(dims: [1], floats: [0])
            produce(fill.sameKind(dims: shape, Array(repeating: fill.doubles.first ?? 0, count: count)))
        default:
            fail("it computes on constants only, which cnn-tui does not fold for this op")
        }
    }

    /// The value of a `Constant` node (or `ConstantOfShape`'s fill).
    private func constantAttribute() -> ConstantValue? {
        switch node.attributes["value"] {
        case .tensor(let t): return ConstantValue(t)
        default: break
        }
        switch node.attributes["value_float"] ?? node.attributes["value_int"] ?? node.attributes["value_floats"]
            ?? node.attributes["value_ints"]
        {
        case .float(let v): return ConstantValue(dims: [], floats: [v])
        case .int(let v): return ConstantValue(dims: [], ints: [v])
        case .floats(let v): return ConstantValue(dims: [v.count], floats: v)
        case .ints(let v): return ConstantValue(dims: [v.count], ints: v)
        default: return nil
        }
    }

    /// An index into `count` elements as ONNX's Slice and Shape read one: negative counts from the
    /// end, and it is clamped to `0...count`.
    static func sliceIndex(_ index: Int, count: Int) -> Int {
        min(max(index < 0 ? index + count : index, 0), count)
    }

    /// `Shape` of a tensor with `dims`, honouring opset 15's `start` and `end`.
    func shapeOf(_ dims: [Int]) -> ConstantValue {
        let rank = dims.count
        let start = Self.sliceIndex(int("start", 0), count: rank), end = Self.sliceIndex(int("end", rank), count: rank)
        let part = start < end ? Array(dims[start..<end]) : []
        return ConstantValue(dims: [part.count], ints: part)
    }

    /// `Cast` to the type named by `to`: floats or integers.
    private func cast(_ x: ConstantValue) -> ConstantValue {
        let to = ONNXDataType(rawValue: int("to", ONNXDataType.float.rawValue)) ?? .float
        return to.isFloatingPoint ? ConstantValue(dims: x.dims, floats: x.floatValues) : ConstantValue(dims: x.dims, ints: x.intValues)
    }

    static func unsqueezed(_ dims: [Int], _ axes: [Int]) -> [Int]? {
        let rank = dims.count + axes.count
        let normalized = Set(axes.map { $0 < 0 ? $0 + rank : $0 })
        guard normalized.count == axes.count, normalized.allSatisfy({ $0 >= 0 && $0 < rank }) else { return nil }
        var rest = dims.makeIterator()
        return (0..<rank).map { normalized.contains($0) ? 1 : rest.next() ?? 1 }
    }

    static func squeezed(_ dims: [Int], _ axes: [Int]?) -> [Int]? {
        guard let axes else { return dims.filter { $0 != 1 } }
        let normalized = Set(axes.map { $0 < 0 ? $0 + dims.count : $0 })
        guard normalized.allSatisfy({ $0 >= 0 && $0 < dims.count && dims[$0] == 1 }) else { return nil }
        return dims.enumerated().filter { !normalized.contains($0.offset) }.map(\.element)
    }
}
