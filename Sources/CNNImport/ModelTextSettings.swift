import CNNModel

/// The `key=value` settings of one model-file layer, read into its op; a key the kind does not
/// take is an error, as is a value out of range.
struct ModelTextSettings {
    let settings: [String: String]
    let error: (String) -> ImportError
    private var used: Set<String> = []

    init(settings: [String: String], error: @escaping (String) -> ImportError) {
        self.settings = settings
        self.error = error
    }

    mutating func op(_ kind: String) throws(ImportError) -> Op {
        if let activation = ModelText.activations.first(where: { $0.0 == kind })?.1 { return .activation(activation) }
        switch kind {
        case "conv":
            return .conv2d(
                Conv2D(
                    filters: try count("filters"), kernel: try size("kernel"), stride: try size("stride", 1),
                    padding: try padding("padding"), dilation: try size("dilation", 1), groups: try count("groups", 1),
                    bias: try flag("bias", true)))
        case "dense":
            let inFeatures: Int? = settings["in"] == nil ? nil : try count("in")
            return .dense(
                Dense(
                    outFeatures: try count("units"), inFeatures: inFeatures, bias: try flag("bias", true),
                    perPosition: try flag("per_position", false)))
        case "layernorm":
            return .layerNorm(LayerNorm(epsilon: try real("eps", 1e-5)))
        case "scale": return .channelScale
        case "shift": return .channelShift
        case "affine": return .affine(scale: try real("scale", 1), shift: try real("shift", 0))
        case "subtract": return .subtract
        case "slice":
            let start = try whole("start"), end = try count("end")
            guard start < end else { throw error("slice start=\(start) end=\(end) keeps no channel") }
            return .channelSlice(start: start, end: end)
        case "shuffle": return .channelShuffle(groups: try count("groups"))
        case "batchnorm":
            return .batchNorm(BatchNorm(epsilon: try real("eps", 1e-5), momentum: try real("momentum", 0.1), affine: try flag("affine", true)))
        case "lrn":
            return .localResponseNorm(
                LocalResponseNorm(size: try count("size"), alpha: try real("alpha", 1e-4), beta: try real("beta", 0.75), k: try real("k", 1)))
        case "maxpool", "avgpool":
            let kernel = try size("pool")
            return .pool(
                Pool2D(
                    kind == "maxpool" ? .max : .average, kernel: kernel, stride: try size("stride", kernel), padding: try padding("padding"),
                    ceilMode: try flag("ceil", false), countIncludePad: try flag("count_include_pad", true)))
        case "globalavgpool": return .globalAvgPool(keepDims: try flag("keepdims", false))
        case "globalmaxpool": return .globalMaxPool(keepDims: try flag("keepdims", false))
        case "leakyrelu": return .activation(.leakyRelu(slope: try real("slope", 0.01)))
        case "adaptiveavgpool": return .adaptiveAvgPool(try size("size"))
        case "flatten": return .flatten
        case "reshape": return .reshape(try shape("shape"))
        case "dropout": return .dropout(try rate("rate"))
        case "droppath": return .stochasticDepth(try rate("rate"))
        case "concat": return .concat
        case "add": return .add
        case "multiply": return .multiply
        case "zeropad", "crop":
            guard case .explicit(let pad) = try padding("padding", required: true) else { throw error("\(kind) takes padding in pixels") }
            return kind == "zeropad" ? .zeroPad(pad) : .crop(pad)
        case "identity": return .identity
        default:
            let kinds =
                [
                    "conv", "dense", "batchnorm", "layernorm", "scale", "lrn", "maxpool", "avgpool", "globalavgpool", "globalmaxpool", "adaptiveavgpool",
                    "flatten",
                ]
                + [
                    "dropout", "droppath", "concat", "add", "multiply", "zeropad", "crop", "identity", "leakyrelu", "reshape", "shift", "affine", "subtract",
                    "slice",
                    "shuffle",
                ] + ModelText.activations.map(\.0)
            let close = NameSuggestions.closest(to: kind, among: kinds)
            throw error("unknown kind '\(kind)'" + (close.isEmpty ? "" : "; did you mean \(NameSuggestions.quotedList(close))?"))
        }
    }

    func checkAllUsed(_ kind: String) throws(ImportError) {
        if let extra = settings.keys.sorted().first(where: { !used.contains($0) }) { throw error("\(kind) takes no '\(extra)'") }
    }

    private mutating func value(_ key: String) -> String? {
        used.insert(key)
        return settings[key]
    }

    /// A positive whole number up to 2^24.
    private mutating func count(_ key: String, _ fallback: Int? = nil) throws(ImportError) -> Int {
        guard let text = value(key) else {
            if let fallback { return fallback }
            throw error("\(key)= is missing")
        }
        guard let n = Int(text), n >= 1, n <= ModelTextReader.largest else { throw error("\(key)=\(text) is not a whole number from 1 to 16,777,216") }
        return n
    }

    /// `64x1x1` (a map) or `10` (a flat vector).
    private mutating func shape(_ key: String) throws(ImportError) -> TensorShape {
        guard let text = value(key) else { throw error("\(key)= is missing") }
        let parts = text.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 1 || parts.count == 3, parts.allSatisfy({ $0.map { $0 >= 1 && $0 <= ModelTextReader.largest } ?? false }) else {
            throw error("\(key)=\(text) is not a shape like 64x1x1 or 10")
        }
        return TensorShape(parts.map { $0! })
    }

    /// A whole number from 0 to 2^24.
    private mutating func whole(_ key: String) throws(ImportError) -> Int {
        guard let text = value(key) else { throw error("\(key)= is missing") }
        guard let n = Int(text), n >= 0, n <= ModelTextReader.largest else { throw error("\(key)=\(text) is not a whole number from 0 to 16,777,216") }
        return n
    }

    /// `3` or `3x5`.
    private mutating func size(_ key: String, _ fallback: Size2? = nil) throws(ImportError) -> Size2 {
        guard let text = value(key) else {
            if let fallback { return fallback }
            throw error("\(key)= is missing")
        }
        let parts = text.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0.map { $0 >= 1 && $0 <= ModelTextReader.largest } ?? false }) else {
            throw error("\(key)=\(text) is not a size like 3 or 3x5")
        }
        return parts.count == 1 ? Size2(parts[0]!) : Size2(parts[0]!, parts[1]!)
    }

    /// `valid`, `same`, `1`, `1x2` or `t1,b2,l0,r1`.
    private mutating func padding(_ key: String, required: Bool = false) throws(ImportError) -> Padding {
        guard let text = value(key) else {
            if required { throw error("\(key)= is missing") }
            return .valid
        }
        if text == "valid" { return .valid }
        if text == "same" { return .same }
        func pixels(_ s: Substring) -> Int? { Int(s).flatMap { $0 >= 0 && $0 <= ModelTextReader.largest ? $0 : nil } }
        let sides = text.split(separator: ",")
        if sides.count == 4 {
            var pad: [Character: Int] = [:]
            for side in sides {
                guard let letter = side.first, "tblr".contains(letter), pad[letter] == nil, let n = pixels(side.dropFirst()) else { break }
                pad[letter] = n
            }
            if pad.count == 4 { return .explicit(Pad4(top: pad["t"]!, bottom: pad["b"]!, left: pad["l"]!, right: pad["r"]!)) }
        }
        let parts = text.split(separator: "x", omittingEmptySubsequences: false).map(pixels)
        if (1...2).contains(parts.count), parts.allSatisfy({ $0 != nil }) {
            return .explicit(parts.count == 1 ? Pad4(parts[0]!) : Pad4(h: parts[0]!, w: parts[1]!))
        }
        throw error("\(key)=\(text) is not valid, same, 1, 1x2 or t1,b2,l0,r1")
    }

    private mutating func flag(_ key: String, _ fallback: Bool) throws(ImportError) -> Bool {
        guard let text = value(key) else { return fallback }
        switch text {
        case "true": return true
        case "false": return false
        default: throw error("\(key)=\(text) is not true or false")
        }
    }

    private mutating func real(_ key: String, _ fallback: Double) throws(ImportError) -> Double {
        guard let text = value(key) else { return fallback }
        guard let x = Double(text), x.isFinite else { throw error("\(key)=\(text) is not a number") }
        return x
    }

    private mutating func rate(_ key: String) throws(ImportError) -> Double {
        let x = try real(key, 0.5)
        guard (0...1).contains(x) else { throw error("\(key)=\(x) is not between 0 and 1") }
        return x
    }
}
