import CNNData
import CNNEngine
import CNNModel
import CNNZoo
import Foundation

/// Images made into a model's input, normalized with the data set the model was made for.
public enum ModelInput {
    /// One image as a `[1, C, H, W]` tensor for the engine (see `ImageFitting` for placement).
    public static func tensor(_ image: Image, shape: TensorShape, labels: LabelSet?) -> Tensor {
        Tensor(shape: [1] + shape.dims, values: fitted(image, shape: shape, labels: labels))
    }

    /// `C·H·W` floats: resized or centred, gray or RGB, normalized with the label set's mean and
    /// standard deviation (0...1 when the model has none).
    public static func fitted(_ image: Image, shape: TensorShape, labels: LabelSet?) -> [Float] {
        ImageFitting.fit(image, channels: shape.channels, height: shape.height, width: shape.width,
                         mean: labels?.mean ?? [0], std: labels?.std ?? [1])
    }

    /// Labelled images fitted for training; images without a label are an error.
    public static func samples(_ images: [Image], shape: TensorShape, labels: LabelSet?, file: String) throws -> LabeledSamples {
        var inputs: [Float] = []
        inputs.reserveCapacity(images.count * (shape.elementCount ?? 0))
        var classes: [Int] = []
        for (i, image) in images.enumerated() {
            guard let label = image.label else { throw DataError(file, "image \(i) has no label") }
            inputs += fitted(image, shape: shape, labels: labels)
            classes.append(label)
        }
        return LabeledSamples(inputs: inputs, labels: classes, sampleSize: shape.elementCount ?? 0)
    }

    /// The name of the zoo's label set whose classes a bundled data set's labels count
    /// (`mnist` -> "MNIST digits"); nil for CIFAR-100, which no zoo model classifies.
    public static func labelSetName(dataset: String) -> String? {
        switch dataset {
        case "mnist": return LabelSet.digits.name
        case "cifar10": return LabelSet.cifar10.name
        case "imagenet": return LabelSet.imagenet.name
        default: return nil
        }
    }

    /// The class names of a bundled sample data set (`mnist`, `cifar10`, `cifar100`, `imagenet`);
    /// CIFAR-100's come from the library's `fine_label_names.txt`.
    public static func classNames(dataset: String, library: SampleLibrary?) -> [String]? {
        switch dataset {
        case "mnist": return LabelSet.digits.names
        case "cifar10": return LabelSet.cifar10.names
        case "cifar100":
            guard let library, let text = try? String(contentsOfFile: library.root + "/cifar100/fine_label_names.txt", encoding: .utf8)
            else { return nil }
            return text.split(whereSeparator: \.isNewline).map(String.init)
        case "imagenet": return LabelSet.imagenet.names
        default: return nil
        }
    }
}
