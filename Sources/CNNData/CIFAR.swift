import Foundation

/// The binary CIFAR format (Krizhevsky, 2009): records of label byte(s) then a 32x32 image as three
/// 1024-byte planes (red, green, blue). CIFAR-10 has one label byte; CIFAR-100 two (coarse, fine).
public enum CIFARFiles {
    public enum Variant: Sendable {
        case cifar10, cifar100

        var labelBytes: Int { self == .cifar10 ? 1 : 2 }
        var recordSize: Int { labelBytes + 3072 }
    }

    public static func read(path: String, variant: Variant) throws -> [Image] {
        let data = try DataError.contents(of: path)
        return try decode(data, variant: variant, file: path)
    }

    /// The images, labelled with the class (CIFAR-100: the fine class).
    public static func decode(_ data: Data, variant: Variant, file: String) throws -> [Image] {
        let b = [UInt8](data)
        let size = variant.recordSize
        guard !b.isEmpty, b.count % size == 0 else {
            throw DataError(file, "\(b.count) bytes is not a whole number of \(size)-byte \(variant == .cifar10 ? "CIFAR-10" : "CIFAR-100") records")
        }
        var images: [Image] = []
        for r in 0..<(b.count / size) {
            let o = r * size
            let label: Int
            if variant == .cifar10 {
                label = Int(b[o])
                guard label < 10 else { throw DataError(file, "record \(r) has label \(label); CIFAR-10 labels are 0-9") }
            } else {
                guard b[o] < 20 else { throw DataError(file, "record \(r) has coarse label \(b[o]); CIFAR-100's are 0-19") }
                label = Int(b[o + 1])
                guard label < 100 else { throw DataError(file, "record \(r) has fine label \(label); CIFAR-100's are 0-99") }
            }
            let planes = o + variant.labelBytes
            var pixels = [UInt8](repeating: 0, count: 3072)
            for p in 0..<1024 {
                pixels[3 * p] = b[planes + p]
                pixels[3 * p + 1] = b[planes + 1024 + p]
                pixels[3 * p + 2] = b[planes + 2048 + p]
            }
            images.append(Image(width: 32, height: 32, channels: 3, pixels: pixels, label: label))
        }
        return images
    }
}
