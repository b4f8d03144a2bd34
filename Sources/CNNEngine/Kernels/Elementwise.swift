import CNNModel

/// Sum of same-shaped tensors (residual adds).
///
/// - Parameters:
///   - output: `[count]`
///   - inputs: each `[count]`
public func addForward(output: UnsafeMutablePointer<Float>, inputs: [UnsafePointer<Float>], count: Int) {
    output.update(from: inputs[0], count: count)
    for input in inputs.dropFirst() {
        for i in 0..<count { output[i] += input[i] }
    }
}

/// Element-wise product with broadcasting over size-1 axes, e.g. `[C, H, W] · [C, 1, 1]`
/// (squeeze-and-excitation).
///
/// - Parameters:
///   - output: `[shape]`, the broadcast shape
///   - a, b: of `aShape`, `bShape` (same rank; each axis equal or 1)
public func multiplyForward(
    output: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>, aShape: [Int], b: UnsafePointer<Float>, bShape: [Int]
) {
    // The squeeze-and-excitation case, [C, H, W] · [C, 1, 1] (either order), without the general
    // index arithmetic.
    if aShape.count == 3, bShape.count == 3, aShape[0] == bShape[0] {
        if bShape[1] == 1, bShape[2] == 1 {
            scaleChannels(output: output, map: a, scale: b, channels: aShape[0], pixels: aShape[1] * aShape[2])
            return
        }
        if aShape[1] == 1, aShape[2] == 1 {
            scaleChannels(output: output, map: b, scale: a, channels: bShape[0], pixels: bShape[1] * bShape[2])
            return
        }
    }
    forEachBroadcast(aShape, bShape) { i, ia, ib in output[i] = a[ia] * b[ib] }
}

/// Calls `body(i, ia, ib)` for each element `i` of the broadcast shape of `aShape` and `bShape`
/// (same rank; each axis equal or 1), with the elements of `a` and `b` it reads.
@inline(__always)
func forEachBroadcast(_ aShape: [Int], _ bShape: [Int], _ body: (Int, Int, Int) -> Void) {
    let shape = zip(aShape, bShape).map { max($0, $1) }
    func strides(_ s: [Int]) -> [Int] {
        var result = [Int](repeating: 0, count: s.count)
        var step = 1
        for axis in stride(from: s.count - 1, through: 0, by: -1) {
            result[axis] = s[axis] == 1 ? 0 : step
            step *= s[axis]
        }
        return result
    }
    let sa = strides(aShape), sb = strides(bShape)
    var index = [Int](repeating: 0, count: shape.count)
    for i in 0..<shape.reduce(1, *) {
        var ia = 0, ib = 0
        for axis in shape.indices {
            ia += index[axis] * sa[axis]
            ib += index[axis] * sb[axis]
        }
        body(i, ia, ib)
        var axis = shape.count - 1
        while axis >= 0 {
            index[axis] += 1
            if index[axis] < shape[axis] { break }
            index[axis] = 0
            axis -= 1
        }
    }
}

/// The backward of `multiplyForward`: `gradA += gradOutput · b` and `gradB += gradOutput · a`,
/// each summed over the axes its tensor was broadcast along.
///
/// - Parameters:
///   - gradA, gradB: of `aShape`, `bShape`, accumulated; nil where no gradient is wanted
///   - gradOutput: `[shape]`, the broadcast shape
///   - a, b: the forward pass's inputs
public func multiplyBackward(
    gradA: UnsafeMutablePointer<Float>?, gradB: UnsafeMutablePointer<Float>?, gradOutput: UnsafePointer<Float>,
    a: UnsafePointer<Float>, aShape: [Int], b: UnsafePointer<Float>, bShape: [Int]
) {
    forEachBroadcast(aShape, bShape) { i, ia, ib in
        gradA?[ia] += gradOutput[i] * b[ib]
        gradB?[ib] += gradOutput[i] * a[ia]
    }
}

/// `output[c][p] = map[c][p] · scale[c]`.
func scaleChannels(output: UnsafeMutablePointer<Float>, map: UnsafePointer<Float>, scale: UnsafePointer<Float>, channels: Int, pixels: Int) {
    for c in 0..<channels {
        let s = scale[c]
        let src = map + c * pixels, dst = output + c * pixels
        for p in 0..<pixels { dst[p] = src[p] * s }
    }
}

/// Channel concatenation of one sample: the inputs' planes one after another.
///
/// - Parameters:
///   - output: `[ΣC, H, W]`
///   - inputs: each `[C_i, H, W]`, with `counts[i] = C_i·H·W`
public func concatForward(output: UnsafeMutablePointer<Float>, inputs: [UnsafePointer<Float>], counts: [Int]) {
    var offset = 0
    for (input, count) in zip(inputs, counts) {
        (output + offset).update(from: input, count: count)
        offset += count
    }
}

/// Zero padding (positive sides) or cropping (`crop`), per channel.
///
/// - Parameters:
///   - output: `[C, H + t + b, W + l + r]` (or minus, for a crop)
///   - input: `[C, H, W]`
public func padForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, channels: Int, height: Int, width: Int,
    padding p: Pad4, crop: Bool
) {
    let sign = crop ? -1 : 1
    let outH = height + sign * (p.top + p.bottom), outW = width + sign * (p.left + p.right)
    let top = sign * p.top, left = sign * p.left
    for c in 0..<channels {
        let src = input + c * height * width
        let dst = output + c * outH * outW
        for y in 0..<outH {
            let iy = y - top
            for x in 0..<outW {
                let ix = x - left
                dst[y * outW + x] = (iy >= 0 && iy < height && ix >= 0 && ix < width) ? src[iy * width + ix] : 0
            }
        }
    }
}

/// ShuffleNet's channel shuffle: the channels as a `[groups, C / groups]` matrix, transposed.
///
/// - Parameters:
///   - output: `[C, pixels]`
///   - input: `[C, pixels]`
public func channelShuffleForward(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, groups: Int, channels: Int, pixels: Int) {
    let perGroup = channels / groups
    for i in 0..<groups {
        for j in 0..<perGroup {
            (output + (j * groups + i) * pixels).update(from: input + (i * perGroup + j) * pixels, count: pixels)
        }
    }
}

/// The backward of `channelShuffleForward`: each output channel's gradient back to the channel it came from.
///
/// - Parameters:
///   - gradInput: `[C, pixels]`, accumulated
///   - gradOutput: `[C, pixels]`
public func channelShuffleBackward(
    gradInput: UnsafeMutablePointer<Float>, gradOutput: UnsafePointer<Float>, groups: Int, channels: Int, pixels: Int
) {
    let perGroup = channels / groups
    for i in 0..<groups {
        for j in 0..<perGroup {
            let from = gradOutput + (j * groups + i) * pixels, to = gradInput + (i * perGroup + j) * pixels
            for p in 0..<pixels { to[p] += from[p] }
        }
    }
}
