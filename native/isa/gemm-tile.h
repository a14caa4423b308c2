// The GEMM micro-kernel and B packing, compiled once per ISA (included by isa/<isa>.cc inside its own namespace).
// Register blocking: TSB_MR rows x TSB_NV vectors of C stay in registers for the whole k loop (8 x 3 zmm on
// AVX-512, 6 x 2 ymm on AVX2); per k step one packed row of B~ is loaded (TSB_NV vectors) and each A element is
// broadcast once and feeds TSB_NV fused multiply-adds, so loads are well under one per FMA.
#pragma once

constexpr int MR = TSB_MR;
constexpr int NV = TSB_NV;
constexpr int NR = TSB_NV * TSB_W;

static inline vf load_aligned(const float* p) { return *reinterpret_cast<const vf*>(p); }

// kRowMajorA: A element (i, p) at a[i * rs + p] (rows of A read in place); otherwise at a[i + p * cs]
// (a transposed A, or the zero-padded copy the driver makes for a partial tile: mr floats per k step).
template <bool kRowMajorA>
static inline void tile_impl(long kc, const float* a, long rs, long cs, const float* b, float* c, long ldc,
                             float alpha, float beta) {
  vf acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) acc[i][j] = splat(0.0f);

  const float* rows[MR];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) rows[i] = a + i * rs;

  for (long p = 0; p < kc; ++p) {
    vf bv[NV];
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) bv[j] = load_aligned(b + j * TSB_W);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const vf ai = splat(kRowMajorA ? rows[i][p] : a[i]);
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) acc[i][j] = vfma(ai, bv[j], acc[i][j]);
    }
    b += NR;
    if (!kRowMajorA) a += cs;
  }

  if (beta == 0.0f) {
    // beta = 0 overwrites: C's old contents (possibly NaN) are never read.
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) storeu(c + i * ldc + j * TSB_W, alpha * acc[i][j]);
  } else {
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) {
        float* cp = c + i * ldc + j * TSB_W;
        storeu(cp, alpha * acc[i][j] + beta * loadu(cp));
      }
  }
}

static void gemm_tile(long kc, const float* a, long rs, long cs, const float* b, float* c, long ldc, float alpha,
                      float beta) {
  if (cs == 1)
    tile_impl<true>(kc, a, rs, cs, b, c, ldc, alpha, beta);
  else
    tile_impl<false>(kc, a, rs, cs, b, c, ldc, alpha, beta);
}

// One nr-wide panel of B~: b_packed[p * NR + j] = B(p, j), zero past n_valid.
static void pack_b_panel(float* bp, const float* b, long ks, long ns, long kc, long n_valid) {
  if (ns == 1) {
    // B rows are contiguous along n: a vector copy per k step.
    for (long p = 0; p < kc; ++p) {
      const float* src = b + p * ks;
      float* dst = bp + p * NR;
      if (n_valid == NR) {
#pragma GCC unroll 4
        for (int j = 0; j < NV; ++j) storeu(dst + j * TSB_W, loadu(src + j * TSB_W));
      } else {
        for (long j = 0; j < NR; ++j) dst[j] = j < n_valid ? src[j] : 0.0f;
      }
    }
    return;
  }
  // B stored [n, k] (a Linear weight): a transpose. Go down each stored row of B (contiguous in p) and scatter
  // into the panel; blocks of 8 k steps keep the nr destination rows in L1.
  for (long p0 = 0; p0 < kc; p0 += 64) {
    const long pend = p0 + 64 < kc ? p0 + 64 : kc;
    for (long j = 0; j < NR; ++j) {
      if (j < n_valid) {
        const float* src = b + j * ns;
        for (long p = p0; p < pend; ++p) bp[p * NR + j] = src[p * ks];
      } else {
        for (long p = p0; p < pend; ++p) bp[p * NR + j] = 0.0f;
      }
    }
  }
}
