import CNNData
import CNNModel
import Foundation

/// The bundled samples by data set and index, read once and kept, with their class names: what
/// the feature-map screen steps through with `[` and `]`.
public final class SampleCatalog: @unchecked Sendable {
    public let library: SampleLibrary
    private var images: [String: [Image]] = [:]
    private let lock = NSLock()

    public init(library: SampleLibrary) {
        self.library = library
    }

    public static let datasets = SampleLibrary.datasets

    /// How many samples `dataset` has (0 when its files cannot be read).
    public func count(_ dataset: String) -> Int {
        (try? load(dataset))?.count ?? 0
    }

    /// Sample `index` of `dataset`, named `dataset:index`.
    public func sample(_ dataset: String, _ index: Int) throws -> Sample {
        let all = try load(dataset)
        guard all.indices.contains(index) else { throw DataError("\(dataset):\(index)", "\(dataset) has \(all.count) samples (0-\(all.count - 1))") }
        let image = all[index]
        let names = ModelInput.classNames(dataset: dataset, library: library)
        let className = image.label.flatMap { label in names.flatMap { label < $0.count ? $0[label] : nil } }
        return Sample(image: image, name: "\(dataset):\(index)", label: image.label, className: className, dataset: dataset)
    }

    /// A `dataset:N` spec, as `run --sample` takes it.
    public func sample(_ spec: String) throws -> Sample {
        let parts = spec.split(separator: ":").map(String.init)
        guard parts.count == 2, let index = Int(parts[1]), Self.datasets.contains(parts[0]) else {
            throw DataError(spec, "a sample is DATASET:N with DATASET one of \(Self.datasets.joined(separator: ", "))")
        }
        return try sample(parts[0], index)
    }

    /// The data set whose images suit `input` best: MNIST for one channel, CIFAR-10 for small
    /// colour inputs, the ImageNet photos for large ones.
    public static func defaultDataset(for input: TensorShape) -> String {
        if input.channels == 1 { return "mnist" }
        return max(input.height, input.width) <= 64 ? "cifar10" : "imagenet"
    }

    private func load(_ dataset: String) throws -> [Image] {
        lock.lock()
        defer { lock.unlock() }
        if let cached = images[dataset] { return cached }
        let all = try library.all(dataset)
        images[dataset] = all
        return all
    }
}
