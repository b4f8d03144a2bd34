import CPNG
import Foundation

/// PNG images through libpng: gray, gray with alpha, RGB, RGBA, palette and 16-bit files, read as
/// 8-bit gray or RGB (alpha is dropped: a network sees the colour).
public enum PNG {
    public static func read(path: String) throws -> Image {
        let data = try DataError.contents(of: path)
        return try decode(data, file: path)
    }

    public static func decode(_ data: Data, file: String) throws -> Image {
        guard data.count >= 8, Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
            throw DataError(file, "not a PNG file (wrong signature)")
        }
        var rgba: UnsafeMutablePointer<UInt8>?
        var width: UInt32 = 0, height: UInt32 = 0
        var isColor: Int32 = 0
        var message = [CChar](repeating: 0, count: 64)
        let ok = data.withUnsafeBytes { bytes in
            cnn_png_decode_rgba(bytes.baseAddress, bytes.count, Image.maxPixels, &rgba, &width, &height, &isColor, &message)
        }
        if ok == 2 { throw DataError(file, Image.tooLarge(width: Int(width), height: Int(height))) }
        guard ok == 1, let rgba else {
            throw DataError(file, Self.sentence(libpng: String(cString: message)))
        }
        defer { free(rgba) }
        let count = Int(width) * Int(height)
        let channels = isColor != 0 ? 3 : 1
        var pixels = [UInt8](repeating: 0, count: count * channels)
        for p in 0..<count {
            for c in 0..<channels { pixels[p * channels + c] = rgba[4 * p + c] }
        }
        return Image(width: Int(width), height: Int(height), channels: channels, pixels: pixels)
    }

    /// What is wrong with the file, from libpng's terse message ("IHDR: CRC error", "Not
    /// enough image data"), which stays in parentheses for a bug report.
    static func sentence(libpng message: String) -> String {
        let m = message.lowercased()
        let what: String
        if m.contains("crc") {
            what = "a chunk's checksum is wrong: the file is damaged"
        } else if m.contains("not enough") || m.contains("read error") || m.contains("eof") || m.contains("truncat") || m.contains("end of") {
            what = "the file ends before its image does: truncated?"
        } else if m.contains("zlib") || m.contains("header check") || m.contains("distance") || m.contains("block type") || m.contains("compressed")
            || m.contains("filter")
        {
            what = "its compressed pixel data is corrupt"
        } else if m.contains("ihdr") || m.contains("invalid") || m.contains("out of range") || m.contains("too large") || m.contains("bad") {
            what = "its header or a chunk has an impossible value"
        } else if m.contains("memory") {
            what = "there is not enough memory to decode it"
        } else {
            what = "libpng cannot decode it"
        }
        return "corrupt PNG, \(what) (libpng: \(message))"
    }
}
