// The bfloat16 GEMM's micro-kernel (IsaKernels::bf16_gemm), compiled where the ISA file defines TSB_BF16_DPBF16
// (AVX512-BF16); elsewhere the table's entry is null.
//
// vdpbf16ps: each float32 lane adds the two products of a pair of adjacent bfloat16 from each operand (exact: 8-bit
// significands) to its accumulator, rounding to nearest even, with bfloat16 denormal inputs read as zero and denormal
// results flushed (it ignores MXCSR). So its sums differ from the float32 GEMM on the widened operands by float32
// rounding of the additions (and by denormals), not bit for bit.
//
// Layout, in the driver's float buffers (one pair per 32-bit slot, pairs = ceil(kc / 2), the odd k padded with 0):
// an A sliver is mr rows of pairs, row i at i * pairs slots (row-major, which the 8 x 48 tile reads with a row
// stride); a B panel is pairs x nr slots, pair p of column j at p * nr + j: (b[2p, j], b[2p + 1, j]), the even k in
// the low half as vdpbf16ps pairs them.
#if defined(TSB_BF16_DPBF16)
#include "dot-tile-8x48.h"

struct Bf16DotTile {
  static constexpr int MR = 8, NR = 48;

  static void pack_a_block(float* a_packed, const uint16_t* a, bool trans, long lda, long kc, long rows) {
    const long pairs = (kc + 1) / 2;
    const long slivers = (rows + MR - 1) / MR;
    for (long s = 0; s < slivers; ++s) {
      uint16_t* sliver = reinterpret_cast<uint16_t*>(a_packed + s * kc * MR);
      for (long r = 0; r < MR; ++r) {
        const long i = s * MR + r;
        uint16_t* out = sliver + r * pairs * 2;
        if (i >= rows) {
          std::memset(out, 0, static_cast<size_t>(pairs) * 4);
        } else if (!trans) {  // a row of A is its k values in order: the pairs as they lie
          std::memcpy(out, a + i * lda, static_cast<size_t>(kc) * 2);
          if (kc % 2 != 0) out[kc] = 0;
        } else {
          for (long p = 0; p < kc; ++p) out[p] = a[p * lda + i];
          if (kc % 2 != 0) out[kc] = 0;
        }
      }
    }
  }

  static void pack_b_panel(float* b_packed, const uint16_t* b, long k_stride, long n_stride, long kc, long n_valid) {
    uint16_t* out = reinterpret_cast<uint16_t*>(b_packed);
    const long pairs = (kc + 1) / 2;
    if (k_stride == 1) {  // B's columns are rows of k values (a Linear's weight [n, k]): each pair is one 32-bit copy
      uint32_t* out32 = reinterpret_cast<uint32_t*>(b_packed);
      for (long j = 0; j < NR; ++j) {
        if (j >= n_valid) {
          for (long p = 0; p < pairs; ++p) out32[p * NR + j] = 0;
          continue;
        }
        const uint16_t* column = b + j * n_stride;
        for (long p = 0; p < kc / 2; ++p) std::memcpy(out32 + p * NR + j, column + 2 * p, 4);
        if (kc % 2 != 0) out32[(pairs - 1) * NR + j] = column[kc - 1];  // (b[kc - 1, j], 0), little-endian
      }
      return;
    }
    for (long p = 0; p < pairs; ++p)
      for (long j = 0; j < NR; ++j)
        for (long h = 0; h < 2; ++h) {
          const long k = 2 * p + h;
          out[(p * NR + j) * 2 + h] = j < n_valid && k < kc ? b[k * k_stride + j * n_stride] : 0;
        }
  }

  TSB_DOT_8X48(dpbf16_8x48, "vdpbf16ps")

  static void gemm_tile(long kc, const float* a, long, long, const float* b, float* c, long ldc, float alpha,
                        float beta) {
    const long pairs = (kc + 1) / 2;
    alignas(64) float sums[MR * NR];
    dpbf16_8x48(pairs, reinterpret_cast<const char*>(a), pairs * 4, reinterpret_cast<const char*>(b), sums);
    for (long i = 0; i < MR; ++i)
      for (long j = 0; j < NR; ++j) {
        const float v = alpha * sums[i * NR + j];
        c[i * ldc + j] = beta == 0.0f ? v : v + beta * c[i * ldc + j];
      }
  }
};

constexpr Bf16GemmKernel bf16_gemm_kernel() {
  return {Bf16DotTile::MR, Bf16DotTile::NR, Bf16DotTile::gemm_tile, Bf16DotTile::pack_a_block,
          Bf16DotTile::pack_b_panel};
}
#else
constexpr Bf16GemmKernel bf16_gemm_kernel() { return {0, 0, nullptr, nullptr, nullptr}; }
#endif
