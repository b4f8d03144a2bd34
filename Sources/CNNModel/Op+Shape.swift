/// Shape inference: what each op makes of its input shapes, and why it cannot.
extension Op {
    /// The output shape for `inputs`, for a reader that builds a graph layer by layer and needs
    /// each shape as it goes (an imported file's reshapes and constants depend on them); the
    /// error names no layer (`AnalysisError.layer` is nil) for the caller to name its own.
    public func outputShape(_ inputs: [TensorShape]) throws(AnalysisError) -> TensorShape {
        let shape: TensorShape
        do throws(ShapeReason) {
            shape = try inferShape(inputs).0
        } catch {
            throw AnalysisError(layer: nil, op: summary, reason: error.text)
        }
        guard shape.elementCount != nil else { throw AnalysisError(layer: nil, op: summary, reason: ShapeReason.overflow.text) }
        return shape
    }

    /// The output shape for `inputs`, and the padding resolved for them (for ops that pad).
    /// Throws a reason (without the layer name, which the caller adds).
    func inferShape(_ inputs: [TensorShape]) throws(ShapeReason) -> (TensorShape, Pad4?) {
        switch self {
        case .input:
            throw ShapeReason("an input layer cannot read other layers")
        case .conv2d(let c):
            let x = try spatialInput(inputs, "a convolution")
            guard x.channels % c.groups == 0, c.filters % c.groups == 0 else {
                throw ShapeReason("\(x.channels) input channels and \(c.filters) filters must both divide into \(c.groups) groups")
            }
            let pad = c.padding.resolve(input: x.spatial, span: c.span, stride: c.stride)
            let h = try windowCount(x.height, pad.top + pad.bottom, c.span.h, c.stride.h, ceil: false, padStart: pad.top, what: "kernel", x: x)
            let w = try windowCount(x.width, pad.left + pad.right, c.span.w, c.stride.w, ceil: false, padStart: pad.left, what: "kernel", x: x)
            return (TensorShape(channels: c.filters, height: h, width: w), pad)
        case .pool(let p):
            let x = try spatialInput(inputs, "pooling")
            let pad = p.padding.resolve(input: x.spatial, span: p.kernel, stride: p.stride)
            let h = try windowCount(x.height, pad.top + pad.bottom, p.kernel.h, p.stride.h, ceil: p.ceilMode, padStart: pad.top, what: "pooling window", x: x)
            let w = try windowCount(x.width, pad.left + pad.right, p.kernel.w, p.stride.w, ceil: p.ceilMode, padStart: pad.left, what: "pooling window", x: x)
            return (TensorShape(channels: x.channels, height: h, width: w), pad)
        case .globalAvgPool(let keepDims), .globalMaxPool(let keepDims):
            let x = try spatialInput(inputs, "global pooling")
            return (keepDims ? TensorShape(channels: x.channels, height: 1, width: 1) : TensorShape(features: x.channels), nil)
        case .adaptiveAvgPool(let size):
            let x = try spatialInput(inputs, "adaptive pooling")
            guard size.h > 0, size.w > 0 else { throw ShapeReason("output size must be positive") }
            return (TensorShape(channels: x.channels, height: size.h, width: size.w), nil)
        case .reshape(let shape):
            let x = try single(inputs)
            guard let n = x.elementCount, let m = shape.elementCount else { throw ShapeReason.overflow }
            guard n == m else { throw ShapeReason("cannot view the \(n.grouped) values of \(x) as \(shape) (\(m.grouped) values)") }
            return (shape, nil)
        case .flatten:
            let x = try single(inputs)
            guard let n = x.elementCount else { throw ShapeReason.overflow }
            return (TensorShape(features: n), nil)
        case .dense(let d):
            let x = try single(inputs)
            guard !x.isSpatial || d.perPosition else {
                throw ShapeReason("a dense layer needs a flat input, got \(x); flatten or pool first")
            }
            if let expected = d.inFeatures, expected != x.channels {
                throw ShapeReason("declared for \(expected.grouped) input features, got \(x.channels.grouped)")
            }
            if x.isSpatial { return (TensorShape(channels: d.outFeatures, height: x.height, width: x.width), nil) }
            return (TensorShape(features: d.outFeatures), nil)
        case .batchNorm, .localResponseNorm, .layerNorm, .channelScale, .channelShift, .affine, .activation, .dropout, .stochasticDepth,
            .identity:
            return (try single(inputs), nil)
        case .channelSlice(let start, let end):
            let x = try single(inputs)
            guard start >= 0, start < end, end <= x.channels else {
                throw ShapeReason("channels \(start)..<\(end) are not inside the \(x.channels) channels of \(x)")
            }
            var dims = x.dims
            dims[0] = end - start
            return (TensorShape(dims), nil)
        case .channelShuffle(let groups):
            let x = try single(inputs)
            guard groups >= 1, x.channels % groups == 0 else {
                throw ShapeReason("\(x.channels) channels do not split into \(groups) equal groups")
            }
            return (x, nil)
        case .concat:
            return (try concatShape(inputs), nil)
        case .add:
            guard inputs.count >= 2 else { throw ShapeReason("an add needs at least two inputs") }
            for other in inputs.dropFirst() where other != inputs[0] {
                throw ShapeReason("cannot add tensors of shapes \(inputs[0]) and \(other)")
            }
            return (inputs[0], nil)
        case .multiply:
            return (try broadcastShape(inputs), nil)
        case .subtract:
            guard inputs.count == 2 else { throw ShapeReason("a subtraction needs two inputs, got \(inputs.count)") }
            guard inputs[0] == inputs[1] else { throw ShapeReason("cannot subtract \(inputs[1]) from \(inputs[0])") }
            return (inputs[0], nil)
        case .zeroPad(let p):
            let x = try spatialInput(inputs, "padding")
            return (TensorShape(channels: x.channels, height: x.height + p.top + p.bottom, width: x.width + p.left + p.right), p)
        case .crop(let p):
            let x = try spatialInput(inputs, "cropping")
            let h = x.height - p.top - p.bottom
            let w = x.width - p.left - p.right
            guard h > 0, w > 0 else { throw ShapeReason("cropping \(p) leaves nothing of a \(x.height)x\(x.width) map") }
            return (TensorShape(channels: x.channels, height: h, width: w), nil)
        }
    }

    private func single(_ inputs: [TensorShape]) throws(ShapeReason) -> TensorShape {
        guard inputs.count == 1 else { throw ShapeReason("expects one input, got \(inputs.count)") }
        return inputs[0]
    }

    private func spatialInput(_ inputs: [TensorShape], _ what: String) throws(ShapeReason) -> TensorShape {
        let x = try single(inputs)
        guard x.isSpatial else { throw ShapeReason("\(what) needs a CxHxW feature map, got the flat vector \(x)") }
        return x
    }

    /// How many windows of `span` fit along an axis of `n` pixels padded by `pad` (PyTorch's rule,
    /// including `ceil_mode`'s "the last window must start inside the input or left padding").
    private func windowCount(
        _ n: Int, _ pad: Int, _ span: Int, _ stride: Int, ceil: Bool, padStart: Int, what: String, x: TensorShape
    ) throws(ShapeReason) -> Int {
        guard stride > 0, span > 0, pad >= 0 else { throw ShapeReason("stride, kernel and padding must be positive") }
        let padded = n + pad
        guard padded >= span else {
            func pixels(_ n: Int) -> String { n == 1 ? "1 pixel" : "\(n) pixels" }
            throw ShapeReason("the \(what) (\(pixels(span))) is larger than its padded input (\(pixels(padded)) of \(x))")
        }
        let room = padded - span
        var count = (ceil ? (room + stride - 1) / stride : room / stride) + 1
        if ceil && (count - 1) * stride >= n + padStart { count -= 1 }
        return count
    }

    private func concatShape(_ inputs: [TensorShape]) throws(ShapeReason) -> TensorShape {
        guard let first = inputs.first, inputs.count >= 2 else { throw ShapeReason("a concat needs at least two inputs") }
        var channels = 0
        for x in inputs {
            guard x.dims.count == first.dims.count, x.dims.dropFirst() == first.dims.dropFirst() else {
                throw ShapeReason("cannot concatenate \(first) and \(x): spatial sizes differ")
            }
            let (sum, overflow) = channels.addingReportingOverflow(x.channels)
            if overflow { throw ShapeReason.overflow }
            channels = sum
        }
        var dims = first.dims
        dims[0] = channels
        return TensorShape(dims)
    }

    private func broadcastShape(_ inputs: [TensorShape]) throws(ShapeReason) -> TensorShape {
        guard inputs.count == 2 else { throw ShapeReason("a multiply needs two inputs") }
        let (a, b) = (inputs[0], inputs[1])
        guard a.dims.count == b.dims.count else { throw ShapeReason("cannot multiply \(a) by \(b)") }
        var dims: [Int] = []
        for (x, y) in zip(a.dims, b.dims) {
            guard x == y || x == 1 || y == 1 else { throw ShapeReason("cannot broadcast \(a) against \(b)") }
            dims.append(max(x, y))
        }
        return TensorShape(dims)
    }
}

/// A shape rule's complaint, before the analysis adds the layer's name.
struct ShapeReason: Error {
    let text: String
    init(_ text: String) { self.text = text }
    static let overflow = ShapeReason("sizes overflow 64-bit integers")
}
