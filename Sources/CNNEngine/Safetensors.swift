import CNNFiles
import CNNModel
import Foundation

/// The safetensors format (what `safetensors.torch.save_file(model.state_dict(), path)` writes):
/// an 8-byte little-endian header length, a JSON header `{name: {dtype, shape, data_offsets}}`,
/// then the raw little-endian data. cnn-tui reads F32 (and converts F16, BF16 and F64); integer
/// tensors such as batchnorm's `num_batches_tracked` are skipped.
public enum Safetensors {
    public struct FormatError: Error, CustomStringConvertible, LocalizedError {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
        public var errorDescription: String? { description }
    }

    /// Reads every floating-point tensor of the file at `path`.
    public static func read(path: String) throws -> [String: Tensor] {
        if let reason = unreadableFileReason(path) { throw FormatError(path: path, reason: reason) }
        guard let data = FileManager.default.contents(atPath: path) else { throw FormatError(path: path, reason: "cannot be read") }
        return try decode(data, path: path)
    }

    public static func decode(_ data: Data, path: String = "<memory>") throws -> [String: Tensor] {
        func fail(_ reason: String) -> FormatError { FormatError(path: path, reason: "not a valid safetensors file: " + reason) }
        guard data.count >= 8 else { throw fail("shorter than its 8-byte header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw fail("header length \(headerLength) exceeds the file size \(data.count)")
        }
        let headerEnd = 8 + Int(headerLength)
        guard let header = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<headerEnd)) as? [String: Any] else {
            throw fail("the header is not a JSON object")
        }
        let body = data.subdata(in: headerEnd..<data.count)
        // Whole numbers only: `2.5`, `true` or `"4"` in a shape is a broken header, not 2, 1 or 4.
        func integers(_ value: Any?) -> [Int]? {
            guard let list = value as? [Any] else { return nil }
            var out: [Int] = []
            for item in list {
                // JSONSerialization gives `true` as an NSNumber of type char ("c").
                guard type(of: item) != Bool.self, let n = item as? NSNumber, String(cString: n.objCType) != "c",
                    let i = Int(exactly: n.doubleValue)
                else { return nil }
                out.append(i)
            }
            return out
        }
        // Every entry checked first, so that nothing is allocated for a header that lies.
        var entries: [(name: String, dtype: String, shape: [Int], count: Int, width: Int, begin: Int)] = []
        for (name, value) in header.sorted(by: { $0.key < $1.key }) where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String, let shape = integers(entry["shape"]),
                let offsets = integers(entry["data_offsets"]), offsets.count == 2, shape.allSatisfy({ $0 >= 0 })
            else { throw fail("tensor \(name) has a malformed entry") }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= body.count else {
                throw fail("tensor \(name) lies outside the data (\(begin)..<\(end) of \(body.count) bytes)")
            }
            guard SizeLimits.allows(shape), let count = checkedProduct(shape) else { throw fail("tensor \(name): " + SizeLimits.tooLarge(shape)) }
            guard let width = Self.byteWidth[dtype] else { throw fail("tensor \(name) has unknown dtype \(dtype)") }
            guard end - begin == count * width else {
                throw fail("tensor \(name) \(shape) of \(dtype) needs \(count * width) bytes, has \(end - begin)")
            }
            entries.append((name, dtype, shape, count, width, begin))
        }
        // Each tensor has bytes of its own (the format's rule): overlapping regions would let a
        // small file stand for many large tensors.
        let ordered = entries.filter { $0.count > 0 }.sorted { $0.begin < $1.begin }
        for (a, b) in zip(ordered, ordered.dropFirst()) where b.begin < a.begin + a.count * a.width {
            throw fail("tensors \(a.name) and \(b.name) share bytes \(b.begin)..<\(min(a.begin + a.count * a.width, b.begin + b.count * b.width))")
        }
        var tensors: [String: Tensor] = [:]
        for e in entries where ["F32", "F16", "BF16", "F64"].contains(e.dtype) {  // integer buffers are skipped
            let tensor = Tensor(shape: e.shape)
            body.withUnsafeBytes { raw in
                let bytes = raw.baseAddress! + e.begin
                for i in 0..<e.count {
                    tensor[i] = Self.float(at: bytes + i * e.width, dtype: e.dtype)
                }
            }
            tensors[e.name] = tensor
        }
        return tensors
    }

    static let byteWidth: [String: Int] = [
        "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
    ]

    private static func float(at p: UnsafeRawPointer, dtype: String) -> Float {
        switch dtype {
        case "F32": return Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
        case "F64": return Float(Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))))
        case "BF16": return Float(bitPattern: UInt32(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))) << 16)
        default: return Float(Float16(bitPattern: UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))))
        }
    }

    /// Writes `tensors` as F32, names sorted (as safetensors does), with optional metadata.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let t = tensors[name]!
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.count]]
            offset += 4 * t.count
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
        while (8 + json.count) % 8 != 0 { json.append(0x20) }
        var data = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for name in names {
            let t = tensors[name]!
            for i in 0..<t.count {
                withUnsafeBytes(of: t[i].bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    public static func write(_ tensors: [String: Tensor], to path: String, metadata: [String: String] = [:]) throws {
        try encode(tensors, metadata: metadata).write(to: URL(fileURLWithPath: path))
    }
}
