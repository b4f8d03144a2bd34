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

    public subscript(x: Int, y: Int, channel: Int) -> UInt8 {
        pixels[(y * width + x) * channels + channel]
    }
}
