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
        ImageFitting.fit(
            image, channels: shape.channels, height: shape.height, width: shape.width,
            mean: labels?.mean ?? [0], std: labels?.std ?? [1])
    }

    /// Labelled images fitted for training; images without a label are an error.
    public static func samples(_ images: [Image], shape: TensorShape, labels: LabelSet?, file: String) throws -> LabeledSamples {
        let dims = [images.count] + shape.dims
        guard SizeLimits.allows(dims) else { throw DataError(file, "its images fitted to \(shape): " + SizeLimits.tooLarge(dims)) }
        var inputs: [Float] = []
        inputs.reserveCapacity(checkedProduct(dims) ?? 0)
        var classes: [Int] = []
        for (i, image) in images.enumerated() {
            guard let label = image.label else { throw DataError(file, "image \(i) has no label") }
            inputs += fitted(image, shape: shape, labels: labels)
            classes.append(label)
        }
        return LabeledSamples(inputs: inputs, labels: classes, sampleSize: shape.elementCount ?? 0)
    }
}
