import Foundation

/// Reads an image file by its content: PNG, or PGM/PPM.
public enum ImageFiles {
    public static func read(path: String) throws -> Image {
        let data = try DataError.contents(of: path)
        if data.count >= 8, data.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]) { return try PNG.decode(data, file: path) }
        if data.count >= 2, data[data.startIndex] == UInt8(ascii: "P") { return try PNM.decode(data, file: path) }
        throw DataError(path, "not a PNG, PGM or PPM image")
    }
}
