// The GEMM micro-kernel and B packing, compiled once per ISA (included by isa/<isa>.cc inside its own namespace).
// Register blocking: MR rows x NV vectors of C stay in registers for the whole k loop (8 x 3 zmm on AVX-512,
// 6 x 2 ymm on AVX2); per k step one packed row of B~ is loaded (NV vectors) and each A element is broadcast once
// and feeds NV fused multiply-adds, so loads are well under one per FMA. Tile<MR, NV> is one shape; each ISA
// builds its main one and a second for products whose n the main one would pad (isa-impl.h).
#pragma once

#if defined(TSB_GEMM_ASM_6X16)
#include "gemm-6x16-avx2.h"
#endif

static inline vf load_aligned(const float* p) { return *reinterpret_cast<const vf*>(p); }


// One tile shape: MR rows x NV vectors of C. Each ISA instantiates two (isa-impl.h); the GEMM driver picks per product.
template <int MR, int NV>
struct Tile {
  static constexpr int NR = NV * TSB_W;
  static constexpr bool kPrefetchC = TSB_GEMM_PACKS_A != 0;
  static constexpr int kUnrollK = TSB_GEMM_UNROLL_K;

  // kRowMajorA: A element (i, p) at a[i * rs + p] (rows of A read in place); otherwise at a[i + p * cs]
  // (a transposed A, or the zero-padded copy the driver makes for a partial tile: mr floats per k step).
  template <bool kRowMajorA>
  static inline void tile_impl(long kc, const float* a, long rs, long cs, const float* b, float* c, long ldc,
                               float alpha, float beta) {
    vf acc[MR][NV];
    if (kPrefetchC) {
      // The driver walks a packed A block down a column strip of C (see GemmTileShape::packs_a): tiles ldc apart,
      // which the hardware prefetcher does not follow. Fetch this tile now; the k loop hides the latency.
  #pragma GCC unroll 16
      for (int i = 0; i < MR; ++i) {
        __builtin_prefetch(c + i * ldc, 1);
        __builtin_prefetch(c + i * ldc + NR - 1, 1);
      }
    }
  #if defined(TSB_GEMM_ASM_6X16)
    if constexpr (!kRowMajorA && MR == 6 && NR == 16) {
      alignas(32) float sums[MR * NR];
      gemm_6x16_packed(kc, a, b, sums);
  #pragma GCC unroll 16
      for (int i = 0; i < MR; ++i)
  #pragma GCC unroll 4
        for (int j = 0; j < NV; ++j) acc[i][j] = load_aligned(sums + i * NR + j * TSB_W);
    } else
  #endif
    {
      k_loop<kRowMajorA>(acc, kc, a, rs, cs, b);
    }
    store_tile(acc, c, ldc, alpha, beta);
  }

  // acc = A~ . B~ over kc steps (the portable micro-kernel).
  template <bool kRowMajorA>
  static inline void k_loop(vf (&acc)[MR][NV], long kc, const float* a, long rs, long cs, const float* b) {
  #pragma GCC unroll 16
    for (int i = 0; i < MR; ++i)
  #pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) acc[i][j] = splat(0.0f);

    const float* rows[MR];
  #pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) rows[i] = a + i * rs;

    auto step = [&](long p) __attribute__((always_inline)) {
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
    };
    long p = 0;
    if constexpr (kUnrollK > 1) {
      // Several k steps per loop trip: the loop's own instructions (counter, compare, branch, pointer bumps) no
      // longer crowd the FMAs out of the dispatch slots (measured on Zen 3: 6 x 16 in L1, 75 % of the FMA peak
      // one step per trip, 91 % four).
      for (; p + kUnrollK <= kc; p += kUnrollK)
  #pragma GCC unroll 8
        for (int u = 0; u < kUnrollK; ++u) step(p + u);
    }
    for (; p < kc; ++p) step(p);
  }

  // C = alpha * acc + beta * C.
  static inline void store_tile(const vf (&acc)[MR][NV], float* c, long ldc, float alpha, float beta) {
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

  // Copies an A sliver (element (i, p) at a[i * rs + p * cs], rows valid of MR) k-major into ap[p * MR + i],
  // zero-padding rows past `rows`. Used for partial slivers and for transposed A (whose sliver in place would be MR
  // floats out of every lda, half of each cache line it pulls into L1 wasted).
  static void pack_a_sliver(float* ap, const float* a, long rs, long cs, long kc, long rows) {
    if (cs == 1 && rows == MR) {
      // Row-major A: MR row streams, one float from each per k step.
      for (long p = 0; p < kc; ++p)
  #pragma GCC unroll 16
        for (int i = 0; i < MR; ++i) ap[p * MR + i] = a[i * rs + p];
      return;
    }
    if (rs == 1 && rows == MR) {
      for (long p = 0; p < kc; ++p) {
        const float* src = a + p * cs;
  #pragma GCC unroll 16
        for (int i = 0; i < MR; ++i) ap[p * MR + i] = src[i];
      }
      return;
    }
    for (long p = 0; p < kc; ++p)
      for (int i = 0; i < MR; ++i) ap[p * MR + i] = i < rows ? a[i * rs + p * cs] : 0.0f;
  }

  // Packs the slivers of a transposed A block (element (i, p) at a[i + p * lda], rows valid) sliver-major:
  // sliver s at ap[s * kc * MR], k-major inside (ap[s * kc * MR + p * MR + i]), zero-padding rows past `rows`.
  // One pass over the block's k rows reads each row's floats contiguously (whole cache lines, one page per row)
  // instead of MR floats per sliver per row.
  static void pack_a_block_t(float* ap, const float* a, long lda, long kc, long rows) {
    const long slivers = (rows + MR - 1) / MR;
    const long full = rows / MR;
    // Rows lda apart defeat the hardware prefetcher: fetch the row kPrefetchRows ahead by hand (measured: without
    // this, copying A cost a quarter of the multiply on [2048, 768]^T . [2048, 768]).
    constexpr long kPrefetchRows = 16;
    for (long p = 0; p < kc; ++p) {
      const float* src = a + p * lda;
      if (p + kPrefetchRows < kc)
        for (long i = 0; i < rows; i += 16) __builtin_prefetch(src + kPrefetchRows * lda + i);
      for (long sl = 0; sl < full; ++sl) {
        float* dst = ap + sl * kc * MR + p * MR;
  #pragma GCC unroll 16
        for (int i = 0; i < MR; ++i) dst[i] = src[sl * MR + i];
      }
      for (long sl = full; sl < slivers; ++sl) {
        float* dst = ap + sl * kc * MR + p * MR;
        for (int i = 0; i < MR; ++i) dst[i] = sl * MR + i < rows ? src[sl * MR + i] : 0.0f;
      }
    }
  }


  // Packs a row-major A block (element (i, p) at a[i * lda + p], rows valid) into slivers, laid out as
  // pack_a_block_t's.
  static void pack_a_block(float* ap, const float* a, long lda, long kc, long rows) {
    for (long sl = 0; sl * MR < rows; ++sl)
      pack_a_sliver(ap + sl * kc * MR, a + sl * MR * lda, lda, 1, kc, rows - sl * MR < MR ? rows - sl * MR : MR);
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
    // B stored [n, k] (a Linear weight): a transpose, TSB_W x TSB_W blocks at a time in registers.
    auto scalar_block = [&](long p_begin, long p_end, long j_begin, long j_end) {
      for (long p = p_begin; p < p_end; ++p)
        for (long j = j_begin; j < j_end; ++j) bp[p * NR + j] = j < n_valid ? b[j * ns + p * ks] : 0.0f;
    };
    long p0 = 0;
  #if !defined(__clang__)
    for (; ks == 1 && p0 + TSB_W <= kc; p0 += TSB_W) {
      for (long j0 = 0; j0 < NR; j0 += TSB_W) {
        if (j0 + TSB_W > n_valid) {
          scalar_block(p0, p0 + TSB_W, j0, j0 + TSB_W);
          continue;
        }
        vf r[TSB_W];
        for (int i = 0; i < TSB_W; ++i) r[i] = loadu(b + (j0 + i) * ns + p0 * ks);
        transpose_in_registers(r);
        for (int i = 0; i < TSB_W; ++i) storeu(bp + (p0 + i) * NR + j0, r[i]);
      }
    }
  #endif
    scalar_block(p0, kc, 0, NR);
  }
};  // struct Tile
