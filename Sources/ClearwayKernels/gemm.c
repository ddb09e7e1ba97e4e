#include "ClearwayKernels.h"
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

void cw_pack(const float *w, int n, int k, float *packed) {
    for (int p = 0; p < n / CW_PANEL; p++)
        for (int kk = 0; kk < k; kk++)
            for (int j = 0; j < CW_PANEL; j++)
                packed[((size_t)p * k + kk) * CW_PANEL + j] = w[(size_t)(p * CW_PANEL + j) * k + kk];
}

/* Every path below computes an element as bias, then one fused multiply-add per k in
 * ascending order, so the row blocking never changes a result. */

static void gemm_portable(const float *a, int m, int k, const float *bp, int n, const float *bias, float *c) {
    float acc[CW_PANEL];
    for (int p = 0; p < n / CW_PANEL; p++) {
        const float *panel = bp + (size_t)p * k * CW_PANEL;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < CW_PANEL; j++) acc[j] = bias[p * CW_PANEL + j];
            const float *row = a + (size_t)i * k;
            for (int kk = 0; kk < k; kk++) {
                const float x = row[kk];
                const float *b = panel + (size_t)kk * CW_PANEL;
                for (int j = 0; j < CW_PANEL; j++) acc[j] = __builtin_fmaf(x, b[j], acc[j]);
            }
            for (int j = 0; j < CW_PANEL; j++) c[(size_t)i * n + p * CW_PANEL + j] = acc[j];
        }
    }
}

#if defined(__x86_64__)
/* One block of R rows against one 64-column panel: 4R accumulators and 4 loads of the
 * panel per k, R ≤ 7 so all fit in the 32 vector registers. */
#define BLOCK512(R)                                                                              \
    __attribute__((target("avx512f"))) static void block512_##R(                                \
        const void *av, int k, const void *pv, const float *bb, float *c, int n) {               \
        const float *a = av, *panel = pv;                                                        \
        __m512 acc[R][4];                                                                        \
        for (int r = 0; r < R; r++)                                                              \
            for (int q = 0; q < 4; q++) acc[r][q] = _mm512_loadu_ps(bb + 16 * q);                \
        for (int kk = 0; kk < k; kk++) {                                                         \
            const float *b = panel + (size_t)kk * CW_PANEL;                                      \
            __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);                        \
            __m512 b2 = _mm512_loadu_ps(b + 32), b3 = _mm512_loadu_ps(b + 48);                   \
            for (int r = 0; r < R; r++) {                                                        \
                __m512 x = _mm512_set1_ps(a[(size_t)r * k + kk]);                                \
                acc[r][0] = _mm512_fmadd_ps(x, b0, acc[r][0]);                                   \
                acc[r][1] = _mm512_fmadd_ps(x, b1, acc[r][1]);                                   \
                acc[r][2] = _mm512_fmadd_ps(x, b2, acc[r][2]);                                   \
                acc[r][3] = _mm512_fmadd_ps(x, b3, acc[r][3]);                                   \
            }                                                                                    \
        }                                                                                        \
        for (int r = 0; r < R; r++)                                                              \
            for (int q = 0; q < 4; q++) _mm512_storeu_ps(c + (size_t)r * n + 16 * q, acc[r][q]); \
    }
BLOCK512(1) BLOCK512(2) BLOCK512(3) BLOCK512(4) BLOCK512(5) BLOCK512(6) BLOCK512(7)

/* One block of rows against one panel: `width` 4-byte elements a row of `a` and of the
 * panel (floats, or bfloat16 pairs). */
typedef void (*block_fn)(const void *a, int width, const void *panel, const float *bb, float *c, int n);

/* Rows are cut into blocks of even size: of at most 7 up to 64 rows (a message or a few:
 * 13 rows are 7 and 6), where streaming each panel from memory as few times as possible
 * matters most, and of at most 6 beyond, where the products are bound by arithmetic and 6
 * rows keep every accumulator in a register (measured: a lone message 2.35–2.6 ms of CPU
 * against 2.96 with blocks of 6 and a remainder; a batch 1.35–1.48 against 1.6 with 7).
 * `by_rows[r]` multiplies a block of r rows. */
static void gemm_blocks(const block_fn by_rows[8], const void *a, int m, int width, const void *bp, int n, const float *bias, float *c) {
    const int blocks = m <= 64 ? (m + 6) / 7 : (m + 5) / 6;
    for (int p = 0; p < n / CW_PANEL; p++) {
        const char *panel = (const char *)bp + (size_t)p * width * CW_PANEL * 4;
        int i = 0;
        for (int blk = 0; blk < blocks; blk++) {
            const int rows = (m - i) / (blocks - blk) + ((m - i) % (blocks - blk) ? 1 : 0);
            by_rows[rows]((const char *)a + (size_t)i * width * 4, width, panel, bias + p * CW_PANEL,
                          c + (size_t)i * n + p * CW_PANEL, n);
            i += rows;
        }
    }
}

static const block_fn blocks512[8] = {0, block512_1, block512_2, block512_3, block512_4, block512_5, block512_6, block512_7};

static void gemm_avx512(const float *a, int m, int k, const float *bp, int n, const float *bias, float *c) {
    gemm_blocks(blocks512, a, m, k, bp, n, bias, c);
}

#define ROWS256 3
__attribute__((target("avx2,fma")))
static void gemm_avx2(const float *a, int m, int k, const float *bp, int n, const float *bias, float *c) {
    for (int p = 0; p < n / CW_PANEL; p++) {
        const float *panel = bp + (size_t)p * k * CW_PANEL;
        for (int h = 0; h < CW_PANEL; h += 32) {
            const float *bb = bias + p * CW_PANEL + h;
            int i = 0;
            for (; i + ROWS256 <= m; i += ROWS256) {
                __m256 acc[ROWS256][4];
                for (int r = 0; r < ROWS256; r++)
                    for (int q = 0; q < 4; q++) acc[r][q] = _mm256_loadu_ps(bb + 8 * q);
                const float *row = a + (size_t)i * k;
                for (int kk = 0; kk < k; kk++) {
                    const float *b = panel + (size_t)kk * CW_PANEL + h;
                    __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
                    __m256 b2 = _mm256_loadu_ps(b + 16), b3 = _mm256_loadu_ps(b + 24);
                    for (int r = 0; r < ROWS256; r++) {
                        __m256 x = _mm256_set1_ps(row[(size_t)r * k + kk]);
                        acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
                        acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
                        acc[r][2] = _mm256_fmadd_ps(x, b2, acc[r][2]);
                        acc[r][3] = _mm256_fmadd_ps(x, b3, acc[r][3]);
                    }
                }
                for (int r = 0; r < ROWS256; r++)
                    for (int q = 0; q < 4; q++)
                        _mm256_storeu_ps(c + (size_t)(i + r) * n + p * CW_PANEL + h + 8 * q, acc[r][q]);
            }
            for (; i < m; i++) {
                __m256 acc[4];
                for (int q = 0; q < 4; q++) acc[q] = _mm256_loadu_ps(bb + 8 * q);
                const float *row = a + (size_t)i * k;
                for (int kk = 0; kk < k; kk++) {
                    const float *b = panel + (size_t)kk * CW_PANEL + h;
                    __m256 x = _mm256_set1_ps(row[kk]);
                    for (int q = 0; q < 4; q++) acc[q] = _mm256_fmadd_ps(x, _mm256_loadu_ps(b + 8 * q), acc[q]);
                }
                for (int q = 0; q < 4; q++) _mm256_storeu_ps(c + (size_t)i * n + p * CW_PANEL + h + 8 * q, acc[q]);
            }
        }
    }
}
#endif

typedef void (*gemm_fn)(const float *, int, int, const float *, int, const float *, float *);

static gemm_fn chosen(const char **name) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) { *name = "avx512"; return gemm_avx512; }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) { *name = "avx2"; return gemm_avx2; }
#endif
    *name = "portable";
    return gemm_portable;
}

void cw_gemm(const float *a, int m, int k, const float *packed, int n, const float *bias, float *c) {
    const char *name;
    chosen(&name)(a, m, k, packed, n, bias, c);
}

const char *cw_kernel_name(void) {
    const char *name;
    chosen(&name);
    return name;
}

/* bfloat16: the upper half of a float, rounded to nearest even. Weights and activations
 * in bf16 halve the bytes a product streams; each pair of k is one 32-bit lane and
 * `vdpbf16ps` adds both products into a float accumulator. */
static inline uint32_t bf16(float f) {
    uint32_t u;
    __builtin_memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (u >> 16) | 0x40u;  /* NaN stays NaN */
    return (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
}

void cw_pack_bf16(const float *w, int n, int k, uint32_t *packed) {
    for (int p = 0; p < n / CW_PANEL; p++)
        for (int t = 0; t < k / 2; t++)
            for (int j = 0; j < CW_PANEL; j++) {
                const float *row = w + (size_t)(p * CW_PANEL + j) * k;
                packed[((size_t)p * (k / 2) + t) * CW_PANEL + j] = bf16(row[2 * t]) | bf16(row[2 * t + 1]) << 16;
            }
}

int cw_has_bf16(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bf16");
#else
    return 0;
#endif
}

#if defined(__x86_64__)
#define BLOCKBF(R)                                                                                       \
    __attribute__((target("avx512f,avx512bf16"))) static void blockbf_##R(                              \
        const void *av, int half, const void *pv, const float *bb, float *c, int n) {                    \
        const uint32_t *a = av, *panel = pv;                                                             \
        __m512 acc[R][4];                                                                                \
        for (int r = 0; r < R; r++)                                                                      \
            for (int q = 0; q < 4; q++) acc[r][q] = _mm512_loadu_ps(bb + 16 * q);                        \
        for (int t = 0; t < half; t++) {                                                                 \
            const uint32_t *b = panel + (size_t)t * CW_PANEL;                                            \
            __m512bh b0 = (__m512bh)_mm512_loadu_si512(b), b1 = (__m512bh)_mm512_loadu_si512(b + 16);    \
            __m512bh b2 = (__m512bh)_mm512_loadu_si512(b + 32), b3 = (__m512bh)_mm512_loadu_si512(b + 48); \
            for (int r = 0; r < R; r++) {                                                                \
                __m512bh x = (__m512bh)_mm512_set1_epi32((int)a[(size_t)r * half + t]);                  \
                acc[r][0] = _mm512_dpbf16_ps(acc[r][0], x, b0);                                          \
                acc[r][1] = _mm512_dpbf16_ps(acc[r][1], x, b1);                                          \
                acc[r][2] = _mm512_dpbf16_ps(acc[r][2], x, b2);                                          \
                acc[r][3] = _mm512_dpbf16_ps(acc[r][3], x, b3);                                          \
            }                                                                                            \
        }                                                                                                \
        for (int r = 0; r < R; r++)                                                                      \
            for (int q = 0; q < 4; q++) _mm512_storeu_ps(c + (size_t)r * n + 16 * q, acc[r][q]);         \
    }
BLOCKBF(1) BLOCKBF(2) BLOCKBF(3) BLOCKBF(4) BLOCKBF(5) BLOCKBF(6) BLOCKBF(7)

static const block_fn blocksbf[8] = {0, blockbf_1, blockbf_2, blockbf_3, blockbf_4, blockbf_5, blockbf_6, blockbf_7};
#endif

void cw_gemm_bf16(const float *a, int m, int k, const uint32_t *packed, int n, const float *bias, float *c, uint32_t *scratch) {
    for (size_t i = 0; i < (size_t)m * (k / 2); i++) scratch[i] = bf16(a[2 * i]) | bf16(a[2 * i + 1]) << 16;
#if defined(__x86_64__)
    gemm_blocks(blocksbf, scratch, m, k / 2, packed, n, bias, c);
#endif
}
