import Foundation

/// Reads an image file by its content: PNG, or PGM/PPM.
public enum ImageFiles {
    public static func read(path: String) throws -> Image {
        guard let data = FileManager.default.contents(atPath: path) else { throw DataError(path, "cannot read the file") }
        if data.count >= 8, data.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]) { return try PNG.decode(data, file: path) }
        if data.count >= 2, data[data.startIndex] == UInt8(ascii: "P") { return try PNM.decode(data, file: path) }
        throw DataError(path, "not a PNG, PGM or PPM image")
    }
}

/// The bundled samples (Assets/): `mnist:N` (held-out test digits), `cifar10:N`, `cifar100:N`,
/// `imagenet:N`, found next to the executable's build folder, in the current folder, or in
/// `CNN_TUI_ASSETS`.
public struct SampleLibrary: Sendable {
    public let root: String

    public static let datasets = ["mnist", "cifar10", "cifar100", "imagenet"]

    /// The first Assets folder that exists among the usual places.
    public static func locate(executable: String, environment: [String: String]) -> SampleLibrary? {
        var candidates: [String] = []
        if let env = environment["CNN_TUI_ASSETS"] { candidates.append(env) }
        let exe = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for up in 0...4 {
            var dir = exe
            for _ in 0..<up { dir = dir.deletingLastPathComponent() }
            candidates.append(dir.appendingPathComponent("Assets").path)
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/Assets")
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/mnist") }.map(SampleLibrary.init(root:))
    }

    public init(root: String) {
        self.root = root
    }

    /// `dataset:N`, with N counted from 0 in the data set's file order.
    public func sample(_ spec: String) throws -> (image: Image, name: String) {
        let parts = spec.split(separator: ":").map(String.init)
        guard parts.count == 2, let index = Int(parts[1]), index >= 0, Self.datasets.contains(parts[0]) else {
            throw DataError(spec, "a sample is DATASET:N with DATASET one of \(Self.datasets.joined(separator: ", "))")
        }
        let images = try all(parts[0])
        guard index < images.count else { throw DataError(spec, "\(parts[0]) has \(images.count) samples (0-\(images.count - 1))") }
        return (images[index], spec)
    }

    /// Every sample of a bundled data set, in file order, labelled.
    public func all(_ dataset: String) throws -> [Image] {
        switch dataset {
        case "mnist":
            return try MNISTFiles.load(images: root + "/mnist/t10k-images-idx3-ubyte.gz", labels: root + "/mnist/t10k-labels-idx1-ubyte.gz")
        case "cifar10":
            return try CIFARFiles.read(path: root + "/cifar10/test_batch.bin", variant: .cifar10)
        case "cifar100":
            return try CIFARFiles.read(path: root + "/cifar100/test.bin", variant: .cifar100)
        case "imagenet":
            // Files are named NN_CLASS.png: the class index is the number after the last underscore.
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: root + "/imagenet")) ?? []).filter { $0.hasSuffix(".png") }.sorted()
            return try files.map { file in
                var image = try PNG.read(path: root + "/imagenet/" + file)
                image.label = file.split(separator: "_").last.flatMap { Int($0.split(separator: ".").first ?? "") }
                return image
            }
        default:
            throw DataError(dataset, "no such bundled data set; the data sets are \(Self.datasets.joined(separator: ", "))")
        }
    }
}
