/// xterm's 256-colour palette as RGB: the one table the picture's colour matching and the
/// terminal's fallback to 8 or 16 colours both read.
public enum Palette {
    /// The 16 ANSI colours as xterm shows them.
    public static let ansi: [(red: Int, green: Int, blue: Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// The channel values of the 6x6x6 cube's steps (colours 16-231).
    public static let cubeLevels = [0, 95, 135, 175, 215, 255]

    /// The channel value of grey `level` (0...23) of the ramp (colours 232-255).
    public static func greyLevel(_ level: Int) -> Int { 8 + 10 * level }

    /// The RGB value of colour `index` (0...255).
    public static func rgb(_ index: UInt8) -> (red: Int, green: Int, blue: Int) {
        let index = Int(index)
        if index < 16 { return ansi[index] }
        if index >= 232 {
            let v = greyLevel(index - 232)
            return (v, v, v)
        }
        let i = index - 16
        return (cubeLevels[i / 36], cubeLevels[(i / 6) % 6], cubeLevels[i % 6])
    }

    /// The closest of the cube (16-231) and the grey ramp (232-255) to an RGB colour, by squared
    /// distance; the cube wins a tie. (The 16 ANSI colours are left out: terminals change them.)
    public static func nearest(red: UInt8, green: UInt8, blue: UInt8) -> Color {
        let rgb = [Int(red), Int(green), Int(blue)]
        let steps = rgb.map { v in (0..<6).min { abs(cubeLevels[$0] - v) < abs(cubeLevels[$1] - v) }! }
        let cubeDistance = zip(rgb, steps).reduce(0) { $0 + ($1.0 - cubeLevels[$1.1]) * ($1.0 - cubeLevels[$1.1]) }
        let mean = Double(rgb.reduce(0, +)) / 3
        let grey = min(max(Int(((mean - 8) / 10).rounded()), 0), 23)
        let level = greyLevel(grey)
        let greyDistance = rgb.reduce(0) { $0 + ($1 - level) * ($1 - level) }
        return greyDistance < cubeDistance ? Color.grey(grey) : Color.cube(steps[0], steps[1], steps[2])
    }

    /// The closest of the first `basic` (8 or 16) ANSI colours to colour `index`, for terminals
    /// without 256 colours; a bright ANSI colour on an 8-colour terminal becomes its dim one.
    public static func nearestBasic(_ index: UInt8, basic: Int) -> Int {
        let index = Int(index)
        if index < basic { return index }
        if index < 16 { return index - 8 }
        let c = rgb(UInt8(index))
        var best = 0
        var bestDistance = Int.max
        for (i, p) in ansi.prefix(basic).enumerated() {
            let d = (p.red - c.red) * (p.red - c.red) + (p.green - c.green) * (p.green - c.green) + (p.blue - c.blue) * (p.blue - c.blue)
            if d < bestDistance { (best, bestDistance) = (i, d) }
        }
        return best
    }
}
