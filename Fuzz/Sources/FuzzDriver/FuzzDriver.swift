import CFuzzDriver
import Foundation
import FuzzTargets

/// The reader this binary fuzzes, set once by `fuzz(_:)` before libFuzzer starts.
nonisolated(unsafe) private var current: FuzzTarget = .safetensors

/// libFuzzer's entry, under the name its driver looks for: one input, through the reader.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    _ = current.read(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}

/// Runs libFuzzer over `target` with the command line's flags and corpus folders; never returns.
public func fuzz(_ target: FuzzTarget) -> Never {
    current = target
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
}
