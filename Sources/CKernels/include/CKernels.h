// Hot loops that BLAS does not cover, in C so that each can be compiled for AVX-512, AVX2+FMA
// and baseline x86-64 and chosen at run time (the shipped binary runs on any x86-64).
// Every function is the same arithmetic in each variant; tests compare all of them with the
// Swift reference kernels.
#ifndef CNN_TUI_CKERNELS_H
#define CNN_TUI_CKERNELS_H

#include <stddef.h>

// MARK: Instruction sets

/// 0 = baseline (SSE2), 1 = AVX2 + FMA, 2 = AVX-512: what the CPU supports, unless forced.
int cnn_kernels_level(void);
/// What the CPU supports (2 AVX-512, 1 AVX2 and FMA, 0 neither), whatever level is forced.
int cnn_kernels_cpu_level(void);
/// Forces a level (clamped to what the CPU supports); -1 returns to the CPU's best. For tests.
void cnn_kernels_force_level(int level);
/// "avx512", "avx2" or "baseline": the variant in use.
const char *cnn_kernels_level_name(void);

// MARK: Threads

/// A pause for a thread that spins waiting for another (x86's PAUSE: it yields the core's
/// resources to a sibling hardware thread and saves power).
static inline void cnn_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

// MARK: Memory

/// Memory for `count` floats (at least one), 64-byte aligned, or NULL when there is none. Blocks
/// of 4 MiB or more are aligned to 2 MiB and advised for transparent huge pages: streaming a
/// network's weights then takes one TLB entry per 2 MiB instead of per 4 KiB. Freed by
/// cnn_free_floats.
float *cnn_allocate_floats(size_t count);
void cnn_free_floats(float *memory);

// MARK: Element-wise

/// out[i] = tanh(in[i]): a 13/6-degree rational approximation on [-9, 9] (within a few ulp;
/// outside it tanh is +-1 in float). `out` may equal `in`.
void cnn_tanh(float *out, const float *in, size_t count);

/// out[i] = 1 / (1 + e^-in[i]) and in[i] / (1 + e^-in[i]) (SiLU, swish), with e^x from a
/// vectorized Cephes-style polynomial (within a few ulp of expf). `out` may equal `in`.
void cnn_sigmoid(float *out, const float *in, size_t count);
void cnn_silu(float *out, const float *in, size_t count);

/// out[c] = the mean of in[c][0 ..< pixels]: global average pooling (summed in 16 lanes).
void cnn_channel_means(float *out, const float *in, size_t channels, size_t pixels);

/// out[c * pitch + p] = min(max(out[c * pitch + p] + bias[c], lower), upper) for p < pixels, bias
/// optional (NULL adds nothing): the epilogue of a convolution with a fused clamp-type activation
/// (ReLU: 0, +inf), over whole planes (pitch = pixels) or a block of columns of them.
void cnn_bias_clamp(float *out, size_t pitch, const float *bias, size_t channels, size_t pixels, float lower,
                    float upper);

/// out[i] = min(max(a[i] + b[i], lower), upper): a residual add with a fused ReLU.
void cnn_add_clamp(float *out, const float *a, const float *b, size_t count, float lower, float upper);

/// gradInput[i] += gradOutput[i] where lower < input[i] < upper: the backward of a clamp-type
/// activation (ReLU: 0, +inf; ReLU6: 0, 6), with PyTorch's derivative 0 at the kinks.
void cnn_clamp_backward(float *gradInput, const float *gradOutput, const float *input, size_t count, float lower,
                        float upper);

// MARK: Optimizers

/// SGD with momentum and weight decay, as torch.optim.SGD: v = momentum * v + (g + decay * w),
/// w -= lr * v.
void cnn_sgd_step(float *weight, const float *grad, float *velocity, size_t count, float learningRate, float momentum,
                  float weightDecay);
/// Adam, as torch.optim.Adam: d = g + decay * w, m = b1 * m + (1 - b1) * d, v = b2 * v + (1 - b2) * d^2,
/// w -= lr * (m / correction1) / (sqrt(v / correction2) + eps), correction_k = 1 - b_k^step.
void cnn_adam_step(float *weight, const float *grad, float *first, float *second, size_t count, float learningRate,
                   float beta1, float beta2, float epsilon, float weightDecay, float correction1, float correction2);

// MARK: Pooling

/// Max or average pooling of `channels` planes, separably: a vertical pass over each window's
/// rows into a line buffer, then a horizontal pass. Windows are clipped to the input; padding
/// never wins a max (PyTorch pads with -inf). For averages the divisor of output (y, x) is
/// rowCount[y] * columnCount[x] (both modes of PyTorch's count_include_pad factor this way);
/// a zero divisor gives 0.
///
/// scratch: at least `cnn_pool2d_scratch(...)` floats.
void cnn_pool2d(float *out, const float *in, size_t channels, long height, long width, long outHeight, long outWidth,
                long kernelHeight, long kernelWidth, long strideHeight, long strideWidth, long padTop, long padLeft,
                int isMax, const float *rowCount, const float *columnCount, float *scratch);
size_t cnn_pool2d_scratch(long outWidth, long kernelWidth, long strideWidth);

// MARK: Depthwise convolution

/// One kH x kW filter per channel (weight[C][1][kH][kW]), bias optional: out[c][y][x] = bias[c] +
/// sum over taps of w[c][i][j] * in[c][y*sH - pT + i*dH][x*sW - pL + j*dW], zero outside the input.
/// Each output is then clamped to [lower, upper] (-inf, inf: none; ReLU, ReLU6 fused).
/// With AVX-512 (equal strides of 1 or 2, no dilation) the input rows are read in place, four
/// output rows at a time; scratch is used only to split rows into even and odd columns at
/// stride 2 for filters other than 3x3 and 5x5 padded by half. Elsewhere scratch holds a padded
/// copy of each plane, split by row and column phase for strides above 1. NULL: a direct loop.
void cnn_depthwise_conv2d(float *out, const float *in, const float *weight, const float *bias, size_t channels,
                          long height, long width, long outHeight, long outWidth, long kernelHeight, long kernelWidth,
                          long strideHeight, long strideWidth, long padTop, long padLeft, long dilationHeight,
                          long dilationWidth, float lower, float upper, float *scratch);
size_t cnn_depthwise_scratch(long outHeight, long outWidth, long kernelHeight, long kernelWidth, long strideHeight,
                             long strideWidth, long dilationHeight, long dilationWidth);

/// A 1x1 convolution as the packed GEMM runs it: weights packed by cnn_packed_gemm_pack (from the
/// panel of its first channel, a multiple of 8), bias (or NULL), clamp, then SiLU where `silu` is
/// not 0; `channels` outputs.
typedef struct {
    const float *packed;
    const float *bias;
    float lower, upper;
    int silu;
    size_t channels;
} cnn_pointwise;

/// An inverted residual block's convolutions at once: out = project(depthwise(expand(in))), the
/// expansion and the projection each optional (NULL). `in` is [inChannels][height][width] (with no
/// expansion, inChannels = channels); the depthwise filters (weight [channels][kernel][kernel],
/// bias optional, clamped to [lower, upper]) are kernel x kernel (3 or 5) at `stride` (1 or 2)
/// both ways, padded by kernel / 2, giving outHeight x outWidth; output rows firstRow ..< endRow
/// (firstRow a multiple of 4) of out ([project->channels or channels][outHeight][outWidth]). The
/// expanded map and the depthwise output are made a few rows at a time in scratch
/// (cnn_inverted_residual_scratch floats), never whole. Call only where
/// cnn_pointwise_depthwise_suits (AVX-512, such a filter).
int cnn_pointwise_depthwise_suits(long kernelHeight, long kernelWidth, long strideHeight, long strideWidth,
                                  long dilationHeight, long dilationWidth, long padTop, long padLeft);
size_t cnn_inverted_residual_scratch(size_t channels, long width, long outWidth, long kernel, long stride, int expand,
                                     int project);
void cnn_inverted_residual(float *out, const float *in, size_t inChannels, long height, long width,
                           const cnn_pointwise *expand, size_t channels, const float *weight, const float *bias,
                           long kernel, long stride, float lower, float upper, long outHeight, long outWidth,
                           const cnn_pointwise *project, long firstRow, long endRow, float *scratch);

// MARK: im2col

/// Unfolds output rows firstRow ..< firstRow + rows of a convolution into columns:
/// columns[((c*kH + i)*kW + j) * pitch + y*Wout + x] = in[c][(firstRow + y)*sH - pT + i*dH][x*sW - pL + j*dW],
/// zero outside the input; pitch >= rows * Wout (more: several samples' columns side by side).
void cnn_im2col(float *columns, const float *in, long channels, long height, long width, long outWidth,
                long kernelHeight, long kernelWidth, long strideHeight, long strideWidth, long padTop, long padLeft,
                long dilationHeight, long dilationWidth, long firstRow, long rows, long pitch);

/// The adjoint of cnn_im2col over all output rows: in[c][y*sH - pT + i*dH][x*sW - pL + j*dW] +=
/// columns[((c*kH + i)*kW + j) * pitch + y*Wout + x] wherever that pixel is inside the input.
void cnn_col2im(float *gradInput, const float *columns, long channels, long height, long width, long outHeight,
                long outWidth, long kernelHeight, long kernelWidth, long strideHeight, long strideWidth, long padTop,
                long padLeft, long dilationHeight, long dilationWidth, long pitch);

// MARK: Winograd F(2x2, 3x3)

/// U[16][Cout][Cin] = G g G^T for each 3x3 filter g of weight[Cout][Cin][3][3].
void cnn_winograd_f2k3_weights(float *transformed, const float *weight, size_t outChannels, size_t inChannels);

/// Floats from one of the 16 transformed planes of `channels` x `tiles` to the next (a little
/// more than channels * tiles, to keep the planes out of each other's cache sets).
size_t cnn_winograd_plane_stride(size_t channels, size_t tiles);

/// Floats of scratch space of the two transforms below for blocks of at most tileRows rows of tilesX tiles.
size_t cnn_winograd_f2k3_scratch(long tilesX, long tileRows);

/// V[16][C][T] = B^T d B for each 4x4 input tile d of tile rows tileRow ..< tileRow + tileRows
/// (T = tileRows * tilesX tiles, row by row; channel c's tiles start at c * pitch, pitch at least
/// T, normally T, more when other samples' tiles sit beside them; the 16 planes `plane` floats
/// apart, at least C * pitch, normally cnn_winograd_plane_stride(C, pitch), or that of more
/// channels when these C are a share of them); tile (ty, tx) starts at input pixel
/// (2*ty - padTop, 2*tx - padLeft), zero outside the input. Works on the tiles 16 at a time.
/// scratch: cnn_winograd_f2k3_scratch(tilesX, tileRows) floats (tileRows at most the block's).
void cnn_winograd_f2k3_input(float *transformed, size_t plane, size_t pitch, const float *in, size_t channels,
                             long height, long width, long padTop, long padLeft, long tilesX, long tileRow,
                             long tileRows, float *scratch);

/// out[Cout][Hout][Wout] (the output rows of those tile rows) = A^T m A + bias, clamped to
/// [lower, upper], for each tile m of M[16][Cout][T] (filter o's tiles at o * pitch, the planes
/// `plane` floats apart, as for the input); added to what out holds when `accumulate` is nonzero.
/// scratch: as the input transform's.
void cnn_winograd_f2k3_output(float *out, const float *products, size_t plane, size_t pitch, const float *bias,
                              size_t outChannels, long outHeight, long outWidth, long tilesX, long tileRow,
                              long tileRows, float lower, float upper, int accumulate, float *scratch);

/// The same three transforms for F(4x4, 3x3): U[36][Cout][Cin]; V[36] from 4x4 tiles of 6x6
/// inputs; the 4x4 outputs from M[36]. Both transforms work on a block's tiles 16 at a time and
/// take cnn_winograd_f4k3_scratch(tilesX, tileRows) floats of scratch (tileRows at most the
/// block's). Inference only: training keeps F(2x2, 3x3).
size_t cnn_winograd_f4k3_scratch(long tilesX, long tileRows);
void cnn_winograd_f4k3_weights(float *transformed, const float *weight, size_t outChannels, size_t inChannels);
void cnn_winograd_f4k3_input(float *transformed, size_t plane, size_t pitch, const float *in, size_t channels,
                             long height, long width, long padTop, long padLeft, long tilesX, long tileRow,
                             long tileRows, float *scratch);
void cnn_winograd_f4k3_output(float *out, const float *products, size_t plane, size_t pitch, const float *bias,
                              size_t outChannels, long outHeight, long outWidth, long tilesX, long tileRow,
                              long tileRows, float lower, float upper, float *scratch);

/// The adjoint of cnn_winograd_f2k3_output (without bias and clamp), for the weight gradient:
/// dM[16][Cout][T] = A dy A^T for each 2x2 block dy of gradOut[Cout][Hout][Wout], all
/// T = tilesX * tilesY tiles (gradients past an odd height or width are 0); filter o's tiles
/// start at o * pitch, the planes `plane` floats apart. scratch: 4 * tilesX floats.
void cnn_winograd_f2k3_output_gradient(float *products, size_t plane, size_t pitch, const float *gradOut,
                                       size_t outChannels, long outHeight, long outWidth, long tilesX, long tilesY,
                                       float *scratch);

/// The adjoint of cnn_winograd_f2k3_weights: gradWeight[Cout][Cin][3][3] += G^T dU G for each
/// 4x4 dU of gradTransformed[16][Cout][Cin].
void cnn_winograd_f2k3_weights_gradient(float *gradWeight, const float *gradTransformed, size_t outChannels,
                                        size_t inChannels);

// MARK: Packed-weight products with a fused epilogue

/// C [M x N] (row pitch ldc) = W · B + bias, clamped to [lower, upper], where W [M x K] was packed
/// once by cnn_packed_gemm_pack into cnn_packed_gemm_count(M, K) floats (panels of 8 rows; rows
/// first..<first+m of it start at packed + first * K, first a multiple of 8) and B [K x N] is
/// read in place with row pitch ldb (a 1x1 convolution's input, or im2col columns); bias may be
/// NULL. Fast with AVX-512 (cnn_packed_gemm_is_fast); elsewhere a plain loop, correct but slow.
size_t cnn_packed_gemm_count(size_t m, size_t k);
void cnn_packed_gemm_pack(float *packed, const float *weight, size_t m, size_t k);
int cnn_packed_gemm_is_fast(void);
void cnn_packed_gemm(size_t m, size_t n, size_t k, const float *packed, const float *b, size_t ldb, float *c,
                     size_t ldc, const float *bias, float lower, float upper);
/// The same, with `residual` ([M x N], leading dimension ldc, or NULL) added before the clamp:
/// a residual block's add (and ReLU) applied as its last convolution stores.
void cnn_packed_gemm_residual(size_t m, size_t n, size_t k, const float *packed, const float *b, size_t ldb, float *c,
                              size_t ldc, const float *bias, const float *residual, float lower, float upper);

/// Weights packed by cnn_packed_gemm_pack with each column i (input channel) times scale[i], into
/// `scaled` (cnn_packed_gemm_count(M, K) floats): W·diag(scale), for a 1x1 convolution whose
/// input's channels are scaled first (a squeeze-and-excitation block's output, EfficientNet).
void cnn_packed_gemm_scale(float *scaled, const float *packed, size_t m, size_t k, const float *scale);

/// A convolution's output rows firstRow ..< firstRow + rows through the packed GEMM, unfolded a
/// band of rows at a time into `scratch` (cnn_im2col's arguments; bands of about 256 KB, at
/// least one row, at most scratchFloats): each band is
/// multiplied while it is still in L2, where unfolding the whole map first (1.4 MB for
/// MobileNetV2's stem) made the product read it back from L3. c and residual point at the
/// first row's first column (row pitch ldc); m filters from `packed`.
void cnn_im2col_packed_gemm(float *scratch, size_t scratchFloats, const float *in, long channels, long height,
                            long width, long outWidth, long kernelHeight, long kernelWidth, long strideHeight,
                            long strideWidth, long padTop, long padLeft, long dilationHeight, long dilationWidth,
                            long firstRow, long rows, size_t m, const float *packed, float *c, size_t ldc,
                            const float *bias, const float *residual, float lower, float upper);

// MARK: Matrix-vector products

/// y [M] += W [M x K] (row-major) · x [K]. Fast with AVX-512 (cnn_gemv_is_fast: 8 rows at a time,
/// as fast as memory delivers W); elsewhere a plain loop, correct but slow.
int cnn_gemv_is_fast(void);
void cnn_gemv(size_t m, size_t k, const float *w, const float *x, float *y);

// MARK: Narrow matrix products

/// C[M x N] = W · B[K x N] + bias, clamped to [lower, upper], for small N (a 7x7 map's 49
/// pixels), with W [M x K] packed once by cnn_narrow_gemm_pack into
/// cnn_narrow_gemm_packed_count(M, K) floats. scratch: cnn_narrow_gemm_scratch(N) floats.
/// Fast with AVX-512 (cnn_narrow_gemm_is_fast); elsewhere a plain loop, correct but slow.
size_t cnn_narrow_gemm_packed_count(size_t m, size_t k);
size_t cnn_narrow_gemm_scratch(size_t n);
void cnn_narrow_gemm_pack(float *packed, const float *weight, size_t m, size_t k);
int cnn_narrow_gemm_is_fast(void);
void cnn_narrow_gemm(size_t m, size_t n, size_t k, const float *packed, const float *b, size_t ldb, float *c,
                     size_t ldc, const float *bias, float lower, float upper, float *scratch);

#endif
