import Foundation

/// Netpbm gray and color images: PGM (`P2` text, `P5` binary) and PPM (`P3`, `P6`), with
/// comments, and 16-bit samples (maxval above 255) scaled to 8 bits.
public enum PNM {
    public static func read(path: String) throws -> Image {
        let data = try DataError.contents(of: path)
        return try decode(data, file: path)
    }

    public static func decode(_ data: Data, file: String) throws -> Image {
        let b = [UInt8](data)
        var i = 0
        /// The next whitespace-separated header token, skipping `#` comments.
        func token() throws -> String {
            while i < b.count {
                if b[i] == UInt8(ascii: "#") {
                    while i < b.count && b[i] != 10 { i += 1 }
                } else if b[i] == 32 || (9...13).contains(b[i]) {
                    i += 1
                } else {
                    break
                }
            }
            let start = i
            while i < b.count && !(b[i] == 32 || (9...13).contains(b[i])) { i += 1 }
            guard i > start else { throw DataError(file, "truncated header") }
            return String(decoding: b[start..<i], as: UTF8.self)
        }
        func number(_ what: String) throws -> Int {
            let t = try token()
            guard let n = Int(t), n > 0, n <= 1 << 16 else { throw DataError(file, "bad \(what) '\(t)'") }
            return n
        }
        let magic = try token()
        guard ["P2", "P3", "P5", "P6"].contains(magic) else {
            throw DataError(file, "magic '\(magic.prefix(8))' is not a PGM or PPM image (P2, P3, P5, P6)")
        }
        let width = try number("width"), height = try number("height"), maxval = try number("maximum value")
        guard maxval <= 65535 else { throw DataError(file, "maximum value \(maxval) is above the format's 65535") }
        let channels = (magic == "P3" || magic == "P6") ? 3 : 1
        guard width * height <= Image.maxPixels else { throw DataError(file, Image.tooLarge(width: width, height: height)) }
        let count = width * height * channels
        // The data must be there before anything the size of the image is allocated: binary
        // samples take 1 or 2 bytes each, text ones at least 2 (a digit and a space).
        let binary = magic == "P5" || magic == "P6"
        if binary { i += 1 }  // the single whitespace after maxval
        let bytesPerSample = binary ? (maxval > 255 ? 2 : 1) : 2
        guard b.count - i >= count * bytesPerSample - (binary ? 0 : 1) else {
            throw DataError(file, "truncated: \(width)x\(height)x\(channels) needs \(count * bytesPerSample) bytes, \(max(b.count - i, 0)) left")
        }
        var samples = [UInt16](repeating: 0, count: count)  // 2 bytes a sample: maxval is at most 65535
        if binary {
            for s in 0..<count {
                samples[s] = bytesPerSample == 2 ? UInt16(b[i + 2 * s]) << 8 | UInt16(b[i + 2 * s + 1]) : UInt16(b[i + s])
            }
        } else {
            for s in 0..<count {
                guard let v = Int(try token()) else { throw DataError(file, "sample \(s) is not a number") }
                guard v >= 0 && v <= maxval else { throw DataError(file, "a sample exceeds the maximum value \(maxval)") }
                samples[s] = UInt16(v)
            }
        }
        guard samples.allSatisfy({ Int($0) <= maxval }) else { throw DataError(file, "a sample exceeds the maximum value \(maxval)") }
        let pixels = samples.map { UInt8((Int($0) * 255 + maxval / 2) / maxval) }
        return Image(width: width, height: height, channels: channels, pixels: pixels)
    }
}
