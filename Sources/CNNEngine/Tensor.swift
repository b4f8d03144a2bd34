import CKernels
import CNNModel

/// A float32 tensor in NCHW order (batch first), owning its memory. A reference type: the
/// engine plans its buffers once per model and input size and reuses them, so they have identity.
public final class Tensor {
    /// Batch first: `[N, C, H, W]`, or `[N, F]` for flat features.
    public let shape: [Int]
    public let count: Int
    public let data: UnsafeMutablePointer<Float>
    /// The tensor whose memory this one views, kept alive by it; nil when this one owns its memory.
    private let storage: Tensor?

    public init(shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        count = shape.reduce(1, *)
        guard let memory = cnn_allocate_floats(count) else { fatalError("out of memory for a tensor of \(shape)") }
        data = memory
        data.initialize(repeating: 0, count: max(count, 1))
        storage = nil
    }

    /// A tensor of `shape` over the first elements of `storage`'s memory (the executor gives
    /// layers whose lifetimes do not overlap one buffer).
    public init(shape: [Int], sharing storage: Tensor) {
        self.shape = shape
        count = shape.reduce(1, *)
        precondition(count <= storage.count, "\(shape) does not fit in a buffer of \(storage.count)")
        data = storage.data
        self.storage = storage
    }

    public convenience init(shape: [Int], values: [Float]) {
        self.init(shape: shape)
        precondition(values.count == count, "\(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }

    /// One sample of `shape` (batch 1).
    public convenience init(_ sample: TensorShape) {
        self.init(shape: [1] + sample.dims)
    }

    deinit {
        if storage == nil { cnn_free_floats(data) }
    }

    public var values: [Float] {
        Array(UnsafeBufferPointer(start: data, count: count))
    }

    public subscript(index: Int) -> Float {
        get { data[index] }
        set { data[index] = newValue }
    }
}
