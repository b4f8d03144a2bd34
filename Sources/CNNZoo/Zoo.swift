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

    /// Up to `limit` zoo names closest to `name` (edit distance), for "did you mean" messages.
    public static func suggestions(for name: String, limit: Int = 3) -> [String] {
        let key = name.lowercased()
        // A name the user typed part of (`lenet` for lenet5) beats any spelling that is merely close.
        let names = all.map(\.name)
        for matching in [names.filter { $0.hasPrefix(key) }, key.count >= 3 ? names.filter { $0.contains(key) } : []] where !matching.isEmpty {
            return Array(matching.sorted().prefix(limit))
        }
        let scored = all.map { model -> (String, Int) in
            let distance = editDistance(key, model.name)
            let bonus = model.name.hasPrefix(key) || key.hasPrefix(model.name) ? -2 : 0
            return (model.name, distance + bonus)
        }
        let cutoff = max(3, key.count / 2)
        return scored.filter { $0.1 <= cutoff }.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
            .prefix(limit).map(\.0)
    }
}

/// Levenshtein distance between two strings.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = Array(repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
