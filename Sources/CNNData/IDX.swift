import Foundation

/// The IDX format of MNIST and Fashion-MNIST (LeCun): two zero bytes, a type byte (0x08 for
/// unsigned bytes), the number of dimensions, each dimension as a big-endian 32-bit count, then
/// the data. Plain or gzip-compressed.
public struct IDXArray: Hashable, Sendable {
    public let dims: [Int]
    public let bytes: [UInt8]

    /// Reads `path`, decompressing it if it is gzip.
    public static func read(path: String) throws -> IDXArray {
        let data = try DataError.contents(of: path)
        return try decode(data, file: path)
    }

    public static func decode(_ raw: Data, file: String) throws -> IDXArray {
        let data = Gzip.isCompressed(raw) ? try Gzip.decompress(raw, file: file) : raw
        let b = [UInt8](data)
        guard b.count >= 4 else { throw DataError(file, "too short for an IDX header (\(b.count) bytes)") }
        guard b[0] == 0, b[1] == 0 else {
            throw DataError(file, "wrong magic number 0x\(hex(b[0]))\(hex(b[1]))\(hex(b[2]))\(hex(b[3])): not an IDX file")
        }
        guard b[2] == 0x08 else { throw DataError(file, "element type 0x\(hex(b[2])) is not supported (only unsigned bytes, 0x08)") }
        let rank = Int(b[3])
        guard (1...4).contains(rank) else { throw DataError(file, "\(rank) dimensions; IDX data sets have 1 to 4") }
        let headerLength = 4 + 4 * rank
        guard b.count >= headerLength else { throw DataError(file, "truncated header") }
        var dims: [Int] = []
        for i in 0..<rank {
            let o = 4 + 4 * i
            dims.append(Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3]))
        }
        var expected = 1
        for d in dims {
            let (p, overflow) = expected.multipliedReportingOverflow(by: d)
            guard !overflow else { throw DataError(file, "dimensions \(dims) overflow") }
            expected = p
        }
        let available = b.count - headerLength
        guard available == expected else {
            throw DataError(file, "the header promises \(dims.map(String.init).joined(separator: "x")) = \(expected) bytes but the file holds \(available)")
        }
        return IDXArray(dims: dims, bytes: Array(b[headerLength...]))
    }

    /// Writes the array as IDX (unsigned bytes).
    public func encoded() -> Data {
        var out = Data([0, 0, 0x08, UInt8(dims.count)])
        for d in dims { out.append(contentsOf: [UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)]) }
        out.append(contentsOf: bytes)
        return out
    }

    public init(dims: [Int], bytes: [UInt8]) {
        self.dims = dims
        self.bytes = bytes
    }
}

private func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
}

/// MNIST-style data: an images file `[N, H, W]` and a labels file `[N]` in IDX.
public enum MNISTFiles {
    /// The images with their labels; the two files must agree on N.
    public static func load(images imagesPath: String, labels labelsPath: String) throws -> [Image] {
        let images = try IDXArray.read(path: imagesPath)
        let labels = try IDXArray.read(path: labelsPath)
        return try pair(images, labels, imagesFile: imagesPath, labelsFile: labelsPath)
    }

    public static func pair(_ images: IDXArray, _ labels: IDXArray, imagesFile: String, labelsFile: String) throws -> [Image] {
        guard images.dims.count == 3 else { throw DataError(imagesFile, "images must be N x H x W, found \(images.dims)") }
        guard labels.dims.count == 1 else { throw DataError(labelsFile, "labels must be one dimension, found \(labels.dims)") }
        let (n, h, w) = (images.dims[0], images.dims[1], images.dims[2])
        guard h > 0, w > 0 else { throw DataError(imagesFile, "images of \(h)x\(w) pixels: an image has at least one") }
        guard labels.dims[0] == n else {
            throw DataError(labelsFile, "\(labels.dims[0]) labels for the \(n) images of \(imagesFile)")
        }
        return (0..<n).map { i in
            Image(
                width: w, height: h, channels: 1, pixels: Array(images.bytes[(i * h * w)..<((i + 1) * h * w)]),
                label: Int(labels.bytes[i]))
        }
    }
}
