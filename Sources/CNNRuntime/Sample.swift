import CNNData
import CNNZoo

/// An image to run, with what is known about it.
public struct Sample: Sendable {
    public let image: Image
    /// `mnist:0`, or a file's path.
    public let name: String
    /// The bundled sample it is, nil for a file.
    public let id: SampleID?
    /// The true class and its name, when the data set says.
    public let label: Int?
    public let className: String?

    /// An image from a file (or made up), named `name`.
    public init(image: Image, name: String, label: Int? = nil, className: String? = nil) {
        self.image = image
        self.name = name
        self.id = nil
        self.label = label
        self.className = className
    }

    /// A bundled sample; its label is the image's.
    public init(image: Image, id: SampleID, className: String?) {
        self.image = image
        self.name = id.description
        self.id = id
        self.label = image.label
        self.className = className
    }

    /// The bundled data set it comes from, nil for a file.
    public var dataset: BundledDataset? { id?.dataset }

    /// The true class when it counts the same classes as `labels` (an MNIST digit for LeNet-5),
    /// nil when there is none to compare with: a CIFAR-10 "ship" is class 8, not the digit 8.
    public func label(in labels: LabelSet?) -> Int? {
        guard let label, let labels, dataset?.labelSet?.name == labels.name else { return nil }
        return label
    }
}
