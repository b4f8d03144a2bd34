#include <math.h>

#include <immintrin.h>

#include "Dispatch.h"

// tanh as Eigen and MLAS compute it: an odd 13th-degree numerator over an even 6th-degree
// denominator, fitted on [-9, 9]; beyond that tanh rounds to +-1 in float. The coefficients are
// the published ones (Eigen's generic_fast_tanh_float); the tests bound the error against tanhf.
CNN_INLINE void cnn_tanh_body(float *out, const float *in, size_t count) {
    const float a1 = 4.89352455891786e-03f, a3 = 6.37261928875436e-04f, a5 = 1.48572235717979e-05f,
                a7 = 5.12229709037114e-08f, a9 = -8.60467152213735e-11f, a11 = 2.00018790482477e-13f,
                a13 = -2.76076847742355e-16f;
    const float b0 = 4.89352518554385e-03f, b2 = 2.26843463243900e-03f, b4 = 1.18534705686654e-04f,
                b6 = 1.19825839466702e-06f;
#define CNN_TANH_LOOP(OUT, IN)                                                                       \
    for (size_t i = 0; i < count; i++) {                                                             \
        float x = (IN)[i];                                                                           \
        x = x < -9.0f ? -9.0f : (x > 9.0f ? 9.0f : x);                                               \
        float x2 = x * x;                                                                            \
        float p = ((((((a13 * x2 + a11) * x2 + a9) * x2 + a7) * x2 + a5) * x2 + a3) * x2 + a1) * x; \
        float q = ((b6 * x2 + b4) * x2 + b2) * x2 + b0;                                              \
        (OUT)[i] = p / q;                                                                            \
    }
    // In place through a loop of one pointer (see cnn_silu: the two-pointer loop ran one float at
    // a time when they overlapped, 8.6x slower).
    if (out == in) {
        CNN_TANH_LOOP(out, out)
    } else {
        CNN_TANH_LOOP(out, in)
    }
#undef CNN_TANH_LOOP
}
CNN_KERNEL(cnn_tanh, (float *out, const float *in, size_t count), (out, in, count))

// e^x as Cephes's expf computes it, in a form the compiler vectorizes: x = n ln 2 + r with
// |r| <= ln 2 / 2 (ln 2 split in two for the subtraction), e^r from a degree-7 polynomial, 2^n
// written straight into the exponent bits. x is clamped to [-87, 88], where 2^n stays a normal
// float; within 2 ulp of expf there (the tests bound it).
CNN_INLINE float cnn_exp(float x) {
    x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
    const float n = __builtin_floorf(x * 1.44269504088896341f + 0.5f);
    float r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    const int bits = ((int)n + 127) << 23;
    return p * __builtin_bit_cast(float, bits);
}

CNN_INLINE void cnn_sigmoid_portable_body(float *out, const float *in, size_t count) {
    if (out == in) {  // one pointer, as in cnn_silu
        for (size_t i = 0; i < count; i++) out[i] = 1.0f / (1.0f + cnn_exp(-out[i]));
        return;
    }
    for (size_t i = 0; i < count; i++) out[i] = 1.0f / (1.0f + cnn_exp(-in[i]));
}
CNN_KERNEL(cnn_sigmoid_portable, (float *out, const float *in, size_t count), (out, in, count))

// In place (out == in) through a loop of one pointer: the compiler vectorizes the two-pointer loop
// only behind a check that the arrays do not overlap, so in place it ran one float at a time, 10x
// slower.
CNN_INLINE void cnn_silu_portable_body(float *out, const float *in, size_t count) {
    if (out == in) {
        for (size_t i = 0; i < count; i++) out[i] = out[i] / (1.0f + cnn_exp(-out[i]));
        return;
    }
    for (size_t i = 0; i < count; i++) out[i] = in[i] / (1.0f + cnn_exp(-in[i]));
}
CNN_KERNEL(cnn_silu_portable, (float *out, const float *in, size_t count), (out, in, count))

// With AVX-512, the logistic in fewer operations than the portable loop compiles to (0.20 ns a
// float against 0.30 on AMD's Zen 4, where these loops are bound by the floating-point units):
// e^-x = 2^n e^-q with n = round(-x log2 e) and q = x + n ln 2 (ln 2 in two parts, as above),
// e^-q from a degree-5 polynomial fitted for relative error on |q| <= ln2 / 2 (2.2e-7 in float),
// 2^n applied by vscalefps. The exponent is clamped to [-88, 88] as the portable code clamps it
// (e^88 is finite), the x that multiplies it is not: SiLU(inf) = inf, sigmoid(1e20) = 1.
CNN_TARGET_AVX512 static inline __m512 cnn_exp_negative_avx512(__m512 x) {
    // Constants first: vmaxps and vminps return their second operand when either is NaN, so a
    // NaN passes through.
    x = _mm512_min_ps(_mm512_set1_ps(88.0f), _mm512_max_ps(_mm512_set1_ps(-88.0f), x));
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(-1.44269504088896341f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 q = _mm512_fmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    q = _mm512_fmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), q);
    // e^-q = sum c_k (-q)^k: the fitted c_k with alternating signs, in q.
    __m512 p = _mm512_set1_ps(-0.008291716687381268f);
    p = _mm512_fmadd_ps(p, q, _mm512_set1_ps(0.04191502928733826f));
    p = _mm512_fmadd_ps(p, q, _mm512_set1_ps(-0.1666766256093979f));
    p = _mm512_fmadd_ps(p, q, _mm512_set1_ps(0.49998900294303894f));
    p = _mm512_fmadd_ps(p, q, _mm512_set1_ps(-0.9999996423721313f));
    p = _mm512_fmadd_ps(p, q, _mm512_set1_ps(1.0000001192092896f));
    return _mm512_scalef_ps(p, n);
}

// out = (timesInput ? in : 1) / (1 + e^-in).
CNN_TARGET_AVX512 static void cnn_logistic_avx512(float *out, const float *in, size_t count, const int timesInput) {
    const __m512 one = _mm512_set1_ps(1.0f);
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        const __m512 x = _mm512_loadu_ps(in + i);
        _mm512_storeu_ps(out + i, _mm512_div_ps(timesInput ? x : one, _mm512_add_ps(one, cnn_exp_negative_avx512(x))));
    }
    if (i < count) {
        const __mmask16 m = (__mmask16)((1u << (count - i)) - 1);
        const __m512 x = _mm512_maskz_loadu_ps(m, in + i);
        _mm512_mask_storeu_ps(out + i, m,
                              _mm512_div_ps(timesInput ? x : one, _mm512_add_ps(one, cnn_exp_negative_avx512(x))));
    }
}

void cnn_sigmoid(float *out, const float *in, size_t count) {
    if (cnn_kernels_level() >= 2) cnn_logistic_avx512(out, in, count, 0);
    else cnn_sigmoid_portable(out, in, count);
}

void cnn_silu(float *out, const float *in, size_t count) {
    if (cnn_kernels_level() >= 2) cnn_logistic_avx512(out, in, count, 1);
    else cnn_silu_portable(out, in, count);
}

// Sixteen running sums, one per lane, so that the loop vectorizes without reordering a single
// sum; they are added at the end.
CNN_INLINE void cnn_channel_means_body(float *out, const float *in, size_t channels, size_t pixels) {
    for (size_t c = 0; c < channels; c++) {
        const float *plane = in + c * pixels;
        float lanes[16] = {0};
        size_t i = 0;
        for (; i + 16 <= pixels; i += 16) {
            for (size_t k = 0; k < 16; k++) lanes[k] += plane[i + k];
        }
        float sum = 0.0f;
        for (size_t k = 0; k < 16; k++) sum += lanes[k];
        for (; i < pixels; i++) sum += plane[i];
        out[c] = sum / (float)pixels;
    }
}
CNN_KERNEL(cnn_channel_means, (float *out, const float *in, size_t channels, size_t pixels), (out, in, channels, pixels))

CNN_INLINE void cnn_bias_clamp_body(float *out, size_t pitch, const float *bias, size_t channels, size_t pixels,
                                    float lower, float upper) {
    for (size_t c = 0; c < channels; c++) {
        float *plane = out + c * pitch;
        const float b = bias ? bias[c] : 0.0f;
        for (size_t p = 0; p < pixels; p++) {
            float v = plane[p] + b;
            v = v < lower ? lower : v;
            plane[p] = v > upper ? upper : v;
        }
    }
}
CNN_KERNEL(cnn_bias_clamp,
           (float *out, size_t pitch, const float *bias, size_t channels, size_t pixels, float lower, float upper),
           (out, pitch, bias, channels, pixels, lower, upper))

CNN_INLINE void cnn_add_clamp_body(float *out, const float *a, const float *b, size_t count, float lower, float upper) {
    for (size_t i = 0; i < count; i++) {
        float v = a[i] + b[i];
        v = v < lower ? lower : v;
        out[i] = v > upper ? upper : v;
    }
}
CNN_KERNEL(cnn_add_clamp, (float *out, const float *a, const float *b, size_t count, float lower, float upper),
           (out, a, b, count, lower, upper))

CNN_INLINE void cnn_clamp_backward_body(float *gradInput, const float *gradOutput, const float *input, size_t count,
                                        float lower, float upper) {
    for (size_t i = 0; i < count; i++) {
        const float x = input[i];
        gradInput[i] += x > lower && x < upper ? gradOutput[i] : 0.0f;
    }
}
CNN_KERNEL(cnn_clamp_backward,
           (float *gradInput, const float *gradOutput, const float *input, size_t count, float lower, float upper),
           (gradInput, gradOutput, input, count, lower, upper))

// MARK: Optimizers (PyTorch's update rules; see Optimizer.swift)

CNN_INLINE void cnn_sgd_step_body(float *restrict weight, const float *restrict grad, float *restrict velocity,
                                  size_t count, float learningRate, float momentum, float weightDecay) {
    for (size_t i = 0; i < count; i++) {
        const float v = momentum * velocity[i] + (grad[i] + weightDecay * weight[i]);
        velocity[i] = v;
        weight[i] -= learningRate * v;
    }
}
CNN_KERNEL(cnn_sgd_step,
           (float *weight, const float *grad, float *velocity, size_t count, float learningRate, float momentum,
            float weightDecay),
           (weight, grad, velocity, count, learningRate, momentum, weightDecay))

CNN_INLINE void cnn_adam_step_body(float *restrict weight, const float *restrict grad, float *restrict first,
                                   float *restrict second, size_t count, float learningRate, float beta1, float beta2,
                                   float epsilon, float weightDecay, float correction1, float correction2) {
    for (size_t i = 0; i < count; i++) {
        const float d = grad[i] + weightDecay * weight[i];
        const float m = beta1 * first[i] + (1 - beta1) * d;
        const float v = beta2 * second[i] + (1 - beta2) * d * d;
        first[i] = m;
        second[i] = v;
        weight[i] -= learningRate * (m / correction1) / (sqrtf(v / correction2) + epsilon);
    }
}
CNN_KERNEL(cnn_adam_step,
           (float *weight, const float *grad, float *first, float *second, size_t count, float learningRate,
            float beta1, float beta2, float epsilon, float weightDecay, float correction1, float correction2),
           (weight, grad, first, second, count, learningRate, beta1, beta2, epsilon, weightDecay, correction1,
            correction2))
