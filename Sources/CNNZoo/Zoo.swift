import CNNModel

/// The model zoo: every architecture cnn-tui knows, in the order the story of CNNs is told.
public enum Zoo {
    public static let all: [ZooModel] = [
        lenet5, alexnet, zfnet, nin,
        googlenet, inception_v3,
        resnet18, resnet34, resnet50, resnet101, resnet152, resnet18_cifar, plain34, se_resnet50, densenet121,
        vgg11, vgg13, vgg16, vgg19, vgg11_bn, vgg13_bn, vgg16_bn, vgg19_bn,
        nasnet_mobile, mobilenet_v2, efficientnet_b0,
        // The course's worked examples.
        simple_cnn, vgg11_course, inception_naive, inception_reduced, conv5x5, conv3x3x2, conv3x3x3, filters,
    ]

    public static func model(named name: String) -> ZooModel? {
        let key = name.lowercased()
        return all.first { $0.name == key }
    }

    /// Up to `limit` zoo names closest to `name`, for "did you mean" messages.
    public static func suggestions(for name: String, limit: Int = 3) -> [String] {
        NameSuggestions.closest(to: name, among: all.map(\.name), limit: limit)
    }
}
