import CFuzzDriver
import Foundation
import FuzzTargets

/// A Keras architecture (`model.to_json()`, the `config.json` of a `.keras` archive) as
/// `cnn-tui open FILE.json` takes it: the JSON, the import to a graph, and the analysis.
/// (libFuzzer's driver also looks for it by its usual name, `LLVMFuzzerTestOneInput`.)
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    _ = FuzzTarget.keras.read(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
