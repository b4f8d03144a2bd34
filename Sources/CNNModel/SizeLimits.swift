/// The largest tensor cnn-tui reads from a file or allocates: a file that asks for more is
/// refused, with a message naming the limit, before anything is allocated.
public enum SizeLimits {
    /// Elements of one tensor (weights, an input, one layer's output for a batch): 2^31,
    /// 8 GiB as float32. VGG-16's largest weight has 102,760,448.
    public static let tensorElements = 1 << 31

    /// Whether a tensor of `dims` is within the limit (and its size computable at all).
    public static func allows(_ dims: [Int]) -> Bool {
        guard dims.allSatisfy({ $0 >= 0 }), let n = checkedProduct(dims) else { return false }
        return n <= tensorElements
    }

    /// What is wrong with a tensor of `dims`, in words: "shape [2^40, 2^40] has more than
    /// 2,147,483,648 elements (cnn-tui's limit for one tensor, 8 GiB of float32)".
    public static func tooLarge(_ dims: [Int]) -> String {
        "shape \(dims) has more than \(tensorElements.grouped) elements (cnn-tui's limit for one tensor, 8 GiB of float32)"
    }
}
