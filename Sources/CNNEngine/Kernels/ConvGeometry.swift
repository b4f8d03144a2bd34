import CKernels
import CNNModel

/// Everything a convolution kernel needs to know about one layer, read from the analysis
/// (shapes and resolved padding come from CNNModel, never recomputed here).
public struct ConvGeometry: Hashable, Sendable {
    public var inChannels, inHeight, inWidth: Int
    public var outChannels, outHeight, outWidth: Int
    public var kernelHeight, kernelWidth: Int
    public var strideHeight, strideWidth: Int
    public var padTop, padLeft: Int
    public var dilationHeight, dilationWidth: Int
    public var groups: Int
    public var hasBias: Bool

    public init(_ conv: Conv2D, input: TensorShape, output: TensorShape, padding: Pad4) {
        (inChannels, inHeight, inWidth) = (input.channels, input.height, input.width)
        (outChannels, outHeight, outWidth) = (output.channels, output.height, output.width)
        (kernelHeight, kernelWidth) = (conv.kernel.h, conv.kernel.w)
        (strideHeight, strideWidth) = (conv.stride.h, conv.stride.w)
        (padTop, padLeft) = (padding.top, padding.left)
        (dilationHeight, dilationWidth) = (conv.dilation.h, conv.dilation.w)
        groups = conv.groups
        hasBias = conv.bias
    }

    /// Input channels each group reads, and output channels it writes.
    public var groupInChannels: Int { inChannels / groups }
    public var groupOutChannels: Int { outChannels / groups }

    /// Rows of the im2col matrix of one group: `(C/g)·kH·kW`; its columns are the output pixels.
    public var columnRows: Int { groupInChannels * kernelHeight * kernelWidth }
    public var outputPixels: Int { outHeight * outWidth }
    /// Multiply-adds of one sample (what decides whether splitting it among threads pays).
    public var multiplyAdds: Int { outChannels * outputPixels * columnRows }

    /// A 1x1, stride-1, unpadded convolution reads its input as the im2col matrix itself.
    public var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1
            && padTop == 0 && padLeft == 0 && inHeight == outHeight && inWidth == outWidth
    }

    /// A kernel the size of its unpadded input, giving one output pixel (LeNet-5's C5): the input
    /// is its own im2col column, and the product is a matrix-vector one.
    public var coversWholeInput: Bool {
        kernelHeight == inHeight && kernelWidth == inWidth && padTop == 0 && padLeft == 0
            && outHeight == 1 && outWidth == 1 && dilationHeight == 1 && dilationWidth == 1
    }

    /// One filter per channel (MobileNet, EfficientNet): a direct kernel beats im2col + GEMM.
    public var isDepthwise: Bool {
        groups == inChannels && groups == outChannels && groups > 1
    }

    /// Output rows unfolded at a time: the im2col block is kept near 2 MB so that it is still in
    /// cache when SGEMM reads it (unfolding a 224x224 layer at once would write 100+ MB), but
    /// covers at least 1024 output pixels, below which SGEMM loses efficiency. (1 MB blocks cut
    /// ResNet-50's 7x7/2 stem into 8 products of 15 rows, run at about 22 GFLOP/s; 2 MB blocks,
    /// 4 products, ran it at 30-65 on the same AMD EPYC.)
    public var rowsPerBlock: Int {
        let budget = 1 << 19  // floats
        let byBudget = budget / max(columnRows * outWidth, 1)
        let byWidth = (1024 + outWidth - 1) / max(outWidth, 1)
        return min(max(1, byBudget, byWidth), outHeight)
    }

    /// Output columns per product of a 1x1 convolution: blocks of about 1 MB of output, so that
    /// the bias and activation pass finds it in the cache, and at least 512 columns, below which
    /// SGEMM loses efficiency.
    public var pointwiseColumnsPerBlock: Int {
        let byBudget = (1 << 18) / max(groupOutChannels, 1) / 64 * 64
        return min(max(512, byBudget), outputPixels)
    }

    /// Floats of scratch space the im2col path needs per sample.
    /// (A depthwise convolution uses it for a padded copy of one plane.)
    public var workspaceCount: Int {
        if isDepthwise {
            return cnn_depthwise_scratch(outHeight, outWidth, kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth)
        }
        return isPointwise || coversWholeInput ? 0 : columnRows * rowsPerBlock * outWidth
    }

    public var weightCount: Int { outChannels * columnRows }

    /// Floats of the weights packed for CKernels' packed-weight GEMM (`packWeights`).
    public var packedWeightCount: Int { cnn_packed_gemm_count(outChannels, columnRows) }

    /// Whether the executor runs this convolution through the packed-weight GEMM (with AVX-512):
    /// ungrouped, neither depthwise nor a matrix-vector product, and filters of at most 1024
    /// (`Cin·kH·kW`). On longer filters OpenBLAS's SGEMM, which blocks K, was about as fast
    /// (0.88-1.08x at 1,152 across runs); on short ones the packed GEMM won by 5-44% on one AMD EPYC
    /// (Benchmarks/gemm.sh), most on MobileNetV2's 1x1 products of 16-24 inputs, whose output
    /// SGEMM then passes over again for the bias.
    public var suitsPackedGEMM: Bool { groups == 1 && !isDepthwise && !coversWholeInput && columnRows <= 1024 }
}
