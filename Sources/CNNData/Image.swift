/// An 8-bit image, rows top to bottom, channels interleaved (`HxWxC`, as files store them).
public struct Image: Hashable, Sendable {
    public let width: Int
    public let height: Int
    /// 1 (gray) or 3 (RGB).
    public let channels: Int
    public let pixels: [UInt8]
    /// The class index, for samples of a labelled data set.
    public var label: Int?

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8], label: Int? = nil) {
        precondition(pixels.count == width * height * channels, "\(pixels.count) bytes for \(width)x\(height)x\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
        self.label = label
    }

    /// The most pixels an image file may have: Pillow's limit against decompression bombs
    /// (twice its warning threshold), about 13,377 x 13,377. Larger files are refused before
    /// their pixels are read.
    public static let maxPixels = 178_956_970

    /// Why an image of `width` x `height` is refused.
    public static func tooLarge(width: Int, height: Int) -> String {
        var digits = String(maxPixels), grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        return "\(width)x\(height) is more than \(digits + grouped) pixels (cnn-tui's limit for an image, as Pillow's)"
    }

    public subscript(x: Int, y: Int, channel: Int) -> UInt8 {
        pixels[(y * width + x) * channels + channel]
    }
}
