/// Turns an image into a model's input: placed (centred or resized), made gray or RGB as the
/// model expects, scaled to 0...1 and normalized with the data set's mean and standard deviation.
/// The result is `C x H x W` floats, what the engine takes.
public enum ImageFitting {
    /// Where the image goes in the input.
    public enum Placement: Hashable, Sendable {
        /// Centred on a black field, pixels unchanged: LeNet-5's paper put its 28x28 MNIST digits
        /// in a 32x32 field this way, so the strokes keep their width and C1's 5x5 windows see
        /// the digit's edges whole.
        case centered(top: Int, left: Int)
        /// Resized with bilinear interpolation, as PIL and torchvision's `Resize` do.
        case resized
    }

    /// An image a little smaller than the input (by at most a quarter each way) is centred;
    /// any other is resized.
    public static func placement(width: Int, height: Int, inputWidth: Int, inputHeight: Int) -> Placement {
        let fits = width <= inputWidth && height <= inputHeight
        let close = 4 * width >= 3 * inputWidth && 4 * height >= 3 * inputHeight
        return fits && close ? .centered(top: (inputHeight - height) / 2, left: (inputWidth - width) / 2) : .resized
    }

    /// What fitting does to an image, in words: "as is", "centred" or "resized from 500x375"
    /// ("resized" without `sourceSize`), and "made gray" / "made RGB" when the channels change.
    public static func describe(
        width: Int, height: Int, channels: Int, inputChannels: Int, inputWidth: Int, inputHeight: Int, sourceSize: Bool = true
    ) -> String {
        var steps: [String]
        switch placement(width: width, height: height, inputWidth: inputWidth, inputHeight: inputHeight) {
        case .centered(top: 0, left: 0): steps = ["as is"]
        case .centered: steps = ["centred"]
        case .resized: steps = [sourceSize ? "resized from \(width)x\(height)" : "resized"]
        }
        if channels != 1 && inputChannels == 1 { steps.append("made gray") }
        if channels == 1 && inputChannels == 3 { steps.append("made RGB") }
        return steps.joined(separator: ", ")
    }

    /// - Parameters:
    ///   - mean, std: per channel (one value is used for every channel)
    public static func fit(
        _ image: Image, channels: Int, height: Int, width: Int, mean: [Float], std: [Float]
    ) -> [Float] {
        var out = [Float](repeating: 0, count: channels * height * width)
        let placement = placement(width: image.width, height: image.height, inputWidth: width, inputHeight: height)
        let sy = Float(image.height) / Float(height), sx = Float(image.width) / Float(width)
        var rgb: [Float] = [0, 0, 0]
        for y in 0..<height {
            // Sample at pixel centres (align_corners = false), clamped at the borders.
            let fy = max(0, min(Float(image.height - 1), (Float(y) + 0.5) * sy - 0.5))
            let y0 = Int(fy), y1 = min(y0 + 1, image.height - 1), wy = fy - Float(y0)
            for x in 0..<width {
                switch placement {
                case .centered(let top, let left):
                    let (iy, ix) = (y - top, x - left)
                    let inside = iy >= 0 && iy < image.height && ix >= 0 && ix < image.width
                    for c in 0..<image.channels { rgb[c] = inside ? Float(image[ix, iy, c]) / 255 : 0 }
                case .resized:
                    let fx = max(0, min(Float(image.width - 1), (Float(x) + 0.5) * sx - 0.5))
                    let x0 = Int(fx), x1 = min(x0 + 1, image.width - 1), wx = fx - Float(x0)
                    for c in 0..<image.channels {
                        let top = Float(image[x0, y0, c]) * (1 - wx) + Float(image[x1, y0, c]) * wx
                        let bottom = Float(image[x0, y1, c]) * (1 - wx) + Float(image[x1, y1, c]) * wx
                        rgb[c] = (top * (1 - wy) + bottom * wy) / 255
                    }
                }
                for c in 0..<channels {
                    let value: Float
                    switch (image.channels, channels) {
                    case (1, _): value = rgb[0]
                    case (_, 1): value = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]  // ITU-R 601 luma
                    default: value = rgb[min(c, 2)]
                    }
                    let m = mean[min(c, mean.count - 1)], s = std[min(c, std.count - 1)]
                    out[(c * height + y) * width + x] = (value - m) / s
                }
            }
        }
        return out
    }

    /// The inverse of `fit`'s placement: the pixel of a `width` x `height` image that lands on
    /// input pixel (x, y) (pixel centres at whole numbers; a fraction is rounded), or nil where a
    /// centred image leaves the black border. For a resized image it is the source pixel nearest
    /// the point `fit` interpolates around (pixel centres, align_corners = false), clamped to the
    /// image, so the screens that draw over the image as fed point at what the model saw.
    public static func sourcePixel(
        x: Double, y: Double, width: Int, height: Int, inputWidth: Int, inputHeight: Int
    ) -> (x: Int, y: Int)? {
        switch placement(width: width, height: height, inputWidth: inputWidth, inputHeight: inputHeight) {
        case .centered(let top, let left):
            let (sx, sy) = (Int(x.rounded()) - left, Int(y.rounded()) - top)
            return sx >= 0 && sx < width && sy >= 0 && sy < height ? (sx, sy) : nil
        case .resized:
            func source(_ v: Double, _ size: Int, _ inputSize: Int) -> Int {
                let f = (v + 0.5) * Double(size) / Double(inputSize) - 0.5
                return min(max(Int(f.rounded()), 0), size - 1)
            }
            return (source(x, width, inputWidth), source(y, height, inputHeight))
        }
    }
}
