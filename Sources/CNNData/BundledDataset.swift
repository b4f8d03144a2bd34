/// A data set whose test samples ship with cnn-tui in `Assets/` (see `SampleFiles`): the images
/// the feature-map screen steps through and `run --sample DATASET:N` picks from.
public enum BundledDataset: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Held-out MNIST test digits, 28x28 gray.
    case mnist
    /// CIFAR-10 test images, 32x32 colour, 10 classes.
    case cifar10
    /// CIFAR-100 test images, 32x32 colour, 100 fine classes.
    case cifar100
    /// Twenty ImageNet validation photos, 224x224 and up.
    case imagenet

    /// The name `DATASET:N` uses: `mnist`, `cifar10`, ...
    public var description: String { rawValue }

    /// The name people write: "MNIST", "CIFAR-10", ...
    public var displayName: String {
        switch self {
        case .mnist: return "MNIST"
        case .cifar10: return "CIFAR-10"
        case .cifar100: return "CIFAR-100"
        case .imagenet: return "ImageNet"
        }
    }

    /// Every data set's `DATASET:N` name, for messages: "mnist, cifar10, cifar100, imagenet".
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The data set called `name`; anything else is an error that lists them.
    public static func named(_ name: String) throws(DataError) -> BundledDataset {
        guard let dataset = BundledDataset(rawValue: name) else {
            throw DataError(name, "no such bundled data set; the data sets are \(names)")
        }
        return dataset
    }

    /// The data set whose images suit a `channels x height x width` input best: MNIST for one
    /// channel, CIFAR-10 for small colour inputs (up to 64 pixels a side), the ImageNet photos
    /// for large ones.
    public static func suited(channels: Int, height: Int, width: Int) -> BundledDataset {
        if channels == 1 { return .mnist }
        return max(height, width) <= 64 ? .cifar10 : .imagenet
    }
}

/// One bundled sample, written `DATASET:N` (`mnist:3`) with N counted from 0 in the data set's
/// file order.
public struct SampleID: Hashable, Sendable, CustomStringConvertible {
    public let dataset: BundledDataset
    public let index: Int

    public init(_ dataset: BundledDataset, _ index: Int) {
        self.dataset = dataset
        self.index = index
    }

    /// Reads `DATASET:N`; whether sample N exists is for the files to say.
    public init(parsing spec: String) throws(DataError) {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let dataset = BundledDataset(rawValue: String(parts[0])),
            let index = Int(parts[1]), index >= 0
        else {
            throw DataError(spec, "a sample is DATASET:N with DATASET one of \(BundledDataset.names) and N from 0")
        }
        self.init(dataset, index)
    }

    public var description: String { "\(dataset):\(index)" }
}
