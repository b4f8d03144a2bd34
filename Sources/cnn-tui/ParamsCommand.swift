import ArgumentParser
import CNNModel
import CNNReport
import Foundation

extension CNNTUICommand {
    struct Params: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count one layer's parameters and mult-adds by hand: output shape, formula, totals.",
            subcommands: [Conv.self, DenseLayer.self, Separable.self])
    }
}

/// The options of a convolution shared by `params conv` and `params depthwise-separable`.
struct ConvOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Input size as CxHxW.", valueName: "CxHxW"))
    var input: String

    @Option(help: ArgumentHelp("Kernel size: K or KHxKW.", valueName: "K"))
    var kernel: String

    // Read whatever follows, so that `--filters -1` is a bad number, not a missing value.
    @Option(parsing: .unconditional, help: "Number of filters (output channels).")
    var filters: Int

    @Option(help: ArgumentHelp("Stride: S or SHxSW.", valueName: "S"))
    var stride: String = "1"

    @Option(help: ArgumentHelp("Padding: P, PHxPW, same or valid.", valueName: "P"))
    var padding: String = "0"

    @Option(help: ArgumentHelp("Dilation: D or DHxDW.", valueName: "D"))
    var dilation: String = "1"

    @Flag(help: "No bias term.")
    var noBias = false

    @Flag(help: "Write JSON.")
    var json = false

    func shape() throws -> TensorShape {
        guard let shape = TensorShape(parsing: input) else {
            throw ValidationError("--input must be CxHxW with positive sizes, e.g. 3x32x32; got '\(input)'")
        }
        return shape
    }

    func pair(_ text: String, _ name: String, allowZero: Bool = false) throws -> Size2 {
        let parts = text.split(separator: "x").map { Int($0) }
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0 != nil && ($0! > 0 || (allowZero && $0! == 0)) }) else {
            throw ValidationError("--\(name) must be a \(allowZero ? "non-negative" : "positive") number N or NxM; got '\(text)'")
        }
        return parts.count == 1 ? Size2(parts[0]!) : Size2(parts[0]!, parts[1]!)
    }

    func paddingValue() throws -> Padding {
        switch padding.lowercased() {
        case "same": return .same
        case "valid": return .valid
        default:
            let p = try pair(padding, "padding", allowZero: true)
            return .explicit(Pad4(h: p.h, w: p.w))
        }
    }

    func validate() throws {
        _ = try shape()
        _ = try pair(kernel, "kernel")
        _ = try pair(stride, "stride")
        _ = try pair(dilation, "dilation")
        _ = try paddingValue()
        guard filters > 0 else { throw ValidationError("--filters must be a positive number; got \(filters)") }
    }
}

/// Runs a calculator; its shape error says the layer is impossible.
func calculate<T>(_ body: () throws(AnalysisError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw ImpossibleLayerError(reason: error)
    }
}

/// A layer the calculator cannot build, in one line: `impossible layer: the kernel ...`.
struct ImpossibleLayerError: Error, CustomStringConvertible, LocalizedError {
    let reason: AnalysisError
    var description: String { "impossible layer: \(reason.reason)" }
    var errorDescription: String? { description }
}

extension CNNTUICommand.Params {
    struct Conv: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A 2-D convolution. Example: --input 3x32x32 --kernel 5 --filters 4  (4x28x28, 5*5*3*4 + 4 = 304).")

        @OptionGroup var options: ConvOptions

        @Option(help: "Groups (the input channels for a depthwise convolution).")
        var groups: Int = 1

        func validate() throws {
            guard groups > 0 else { throw ValidationError("--groups must be positive") }
        }

        func run() throws {
            let o = options
            let conv = Conv2D(
                filters: o.filters, kernel: try o.pair(o.kernel, "kernel"), stride: try o.pair(o.stride, "stride"),
                padding: try o.paddingValue(), dilation: try o.pair(o.dilation, "dilation"), groups: groups, bias: !o.noBias)
            let input = try o.shape()
            let result = try calculate { () throws(AnalysisError) in try Calculator.layer(.conv2d(conv), input: input) }
            if o.json { return print(try JSONText.encode(CalculatorJSON(result))) }
            CalculatorReport.layer(result, name: "Convolution").forEach { print($0) }
        }
    }

    struct DenseLayer: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dense",
            abstract: "A dense (fully connected) layer. Example: --input 512x7x7 --units 4096  (102,764,544 params).")

        @Option(help: ArgumentHelp("Input features N, or a CxHxW map to flatten.", valueName: "N|CxHxW"))
        var input: String

        @Option(help: "Output features.")
        var units: Int

        @Flag(help: "No bias term.")
        var noBias = false

        @Flag(help: "Write JSON.")
        var json = false

        func features() throws -> Int {
            if let n = Int(input), n > 0 { return n }
            if let shape = TensorShape(parsing: input), let n = shape.elementCount { return n }
            throw ValidationError("--input must be a positive N or CxHxW; got '\(input)'")
        }

        func validate() throws {
            _ = try features()
            guard units > 0 else { throw ValidationError("--units must be positive") }
        }

        func run() throws {
            let input = TensorShape(features: try features())
            let dense = Dense(outFeatures: units, bias: !noBias)
            let result = try calculate { () throws(AnalysisError) in try Calculator.layer(.dense(dense), input: input) }
            if json { return print(try JSONText.encode(CalculatorJSON(result))) }
            CalculatorReport.layer(result, name: "Dense").forEach { print($0) }
        }
    }

    struct Separable: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "depthwise-separable",
            abstract: "A depthwise k x k conv then a pointwise 1x1 conv, against the standard k x k conv.")

        @OptionGroup var options: ConvOptions

        func run() throws {
            let o = options
            let input = try o.shape()
            let (kernel, stride, padding, dilation) = (
                try o.pair(o.kernel, "kernel"), try o.pair(o.stride, "stride"), try o.paddingValue(),
                try o.pair(o.dilation, "dilation")
            )
            let result = try calculate { () throws(AnalysisError) in
                try Calculator.depthwiseSeparable(
                    input: input, kernel: kernel, filters: o.filters, stride: stride, padding: padding,
                    dilation: dilation, bias: !o.noBias)
            }
            if o.json { return print(try JSONText.encode(SeparableJSON(result))) }
            CalculatorReport.separable(result).forEach { print($0) }
        }
    }
}
