import CFuzzDriver
import Foundation
import FuzzTargets

/// An IDX array, plain or gzip (the reader decompresses what starts with gzip's magic), and the
/// pairing of images with labels that MNIST folders need.
/// (libFuzzer's driver also looks for it by its usual name, `LLVMFuzzerTestOneInput`.)
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    _ = FuzzTarget.idx.read(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
