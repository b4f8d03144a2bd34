import CNNData
import Foundation

/// A small MNIST-format folder for training tests: the first `train` and `test` bundled digits,
/// written as plain IDX files into a new temporary folder (the caller removes it).
public func makeTinyMNIST(train: Int, test: Int, name: String) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(getpid())-\(train)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let assets = Repository.assets.appendingPathComponent("mnist").path
    for (split, count) in [("train", train), ("t10k", test)] {
        let images = try IDXArray.read(path: "\(assets)/\(split)-images-idx3-ubyte.gz")
        let labels = try IDXArray.read(path: "\(assets)/\(split)-labels-idx1-ubyte.gz")
        try IDXArray(dims: [count, 28, 28], bytes: Array(images.bytes.prefix(count * 784))).encoded()
            .write(to: URL(fileURLWithPath: "\(folder)/\(split)-images-idx3-ubyte"))
        try IDXArray(dims: [count], bytes: Array(labels.bytes.prefix(count))).encoded()
            .write(to: URL(fileURLWithPath: "\(folder)/\(split)-labels-idx1-ubyte"))
    }
    return folder
}
