import CNNModel
import Foundation

extension ONNXModelReader {
    /// A tensor's values from `raw_data`, the typed fields or an external file; `label` says
    /// which tensor in messages (`initializer 'fc.weight'`).
    func tensor(_ proto: Onnx_TensorProto, label: String) throws(ImportError) -> ONNXTensor {
        guard let type = ONNXDataType(rawValue: Int(proto.dataType)) else {
            let name = Onnx_TensorProto.DataType(rawValue: Int(proto.dataType)).map { "\($0)" } ?? "\(proto.dataType)"
            throw failure("\(label) has element type \(name), which the reader does not support")
        }
        let dims = proto.dims.map { Int($0) }
        let shape = dims.map(String.init).joined(separator: "x")
        if dims.contains(where: { $0 < 0 }) {
            throw failure("\(label) has a negative dimension (\(shape))")
        }
        guard SizeLimits.allows(dims), let count = checkedProduct(dims) else { throw failure("\(label): " + SizeLimits.tooLarge(dims)) }
        if proto.hasSegment {
            throw failure("\(label) is a segment of a larger tensor, which the reader does not support")
        }
        var result = ONNXTensor(name: proto.name, dataType: type, dims: dims, floats: [], integers: [])
        let byteCount = count * type.byteCount  // at most 2^31 * 8: no overflow
        if proto.dataLocation == .external || proto.hasRawData {
            let bytes = proto.dataLocation == .external ? try externalData(proto, label: label, byteCount: byteCount) : proto.rawData
            if bytes.count != byteCount {
                throw failure("\(label) has \(bytes.count) bytes of data, but dims \(shape) of \(type) need \(byteCount)")
            }
            decode(bytes, into: &result)
        } else {
            try typedValues(proto, count: count, into: &result, label: "\(label) (dims \(shape))")
        }
        return result
    }

    /// The values of a tensor without `raw_data`, from the field its type uses.
    private func typedValues(_ proto: Onnx_TensorProto, count: Int, into tensor: inout ONNXTensor, label: String) throws(ImportError) {
        let found: Int
        switch tensor.dataType {
        case .float:
            tensor.floats = proto.floatData
            found = tensor.floats.count
        case .double:
            tensor.floats = proto.doubleData.map { Float($0) }
            found = tensor.floats.count
        case .float16:
            tensor.floats = proto.int32Data.map { Self.float(half: UInt16(truncatingIfNeeded: $0)) }
            found = tensor.floats.count
        case .bfloat16:
            tensor.floats = proto.int32Data.map { Float(bitPattern: UInt32(UInt16(truncatingIfNeeded: $0)) << 16) }
            found = tensor.floats.count
        case .int64:
            tensor.integers = proto.int64Data.map { Int($0) }
            found = tensor.integers.count
        case .uint32, .uint64:
            if let big = proto.uint64Data.first(where: { $0 > UInt64(Int.max) }) {
                throw failure("\(label) holds \(big), too large for Int")
            }
            tensor.integers = proto.uint64Data.map { Int($0) }
            found = tensor.integers.count
        case .int32, .int16, .int8, .uint16, .uint8, .bool:
            tensor.integers = proto.int32Data.map { Int($0) }
            found = tensor.integers.count
        }
        if found != count {
            throw failure("\(label) holds \(found) values, but its dims need \(count)")
        }
    }

    /// Little-endian `raw_data` (or external data) of `tensor.dataType`, whose length was checked.
    private func decode(_ bytes: Data, into tensor: inout ONNXTensor) {
        let count = bytes.count / tensor.dataType.byteCount
        bytes.withUnsafeBytes { raw in
            func values<T: FixedWidthInteger>(_: T.Type) -> [T] {
                (0..<count).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
            }
            switch tensor.dataType {
            case .float:
                // The common case, and the big one: copied whole on little-endian machines.
                tensor.floats =
                    UInt32(littleEndian: 1) == 1
                    ? Array(unsafeUninitializedCapacity: count) { buffer, initialized in
                        UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
                        initialized = count
                    } : values(UInt32.self).map { Float(bitPattern: $0) }
            case .double: tensor.floats = values(UInt64.self).map { Float(Double(bitPattern: $0)) }
            case .float16: tensor.floats = values(UInt16.self).map { Self.float(half: $0) }
            case .bfloat16: tensor.floats = values(UInt16.self).map { Float(bitPattern: UInt32($0) << 16) }
            case .uint8, .bool: tensor.integers = values(UInt8.self).map { Int($0) }
            case .int8: tensor.integers = values(Int8.self).map { Int($0) }
            case .uint16: tensor.integers = values(UInt16.self).map { Int($0) }
            case .int16: tensor.integers = values(Int16.self).map { Int($0) }
            case .int32: tensor.integers = values(Int32.self).map { Int($0) }
            case .uint32: tensor.integers = values(UInt32.self).map { Int($0) }
            case .int64: tensor.integers = values(Int64.self).map { Int($0) }
            // Values past Int.max wrap; uint64 weights do not occur in CNNs.
            case .uint64: tensor.integers = values(UInt64.self).map { Int(truncatingIfNeeded: $0) }
            }
        }
    }

    /// IEEE binary16 to Float, exactly (every half is a float); written out because `Float16`
    /// is missing on some platforms.
    static func float(half bits: UInt16) -> Float {
        let sign: UInt32 = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1f
        let mantissa = UInt32(bits & 0x3ff)
        switch exponent {
        case 0x1f: return Float(bitPattern: sign | 0x7f80_0000 | mantissa << 13)  // inf, NaN
        case 0:  // zero and subnormals: mantissa * 2^-24
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        default: return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }
}
