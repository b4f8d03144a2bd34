/// The class names a classifier's outputs stand for.
/// With the per-channel mean and standard deviation of the data set's pixels (on a 0...1 scale),
/// which inputs are normalized with, as torchvision's transforms do.
public struct LabelSet: Sendable {
    public let name: String
    public let names: [String]
    public let mean: [Float]
    public let std: [Float]

    public init(name: String, names: [String], mean: [Float], std: [Float]) {
        self.name = name
        self.names = names
        self.mean = mean
        self.std = std
    }

    /// MNIST's ten digits (mean 0.1307, std 0.3081, the values the PyTorch examples use).
    public static let digits = LabelSet(name: "MNIST digits", names: (0...9).map(String.init), mean: [0.1307], std: [0.3081])

    /// CIFAR-10's classes, in the data set's label order (Krizhevsky, 2009).
    public static let cifar10 = LabelSet(
        name: "CIFAR-10",
        names: [
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
        ], mean: [0.4914, 0.4822, 0.4465], std: [0.2470, 0.2435, 0.2616])
}
