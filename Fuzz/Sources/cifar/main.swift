import CFuzzDriver
import Foundation
import FuzzTargets

/// CIFAR binary batches, read as CIFAR-10 and as CIFAR-100.
/// (libFuzzer's driver also looks for it by its usual name, `LLVMFuzzerTestOneInput`.)
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    _ = FuzzTarget.cifar.read(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
