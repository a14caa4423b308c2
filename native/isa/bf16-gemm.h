// The bfloat16 GEMM's micro-kernel (IsaKernels::bf16_gemm): vdpbf16ps where the ISA file defines TSB_BF16_DPBF16
// (AVX512-BF16), AMX tiles (tdpbf16ps) where it defines TSB_BF16_AMX; elsewhere the table's entry is null.
//
// Both add each pair of products of adjacent bfloat16 (exact: 8-bit significands) to a float32 accumulator in their
// own order, rounding to nearest even, with bfloat16 denormal inputs read as zero and denormal results flushed (they
// ignore MXCSR). So their sums differ from the float32 GEMM on the widened operands by float32 rounding of the
// additions (and by denormals), not bit for bit.
//
// Layout, in the driver's float buffers (one pair per 32-bit slot; pairs = ceil(kc / 2) rounded up to PAIR_ALIGN,
// the pad 0): an A sliver is MR rows of pairs, row i at i * pairs slots (row-major: the 8 x 48 tile and AMX's A
// tiles read it with a row stride); a B panel is pairs x NR slots, pair p of column j at p * NR + j:
// (b[2p, j], b[2p + 1, j]), the even k in the low half as both instructions pair them (a B tile is 16 such rows).
template <int MR, int NR, int PAIR_ALIGN>
struct Bf16PairPacking {
  static long pairs_of(long kc) { return ((kc + 1) / 2 + PAIR_ALIGN - 1) / PAIR_ALIGN * PAIR_ALIGN; }

  static void pack_a_block(float* a_packed, const uint16_t* a, bool trans, long lda, long kc, long rows) {
    const long pairs = pairs_of(kc);
    const long slivers = (rows + MR - 1) / MR;
    // Transposed A: its k-th row holds the slivers' rows side by side. Whole slivers, 16 k at a time, go through
    // a transpose (pack_pairs_transposed); the rest, a value at a time.
    long vector_k = 0;
#if defined(__AVX2__)
    if (trans && MR == 8) {
      vector_k = kc / 16 * 16;
      for (long p = 0; p < vector_k; p += 16)  // every sliver of these 16 rows while they are in L1
        for (long s = 0; s < rows / MR; ++s)
          pack_pairs_transposed(reinterpret_cast<uint32_t*>(a_packed + s * kc * MR), pairs, a + p * lda + s * MR, lda, p);
    }
#endif
    for (long s = 0; s < slivers; ++s) {
      uint16_t* sliver = reinterpret_cast<uint16_t*>(a_packed + s * kc * MR);
      const long valid = std::min<long>(MR, rows - s * MR);
      if (trans) {  // write one value per row
        for (long p = valid == MR ? vector_k : 0; p < kc; ++p) {
          const uint16_t* src = a + p * lda + s * MR;
          for (long r = 0; r < valid; ++r) sliver[r * pairs * 2 + p] = src[r];
        }
      }
      for (long r = 0; r < MR; ++r) {
        uint16_t* out = sliver + r * pairs * 2;
        long p = 0;
        if (r < valid) {
          if (!trans) std::memcpy(out, a + (s * MR + r) * lda, static_cast<size_t>(kc) * 2);  // the pairs as they lie
          p = kc;
        }
        std::memset(out + p, 0, static_cast<size_t>(2 * pairs - p) * 2);
      }
    }
  }

#if defined(__AVX2__)
  // Rows k0 .. k0 + 15 of a transposed A's 8 columns (src: column 0 of row k0) into an 8-row sliver's pair words
  // (rows32: row r at r * pairs, pair k0 / 2 + j; the even k in the low half): interleaved in pairs, then an 8 x 8
  // transpose of 32-bit words, so each row gets its 8 pairs in one store. A value at a time, the weight gradient's
  // transposed dy cost 16 % of its product.
  static void pack_pairs_transposed(uint32_t* rows32, long pairs, const uint16_t* src, long lda, long k0) {
    __m256i w[8];  // w[j] lane r: pair j of row r
    for (int j = 0; j < 8; ++j) {
      const __m128i even = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * j * lda));
      const __m128i odd = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + (2 * j + 1) * lda));
      w[j] = _mm256_set_m128i(_mm_unpackhi_epi16(even, odd), _mm_unpacklo_epi16(even, odd));
    }
    const __m256i t0 = _mm256_unpacklo_epi32(w[0], w[1]), t1 = _mm256_unpackhi_epi32(w[0], w[1]);
    const __m256i t2 = _mm256_unpacklo_epi32(w[2], w[3]), t3 = _mm256_unpackhi_epi32(w[2], w[3]);
    const __m256i t4 = _mm256_unpacklo_epi32(w[4], w[5]), t5 = _mm256_unpackhi_epi32(w[4], w[5]);
    const __m256i t6 = _mm256_unpacklo_epi32(w[6], w[7]), t7 = _mm256_unpackhi_epi32(w[6], w[7]);
    const __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
    const __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
    const __m256i u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6);
    const __m256i u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7);
    const __m256i rows[8] = {
        _mm256_permute2x128_si256(u0, u4, 0x20), _mm256_permute2x128_si256(u1, u5, 0x20),
        _mm256_permute2x128_si256(u2, u6, 0x20), _mm256_permute2x128_si256(u3, u7, 0x20),
        _mm256_permute2x128_si256(u0, u4, 0x31), _mm256_permute2x128_si256(u1, u5, 0x31),
        _mm256_permute2x128_si256(u2, u6, 0x31), _mm256_permute2x128_si256(u3, u7, 0x31)};
    for (int r = 0; r < 8; ++r)
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(rows32 + r * pairs + k0 / 2), rows[r]);
  }
#endif

  static void pack_b_panel(float* b_packed, const uint16_t* b, long k_stride, long n_stride, long kc, long n_valid) {
    uint32_t* out32 = reinterpret_cast<uint32_t*>(b_packed);
    const long pairs = pairs_of(kc);
    const long full = kc / 2;
    if (k_stride == 1) {  // B's columns are rows of k values (a Linear's weight [n, k]): each pair is one 32-bit copy
      for (long j = 0; j < n_valid; ++j) {
        const uint16_t* column = b + j * n_stride;
        for (long p = 0; p < full; ++p) std::memcpy(out32 + p * NR + j, column + 2 * p, 4);
      }
    } else {  // B's rows are k: pair p interleaves rows 2p and 2p + 1
      for (long p = 0; p < full; ++p) {
        const uint16_t* even = b + 2 * p * k_stride;
        const uint16_t* odd = even + k_stride;
        for (long j = 0; j < n_valid; ++j)
          out32[p * NR + j] = uint32_t{even[j * n_stride]} | uint32_t{odd[j * n_stride]} << 16;
      }
    }
    for (long j = 0; j < NR; ++j) {
      long p = full;
      if (j < n_valid && kc % 2 != 0) out32[p++ * NR + j] = b[(kc - 1) * k_stride + j * n_stride];  // (b, 0)
      for (; p < pairs; ++p) out32[p * NR + j] = 0;
      if (j >= n_valid)
        for (p = 0; p < full; ++p) out32[p * NR + j] = 0;
    }
  }

  // c = alpha * sums + beta * c (beta == 0 never reads c), sums [MR, NR] as the tile left them.
  static void write_c(const float* sums, float* c, long ldc, float alpha, float beta) {
    for (long i = 0; i < MR; ++i)
      for (long j = 0; j < NR; ++j) {
        const float v = alpha * sums[i * NR + j];
        c[i * ldc + j] = beta == 0.0f ? v : v + beta * c[i * ldc + j];
      }
  }
};

#if defined(TSB_BF16_DPBF16)
#include "dot-tile-8x48.h"

struct Bf16DotTile : Bf16PairPacking<8, 48, 1> {
  static constexpr int MR = 8, NR = 48;

  TSB_DOT_8X48(dpbf16_8x48, "vdpbf16ps")

  static void gemm_tile(long kc, const float* a, long, long, const float* b, float* c, long ldc, float alpha,
                        float beta) {
    const long pairs = pairs_of(kc);
    alignas(64) float sums[MR * NR];
    dpbf16_8x48(pairs, reinterpret_cast<const char*>(a), pairs * 4, reinterpret_cast<const char*>(b), sums);
    write_c(sums, c, ldc, alpha, beta);
  }
};

constexpr Bf16GemmKernel bf16_gemm_kernel() {
  using T = Bf16DotTile;
  return {T::MR, T::NR, 1, T::gemm_tile, T::pack_a_block, T::pack_b_panel};
}
#elif defined(TSB_BF16_AMX)
#include "amx-tiles.h"

// AMX-BF16: tdpbf16ps adds to a 16 x 16 float32 tile C the products of A's 16 rows of 32 pairs with B's 16 rows of 16
// columns' pairs. 32 x 32 tile as the int8 AMX kernel's (isa/int8-gemm.h; tiles of 16 rows of 64 bytes,
// amx-tiles.h): C in tmm0-3, A in tmm4-5, B in tmm6-7; k in steps of 32 (16 pairs), the pad zero.
struct Bf16AmxTile : Bf16PairPacking<32, 32, 16> {
  static constexpr int MR = 32, NR = 32;

  static void gemm_tile(long kc, const float* a, long, long, const float* b, float* c, long ldc, float alpha,
                        float beta) {
    amx_configure();
    const long pairs = pairs_of(kc);
    const long lda = pairs * 4;
    constexpr long kBStride = NR * 4, kSumsStride = NR * 4;
    const char* ap = reinterpret_cast<const char*>(a);
    const char* bp = reinterpret_cast<const char*>(b);
    _tile_zero(0);
    _tile_zero(1);
    _tile_zero(2);
    _tile_zero(3);
    TSB_AMX_32X32_STEPS(_tile_dpbf16ps, pairs / 16, ap, lda, bp, kBStride);
    alignas(64) float sums[MR * NR];
    TSB_AMX_32X32_STORE(reinterpret_cast<char*>(sums), kSumsStride);
    write_c(sums, c, ldc, alpha, beta);
  }
};

constexpr Bf16GemmKernel bf16_gemm_kernel() {
  using T = Bf16AmxTile;
  // k blocks of at least 32: the pairs padded to 16 then fit the float32 sliver and panel the driver allots.
  return {T::MR, T::NR, 32, T::gemm_tile, T::pack_a_block, T::pack_b_panel};
}
#else
constexpr Bf16GemmKernel bf16_gemm_kernel() { return {0, 0, 0, nullptr, nullptr, nullptr}; }
#endif
