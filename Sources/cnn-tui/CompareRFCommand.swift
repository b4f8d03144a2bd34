import ArgumentParser
import CNNModel
import CNNReport

extension CNNTUICommand {
    struct CompareRF: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compare-rf",
            abstract: "Stacked small kernels against one large kernel: one 5x5 vs two 3x3, one 7x7 vs three 3x3.")

        @Option(help: "Channels in and out of every convolution.")
        var channels: Int = 64

        @Option(help: ArgumentHelp("Input height and width, HxW or one number.", valueName: "HxW"))
        var size: String = "56x56"

        @Option(help: "Also compare a stack of this many convolutions...")
        var stack: Int?

        @Option(help: "...of this kernel size (with --stack; default 3).")
        var kernel: Int?

        @Flag(help: "Write JSON.")
        var json = false

        func spatial() throws -> Size2 {
            let parts = size.split(separator: "x").compactMap { Int($0) }
            guard (1...2).contains(parts.count), parts.allSatisfy({ $0 > 0 }),
                parts.count == size.split(separator: "x").count
            else {
                throw ValidationError("--size must be HxW with positive sizes, e.g. 56x56; got '\(size)'")
            }
            return parts.count == 1 ? Size2(parts[0]) : Size2(parts[0], parts[1])
        }

        func validate() throws {
            _ = try spatial()
            guard channels > 0 else { throw ValidationError("--channels must be positive") }
            if let stack, stack < 1 { throw ValidationError("--stack must be at least 1") }
            if let kernel, kernel <= 0 { throw ValidationError("--kernel must be positive") }
            if kernel != nil && stack == nil { throw ValidationError("--kernel sizes the --stack comparison: give --stack N too") }
        }

        func run() throws {
            let size = try spatial()
            let channels = self.channels
            var comparisons = try calculate { () throws(AnalysisError) in
                try KernelStackComparison.classic(channels: channels, size: size)
            }
            if let stack {
                let kernel = self.kernel ?? 3
                comparisons.append(
                    try calculate { () throws(AnalysisError) in
                        try KernelStackComparison(count: stack, kernel: kernel, channels: channels, size: size)
                    })
            }
            if json { return print(try JSONText.encode(KernelStackJSON(comparisons))) }
            CalculatorReport.compare(comparisons).forEach { print($0) }
        }
    }
}
