import Foundation

/// A folder holding a classic data set in its official files, split into training and test
/// images: MNIST or Fashion-MNIST (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
/// `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each plain or `.gz`), CIFAR-10
/// (`data_batch_1.bin` ... `data_batch_5.bin`, `test_batch.bin`) or CIFAR-100 (`train.bin`,
/// `test.bin`). The bundled `Assets/mnist` is such a folder (4,000 + 1,000 digits).
public struct DatasetFolder: Sendable {
    public enum Format: String, Sendable {
        case idx = "IDX (MNIST format)"
        case cifar10 = "CIFAR-10"
        case cifar100 = "CIFAR-100"
    }

    public let path: String
    public let format: Format
    public let train: [Image]
    public let test: [Image]

    /// Reads the folder, recognizing its format by the file names.
    public static func load(_ path: String) throws -> DatasetFolder {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataError(path, "no such folder")
        }
        func file(_ names: String...) -> String? {
            for name in names {
                for candidate in [name, name + ".gz"] where FileManager.default.fileExists(atPath: path + "/" + candidate) {
                    return path + "/" + candidate
                }
            }
            return nil
        }
        if let trainImages = file("train-images-idx3-ubyte", "train-images.idx3-ubyte") {
            guard let trainLabels = file("train-labels-idx1-ubyte", "train-labels.idx1-ubyte"),
                let testImages = file("t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte"),
                let testLabels = file("t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte")
            else { throw DataError(path, "an MNIST-format folder needs train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte too") }
            return DatasetFolder(
                path: path, format: .idx,
                train: try MNISTFiles.load(images: trainImages, labels: trainLabels),
                test: try MNISTFiles.load(images: testImages, labels: testLabels))
        }
        if let first = file("data_batch_1.bin") {
            guard let test = file("test_batch.bin") else { throw DataError(path, "a CIFAR-10 folder needs test_batch.bin too") }
            var train = try CIFARFiles.read(path: first, variant: .cifar10)
            for n in 2...5 {
                if let batch = file("data_batch_\(n).bin") { train += try CIFARFiles.read(path: batch, variant: .cifar10) }
            }
            return DatasetFolder(path: path, format: .cifar10, train: train, test: try CIFARFiles.read(path: test, variant: .cifar10))
        }
        if let train = file("train.bin") {
            guard let test = file("test.bin") else { throw DataError(path, "a CIFAR-100 folder needs test.bin too") }
            return DatasetFolder(
                path: path, format: .cifar100, train: try CIFARFiles.read(path: train, variant: .cifar100),
                test: try CIFARFiles.read(path: test, variant: .cifar100))
        }
        throw DataError(path, "no MNIST (train-images-idx3-ubyte), CIFAR-10 (data_batch_1.bin) or CIFAR-100 (train.bin) files here")
    }
}
