/// Turns an image into a model's input: resized (bilinear, as PIL and torchvision resize), made
/// gray or RGB as the model expects, scaled to 0...1 and normalized with the data set's mean and
/// standard deviation. The result is `C x H x W` floats, what the engine takes.
public enum ImageFitting {
    /// - Parameters:
    ///   - mean, std: per channel (one value is used for every channel)
    public static func fit(
        _ image: Image, channels: Int, height: Int, width: Int, mean: [Float], std: [Float]
    ) -> [Float] {
        var out = [Float](repeating: 0, count: channels * height * width)
        let sy = Float(image.height) / Float(height), sx = Float(image.width) / Float(width)
        for y in 0..<height {
            // Sample at pixel centres (align_corners = false), clamped at the borders.
            let fy = max(0, min(Float(image.height - 1), (Float(y) + 0.5) * sy - 0.5))
            let y0 = Int(fy), y1 = min(y0 + 1, image.height - 1), wy = fy - Float(y0)
            for x in 0..<width {
                let fx = max(0, min(Float(image.width - 1), (Float(x) + 0.5) * sx - 0.5))
                let x0 = Int(fx), x1 = min(x0 + 1, image.width - 1), wx = fx - Float(x0)
                var rgb: [Float] = [0, 0, 0]
                for c in 0..<image.channels {
                    let top = Float(image[x0, y0, c]) * (1 - wx) + Float(image[x1, y0, c]) * wx
                    let bottom = Float(image[x0, y1, c]) * (1 - wx) + Float(image[x1, y1, c]) * wx
                    rgb[c] = (top * (1 - wy) + bottom * wy) / 255
                }
                let values: [Float]
                switch (image.channels, channels) {
                case (1, 1): values = [rgb[0]]
                case (1, _): values = Array(repeating: rgb[0], count: channels)
                case (_, 1): values = [0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]]  // ITU-R 601 luma
                default: values = Array(rgb.prefix(channels))
                }
                for c in 0..<channels {
                    let m = mean[min(c, mean.count - 1)], s = std[min(c, std.count - 1)]
                    out[(c * height + y) * width + x] = (values[c] - m) / s
                }
            }
        }
        return out
    }
}
