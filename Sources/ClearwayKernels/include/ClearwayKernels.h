#ifndef CLEARWAY_KERNELS_H
#define CLEARWAY_KERNELS_H

#include <stdint.h>

/// Dense float kernels for the sentence encoder. Matrices are row-major. Each output element
/// is computed by the same sequence of operations whatever rows share a call, so a message
/// encodes to the same bits alone or in a batch.

/// Width of a packed weight panel, in columns.
#define CW_PANEL 64

/// Packs a weight matrix stored as `w[n][k]` (one row per output) into panels of
/// CW_PANEL outputs: `packed[p][kk][j] = w[p * CW_PANEL + j][kk]`. `n` must be a multiple of
/// CW_PANEL; `packed` holds n * k floats.
void cw_pack(const float *w, int n, int k, float *packed);

/// c[m][n] = a[m][k] · packed-weights + bias[n].
void cw_gemm(const float *a, int m, int k, const float *packed, int n, const float *bias, float *c);

/// In place: x = x · Φ(x), the exact GELU (through an erf accurate to float precision).
void cw_gelu(float *x, long count);

/// Self-attention of one message: `qkv[n][3 * heads * head_dim]` holds each token's query, key
/// and value; writes `context[n][heads * head_dim]`. `scores` holds n floats.
void cw_attention(const float *qkv, int n, int heads, int head_dim, float *context, float *scores);

/// In place, row by row: x = LayerNorm(x + add) with `gamma`, `beta`; `add` may be NULL.
void cw_add_layernorm(float *x, const float *add, int rows, int dim, const float *gamma, const float *beta, float eps);

/// Whether this machine has bfloat16 dot products (AVX512-BF16).
int cw_has_bf16(void);

/// Packs `w[n][k]` (k even) as bfloat16 pairs: `packed[p][t][j]` holds outputs
/// p * CW_PANEL + j at k = 2t (low half) and 2t + 1 (high half).
void cw_pack_bf16(const float *w, int n, int k, uint32_t *packed);

/// c = a · packed + bias with a and the weights rounded to bfloat16 and sums in float; only
/// where cw_has_bf16(). `scratch` holds m * k / 2 pairs.
void cw_gemm_bf16(const float *a, int m, int k, const uint32_t *packed, int n, const float *bias, float *c, uint32_t *scratch);

/// Which instruction set cw_gemm uses here: "avx512", "avx2" or "portable".
const char *cw_kernel_name(void);

#endif
