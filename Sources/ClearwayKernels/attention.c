#include "ClearwayKernels.h"
#include <math.h>

#if defined(__x86_64__)
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CLONES
#endif

CLONES
void cw_attention(const float *qkv, int n, int heads, int head_dim, float *context, float *scores) {
    const int width = heads * head_dim, stride = 3 * width;
    const float scale = 1.f / sqrtf((float)head_dim);
    for (int h = 0; h < heads; h++) {
        const int off = h * head_dim;
        for (int i = 0; i < n; i++) {
            const float *q = qkv + (long)i * stride + off;
            float top = -INFINITY;
            for (int j = 0; j < n; j++) {
                const float *k = qkv + (long)j * stride + width + off;
                float s = 0.f;
                for (int d = 0; d < head_dim; d++) s += q[d] * k[d];
                s *= scale;
                scores[j] = s;
                if (s > top) top = s;
            }
            float sum = 0.f;
            for (int j = 0; j < n; j++) { scores[j] = expf(scores[j] - top); sum += scores[j]; }
            const float inv = 1.f / sum;
            float *out = context + (long)i * width + off;
            for (int d = 0; d < head_dim; d++) out[d] = 0.f;
            for (int j = 0; j < n; j++) {
                const float *v = qkv + (long)j * stride + 2 * width + off;
                const float p = scores[j] * inv;
                for (int d = 0; d < head_dim; d++) out[d] += p * v[d];
            }
        }
    }
}

CLONES
void cw_add_layernorm(float *x, const float *add, int rows, int dim, const float *gamma, const float *beta, float eps) {
    for (int r = 0; r < rows; r++) {
        float *v = x + (long)r * dim;
        const float *a = add ? add + (long)r * dim : 0;
        float mean = 0.f;
        for (int d = 0; d < dim; d++) { if (a) v[d] += a[d]; mean += v[d]; }
        mean /= (float)dim;
        float var = 0.f;
        for (int d = 0; d < dim; d++) { const float c = v[d] - mean; var += c * c; }
        const float inv = 1.f / sqrtf(var / (float)dim + eps);
        for (int d = 0; d < dim; d++) v[d] = (v[d] - mean) * inv * gamma[d] + beta[d];
    }
}
