/// The class names a classifier's outputs stand for.
public struct LabelSet: Sendable {
    public let name: String
    public let names: [String]

    public init(name: String, names: [String]) {
        self.name = name
        self.names = names
    }

    /// MNIST's ten digits.
    public static let digits = LabelSet(name: "MNIST digits", names: (0...9).map(String.init))

    /// CIFAR-10's classes, in the data set's label order (Krizhevsky, 2009).
    public static let cifar10 = LabelSet(name: "CIFAR-10", names: [
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
    ])
}
