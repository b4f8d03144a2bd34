import CFuzzDriver
import Foundation
import FuzzTargets

/// A model file written by hand (`.cnn`) as `cnn-tui open FILE.cnn` takes it: the text, the
/// graph, and the analysis.
/// (libFuzzer's driver also looks for it by its usual name, `LLVMFuzzerTestOneInput`.)
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    _ = FuzzTarget.modeltext.read(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
