#include "ClearwayKernels.h"

/* erf as a ratio of an odd and an even polynomial on [-4, 4] (beyond it erf is ±1 in
 * single precision), the rational approximation Eigen uses for float: within 1e-7 of the
 * true erf, and free of branches and library calls so the loop vectorises. */
#if defined(__x86_64__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void cw_gelu(float *v, long count) {
    for (long i = 0; i < count; i++) {
        const float x = v[i];
        float t = x * 0.70710678118654752f;
        t = t > 4.f ? 4.f : (t < -4.f ? -4.f : t);
        const float t2 = t * t;
        float p = -2.72614225801306e-10f;
        p = p * t2 + 2.77068142495902e-08f;
        p = p * t2 - 2.10102402082508e-06f;
        p = p * t2 - 5.69250639462346e-05f;
        p = p * t2 - 7.34990630326855e-04f;
        p = p * t2 - 2.95459980854025e-03f;
        p = p * t2 - 1.60960333262415e-02f;
        p *= t;
        float q = -1.45660718464996e-05f;
        q = q * t2 - 2.13374055278905e-04f;
        q = q * t2 - 1.68282697438203e-03f;
        q = q * t2 - 7.37332916720468e-03f;
        q = q * t2 - 1.42647390514189e-02f;
        v[i] = 0.5f * x * (1.f + p / q);
    }
}
