import CNNData
import CNNModel
import CNNZoo
import Foundation

/// The bundled samples, read from `SampleFiles` once per data set and kept, with their class
/// names: what the feature-map screen steps through with `[` and `]`, and what
/// `run --sample DATASET:N` picks from. Shared by threads (the UI asks, a loader may too), so
/// what it keeps sits behind a lock.
public final class SampleCache: @unchecked Sendable {
    public let files: SampleFiles
    private var images: [BundledDataset: [Image]] = [:]
    private var names: [BundledDataset: [String]?] = [:]
    private let lock = NSLock()

    public init(files: SampleFiles) {
        self.files = files
    }

    /// How many samples `dataset` has (0 when its files cannot be read).
    public func count(_ dataset: BundledDataset) -> Int {
        (try? load(dataset))?.count ?? 0
    }

    /// The sample `id`, with its true class and that class's name.
    public func sample(_ id: SampleID) throws -> Sample {
        let all = try load(id.dataset)
        guard all.indices.contains(id.index) else {
            throw DataError(id.description, "\(id.dataset) has \(all.count) samples (0-\(all.count - 1))")
        }
        let image = all[id.index]
        let className = image.label.flatMap { label in classNames(id.dataset).flatMap { label < $0.count ? $0[label] : nil } }
        return Sample(image: image, id: id, className: className)
    }

    /// The class names of `dataset`'s labels: the zoo's label set when a model classifies the
    /// same classes (MNIST digits, CIFAR-10, ImageNet), else the names its files ship
    /// (CIFAR-100's fine labels). Read once.
    public func classNames(_ dataset: BundledDataset) -> [String]? {
        if let labels = dataset.labelSet { return labels.names }
        lock.lock()
        defer { lock.unlock() }
        if let cached = names[dataset] { return cached }
        let read = files.classNames(dataset)
        names[dataset] = read
        return read
    }

    private func load(_ dataset: BundledDataset) throws -> [Image] {
        lock.lock()
        defer { lock.unlock() }
        if let cached = images[dataset] { return cached }
        let all = try files.images(dataset)
        images[dataset] = all
        return all
    }
}

extension BundledDataset {
    /// The zoo's label set whose classes this data set's labels count (`mnist` -> "MNIST
    /// digits"); nil for CIFAR-100, which no zoo model classifies.
    public var labelSet: LabelSet? {
        switch self {
        case .mnist: return .digits
        case .cifar10: return .cifar10
        case .imagenet: return .imagenet
        case .cifar100: return nil
        }
    }

    /// The data set whose images suit a model's `input` best (see `suited(channels:height:width:)`).
    public static func suited(for input: TensorShape) -> BundledDataset {
        suited(channels: input.channels, height: input.height, width: input.width)
    }
}
