import CFuzzDriver
import Foundation
import FuzzTargets

/// An ONNX file as `cnn-tui open FILE.onnx` takes it: the protobuf, the import to a graph, and
/// the analysis (shapes, parameters, mult-adds, receptive fields).
/// (libFuzzer's driver also looks for it by its usual name, `LLVMFuzzerTestOneInput`.)
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    _ = FuzzTarget.onnx.read(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
