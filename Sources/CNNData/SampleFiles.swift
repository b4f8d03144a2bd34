import Foundation

/// The bundled `Assets/` folder on disk: the data sets' sample files (`BundledDataset`), their
/// class-name files and the shipped weights. Found next to the executable's build folder, in the
/// current folder, or in `CNN_TUI_ASSETS`. Reads on every call; `SampleCache` keeps what it read.
public struct SampleFiles: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// The first Assets folder that exists among the usual places.
    public static func locate(executable: String, environment: [String: String]) -> SampleFiles? {
        var candidates: [String] = []
        if let env = environment["CNN_TUI_ASSETS"] { candidates.append(env) }
        let exe = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for up in 0...4 {
            var dir = exe
            for _ in 0..<up { dir = dir.deletingLastPathComponent() }
            candidates.append(dir.appendingPathComponent("Assets").path)
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/Assets")
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/mnist") }.map(SampleFiles.init(root:))
    }

    /// The folder holding `dataset`'s files.
    public func folder(_ dataset: BundledDataset) -> String { root + "/" + dataset.rawValue }

    /// The folder of the shipped trained weights (`lenet5-mnist.safetensors`, ...).
    public var weightsFolder: String { root + "/weights" }

    /// Every sample of `dataset`, in file order, labelled.
    public func images(_ dataset: BundledDataset) throws -> [Image] {
        let dir = folder(dataset)
        switch dataset {
        case .mnist:
            return try MNISTFiles.load(images: dir + "/t10k-images-idx3-ubyte.gz", labels: dir + "/t10k-labels-idx1-ubyte.gz")
        case .cifar10:
            return try CIFARFiles.read(path: dir + "/test_batch.bin", variant: .cifar10)
        case .cifar100:
            return try CIFARFiles.read(path: dir + "/test.bin", variant: .cifar100)
        case .imagenet:
            // Files are named NN_CLASS.png: the class index is the number after the last underscore.
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".png") }.sorted()
            return try files.map { file in
                var image = try PNG.read(path: dir + "/" + file)
                image.label = file.split(separator: "_").last.flatMap { Int($0.split(separator: ".").first ?? "") }
                return image
            }
        }
    }

    /// The class names the data set's own files give, one per line, in label order: CIFAR-10's
    /// `batches.meta.txt`, CIFAR-100's `fine_label_names.txt`. nil for MNIST and the ImageNet
    /// photos, which ship none, and when the file cannot be read.
    public func classNames(_ dataset: BundledDataset) -> [String]? {
        let file: String
        switch dataset {
        case .cifar10: file = "/batches.meta.txt"
        case .cifar100: file = "/fine_label_names.txt"
        case .mnist, .imagenet: return nil
        }
        guard let text = try? String(contentsOfFile: folder(dataset) + file, encoding: .utf8) else { return nil }
        return text.split(whereSeparator: \.isNewline).map(String.init)
    }
}
