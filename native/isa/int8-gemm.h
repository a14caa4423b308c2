// int8 inference kernels, compiled once per ISA (included by isa/<isa>.cc inside its own namespace):
// quantize_rows and quantize_rows_asymmetric (float32 -> int8 + row scales (+ offsets), the same float32 steps as
// src/backend/js/quantize-rows.ts), the
// int8 GEMM's micro-kernels — on int16 pairs (vpmaddwd: exact int32 sums for any int8, no saturation) and, on AVX2,
// u8 x s8 for 7-bit weights (vpmaddubsw: exact because the weights stay in [-63, 63]) — their packing, and the
// epilogue that turns the int32 sums into float32 (row scale x column scale, bias, GELU, residual).
//
// The micro-kernel seam (Int8GemmKernel in isa-kernels.h) is what a VNNI kernel would fill in the u8 x s8 kernel's
// way: A as unsigned bytes (a + 128) and B as signed bytes in groups of 4 k, vpdpbusd (no saturation, so 8-bit
// weights), the tile starting from -128 x each column's sum of B; the driver (native/int8-gemm.cc) and the epilogue
// stay as they are.
#pragma once

// 1.5 * 2^23: (t + magic) - magic rounds t (|t| <= 2^22) to an integer, half to even, in float32 arithmetic.
constexpr float kRoundMagic = 12582912.0f;
constexpr float kFloat32Max = 3.40282346638528859812e+38f;

typedef int8_t vbytes __attribute__((vector_size(TSB_W)));

// Stores the first `count` lanes of v (each in [-128, 127]) as bytes. On AVX2, two saturating packs (exact in this
// range): the generic narrowing compiles to a byte extract per lane, which made quantize_rows compute-bound at about
// 2.5 cycles an element — as slow on two threads as on one (docs/quantization.md, "Speed on two threads").
static inline void store_bytes(int8_t* dst, vi v, long count) {
#if TSB_W == 8 && defined(__AVX2__)
  if (count == TSB_W) {
    const __m128i words = _mm_packs_epi32(_mm256_castsi256_si128((__m256i)v), _mm256_extracti128_si256((__m256i)v, 1));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(dst), _mm_packs_epi16(words, words));
    return;
  }
#endif
  const vbytes bytes = __builtin_convertvector(v, vbytes);
  std::memcpy(dst, &bytes, static_cast<size_t>(count));
}

// See IsaKernels::quantize_rows.
static void quantize_rows(int8_t* q, float* scales, const float* x, long rows, long cols, int max_level) {
  const float level = static_cast<float>(max_level);
  const long body = cols - cols % TSB_W;
  for (long r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    int8_t* qr = q + r * cols;
    vf vmaxabs = splat(0.0f);
    vi bad = vi{} == 1;  // all false
    for (long c = 0; c < cols; c += TSB_W) {
      const vf a = vabs(c < body ? loadu(xr + c) : load_part(xr + c, cols - c, 0.0f));
      bad |= (a != a) | (a > kFloat32Max);  // NaN, or +-Infinity
      vmaxabs = vmax(vmaxabs, a);
    }
    bool finite = true;
    for (int l = 0; l < TSB_W; ++l) finite = finite && bad[l] == 0;
    if (!finite) {
      scales[r] = NAN;
      std::memset(qr, 0, static_cast<size_t>(cols));
      continue;
    }
    const float amax = hmax(vmaxabs);
    scales[r] = amax / level;
    const vf inverse = splat(amax == 0.0f ? 0.0f : level / amax);
    for (long c = 0; c < cols; c += TSB_W) {
      const vf t = (c < body ? loadu(xr + c) : load_part(xr + c, cols - c, 0.0f)) * inverse;
      const vf rounded = vmin(vmax((t + kRoundMagic) - kRoundMagic, splat(-level)), splat(level));
      store_bytes(qr + c, __builtin_convertvector(rounded, vi), c < body ? TSB_W : cols - c);
    }
  }
}

// See IsaKernels::quantize_rows_asymmetric.
static void quantize_rows_asymmetric(int8_t* q, float* scales, int32_t* offsets, const float* x, long rows, long cols) {
  constexpr float kLevels = 255.0f;
  const long body = cols - cols % TSB_W;
  for (long r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    int8_t* qr = q + r * cols;
    vf vlo = splat(0.0f), vhi = splat(0.0f);
    vi bad = vi{} == 1;  // all false
    for (long c = 0; c < cols; c += TSB_W) {
      const vf v = c < body ? loadu(xr + c) : load_part(xr + c, cols - c, 0.0f);
      const vf a = vabs(v);
      bad |= (a != a) | (a > kFloat32Max);  // NaN, or +-Infinity
      vlo = vmin(vlo, v);
      vhi = vmax(vhi, v);
    }
    bool finite = true;
    for (int l = 0; l < TSB_W; ++l) finite = finite && bad[l] == 0;
    offsets[r] = 0;
    if (!finite) {
      scales[r] = NAN;
      std::memset(qr, 0, static_cast<size_t>(cols));
      continue;
    }
    const float lo = -hmax(-vlo), hi = hmax(vhi);
    const float range = hi - lo;
    if (range > kFloat32Max) {  // both signs near 3.4e38: the symmetric row
      quantize_rows(qr, scales + r, xr, 1, cols, 127);
      continue;
    }
    if (range == 0.0f) {
      scales[r] = 0.0f;
      std::memset(qr, 0, static_cast<size_t>(cols));
      continue;
    }
    scales[r] = range / kLevels;
    const float inverse = kLevels / range;
    const float zero = std::min(kLevels, std::max(0.0f, (-lo * inverse + kRoundMagic) - kRoundMagic));
    offsets[r] = 128 - static_cast<int32_t>(zero);
    const vf vinverse = splat(inverse), vzero = splat(zero);
    for (long c = 0; c < cols; c += TSB_W) {
      const vf t = (c < body ? loadu(xr + c) : load_part(xr + c, cols - c, 0.0f)) * vinverse;
      const vf u = vmin(vmax(((t + kRoundMagic) - kRoundMagic) + vzero, splat(0.0f)), splat(kLevels));
      store_bytes(qr + c, __builtin_convertvector(u, vi) - 128, c < body ? TSB_W : cols - c);
    }
  }
}

// ---- The int16-pair micro-kernel (vpmaddwd) -------------------------------------------------------------------
// Its vectors are TSB_I8_W int32 lanes wide, which an ISA file may set below TSB_W (AVX-512 runs the 256-bit
// kernel: vpmaddwd zmm would be an untested path here, and VNNI is the better use of 512 bits).
typedef int32_t v8i __attribute__((vector_size(TSB_I8_W * 4)));
typedef int16_t v8s __attribute__((vector_size(TSB_I8_W * 4)));

// Lane l: a[2l] * b[2l] + a[2l+1] * b[2l+1], in int32 — exact, as |a|, |b| <= 127.
static inline v8i madd_pairs(v8s a, v8s b) {
#if TSB_I8_W == 8 && defined(__AVX2__)
  return (v8i)_mm256_madd_epi16((__m256i)a, (__m256i)b);
#elif TSB_I8_W == 4 && defined(__SSE2__)
  return (v8i)_mm_madd_epi16((__m128i)a, (__m128i)b);
#else
  v8i r;
  for (int l = 0; l < TSB_I8_W; ++l) r[l] = int32_t(a[2 * l]) * b[2 * l] + int32_t(a[2 * l + 1]) * b[2 * l + 1];
  return r;
#endif
}

template <int MR, int NV>
struct Int8PairTile {
  static constexpr int NR = NV * TSB_I8_W;

  // Rows of A as int16 (sign-extended), each padded with a zero to an even length: row i at dst + i * row_elems.
  static void pack_a(void* dst, const int8_t* a, long rows, long k) {
    int16_t* d = static_cast<int16_t*>(dst);
    const long row_elems = (k + 1) / 2 * 2;
    for (long i = 0; i < rows; ++i) {
      const int8_t* src = a + i * k;
      int16_t* out = d + i * row_elems;
      for (long p = 0; p < k; ++p) out[p] = src[p];
      if (row_elems > k) out[k] = 0;
    }
  }
  static long a_row_bytes(long k) { return (k + 1) / 2 * 2 * 2; }

  // One NR-column panel of B [cols <= NR valid rows of b, each k long, row stride ldb] as int16 pairs,
  // p-major: element (pair p, column j, half h) at p * 2 NR + 2 j + h; missing columns and the odd k's pad are 0.
  static void pack_b_panel(void* dst, const int8_t* b, long ldb, long cols, long k) {
    int16_t* d = static_cast<int16_t*>(dst);
    const long pairs = (k + 1) / 2;
    for (long p = 0; p < pairs; ++p) {
      int16_t* row = d + p * 2 * NR;
      for (long j = 0; j < NR; ++j) {
        const bool valid = j < cols;
        row[2 * j] = valid ? b[j * ldb + 2 * p] : 0;
        row[2 * j + 1] = valid && 2 * p + 1 < k ? b[j * ldb + 2 * p + 1] : 0;
      }
    }
  }
  static long b_panel_bytes(long k) { return (k + 1) / 2 * 2 * NR * 2; }

  // c [MR, NR] (=, or += when accumulate) sums over pairs [p_begin, p_begin + pairs) of A rows (a, row stride
  // lda_bytes) and the packed panel b (which starts at pair 0).
  static void tile(long p_begin, long pairs, const void* a, long lda_bytes, const void* b, int32_t* c,
                   bool accumulate) {
    const char* a_base = static_cast<const char*>(a) + p_begin * 4;
    const int16_t* bp = static_cast<const int16_t*>(b) + p_begin * 2 * NR;
    v8i acc[MR][NV];
    for (int i = 0; i < MR; ++i)
      for (int v = 0; v < NV; ++v) acc[i][v] = v8i{};
    for (long p = 0; p < pairs; ++p) {
      v8s bv[NV];
      for (int v = 0; v < NV; ++v) std::memcpy(&bv[v], bp + p * 2 * NR + v * 2 * TSB_I8_W, sizeof(v8s));
      for (int i = 0; i < MR; ++i) {
        int32_t pair;
        std::memcpy(&pair, a_base + i * lda_bytes + p * 4, 4);
        v8i broadcast = v8i{} + pair;
        const v8s av = (v8s)broadcast;
        for (int v = 0; v < NV; ++v) acc[i][v] += madd_pairs(av, bv[v]);
      }
    }
    for (int i = 0; i < MR; ++i)
      for (int v = 0; v < NV; ++v) {
        int32_t* out = c + i * NR + v * TSB_I8_W;
        v8i sum = acc[i][v];
        if (accumulate) {
          v8i old;
          std::memcpy(&old, out, sizeof old);
          sum += old;
        }
        std::memcpy(out, &sum, sizeof sum);
      }
  }
};

// ---- The u8 x s8 layout: vpmaddubsw (AVX2, 7-bit weights) and vpdpbusd (VNNI, any int8 weight) -------------------
// A as unsigned bytes u = a + 128 (in [0, 255]) and B as signed bytes, 4 k values per int32 lane. Both instructions
// sum u x b over a lane's 4 bytes; the sums are Σ (a + 128) b = Σ a b + 128 Σ b, so each panel starts with
// -128 Σ_p b[j, p] per column, which a tile's first k block starts from: the result is Σ a b, exactly.
typedef uint8_t v32u8 __attribute__((vector_size(32)));

// K_ALIGN: the k each row of A and each panel of B is padded to (4: one group; AMX's tiles read 64 at a time). The
// pad of B is zero, so the pad of A (128, i.e. a = 0) adds nothing.
template <int NR, int K_ALIGN = 4>
struct U8S8Packing {
  static long padded_k(long k) { return (k + K_ALIGN - 1) / K_ALIGN * K_ALIGN; }

  // Rows of A as a + 128, each padded to padded_k(k) bytes with 128 (a = 0): row i at dst + i * a_row_bytes(k).
  static void pack_a(void* dst, const int8_t* a, long rows, long k) {
    uint8_t* d = static_cast<uint8_t*>(dst);
    const long row_bytes = a_row_bytes(k);
    for (long i = 0; i < rows; ++i) {
      const int8_t* src = a + i * k;
      uint8_t* out = d + i * row_bytes;
      long p = 0;
      for (; p + 32 <= k; p += 32) {
        v32u8 v;
        std::memcpy(&v, src + p, 32);
        v ^= 0x80;  // two's complement a + 128 = a with its sign bit flipped
        std::memcpy(out + p, &v, 32);
      }
      for (; p < k; ++p) out[p] = static_cast<uint8_t>(src[p] ^ 0x80);
      for (; p < row_bytes; ++p) out[p] = 128;
    }
  }
  static long a_row_bytes(long k) { return padded_k(k); }

  // One NR-column panel: NR int32 corrections (-128 x the column's sum of b), then B's bytes step-major: byte h of
  // step s of column j at NR * 4 + s * 4 NR + 4 j + h; missing columns and the pad of k to K_ALIGN are 0.
  static void pack_b_panel(void* dst, const int8_t* b, long ldb, long cols, long k) {
    int8_t* d = static_cast<int8_t*>(dst) + NR * 4;
    const long steps = padded_k(k) / 4;
    int32_t corrections[NR];
    for (long j = 0; j < NR; ++j) {
      int32_t sum = 0;
      for (long s = 0; s < steps; ++s)
        for (long h = 0; h < 4; ++h) {
          const long p = 4 * s + h;
          const int8_t v = j < cols && p < k ? b[j * ldb + p] : 0;
          d[s * 4 * NR + 4 * j + h] = v;
          sum += v;
        }
      corrections[j] = -128 * sum;
    }
    std::memcpy(dst, corrections, sizeof corrections);
  }
  static long b_panel_bytes(long k) { return NR * 4 + padded_k(k) * NR; }

  // One tile of a kernel whose dot loop, dot(steps, a, lda_bytes, b, sums), writes sums [MR, NR] of `steps` 4-byte
  // groups: c [MR, NR] = (or += when accumulate) those sums over steps [step_begin, step_begin + steps), plus the
  // panel's corrections when the block is the first.
  template <int MR, typename Dot>
  static void dot_tile(Dot dot, long step_begin, long steps, const void* a, long lda_bytes, const void* panel,
                       int32_t* c, bool accumulate) {
    alignas(64) int32_t sums[MR * NR];
    dot(steps, static_cast<const char*>(a) + step_begin * 4, lda_bytes,
        static_cast<const char*>(panel) + NR * 4 + step_begin * 4 * NR, sums);
    const int32_t* corrections = static_cast<const int32_t*>(panel);
    for (int i = 0; i < MR; ++i)
      for (int j = 0; j < NR; ++j) {
        int32_t v = sums[i * NR + j];
        if (step_begin == 0) v += corrections[j];
        if (accumulate) v += c[i * NR + j];
        c[i * NR + j] = v;
      }
  }
};

#if defined(TSB_I8_U8S8)
// The u8 x s8 micro-kernel for 7-bit weights (vpmaddubsw): it multiplies byte pairs and adds each two adjacent
// products into int16, saturating; with 7-bit weights |u0 b0 + u1 b1| <= 2 * 255 * 63 = 32130 < 32767, so it never
// saturates; vpmaddwd by ones then adds the two int16 of each lane into int32. With TSB_I8_AVXVNNI (AVX-VNNI, the
// avx2vnni table) the three instructions are one {vex} vpdpbusd, which does not saturate: any int8 weight.
template <int MR, int NV>
struct Int8U8S8Tile : U8S8Packing<NV * 8> {
  static constexpr int NR = NV * 8;

  // As Int8PairTile::tile, over steps of 4 k; the block starting at step 0 starts from the panel's corrections.
  static void tile(long step_begin, long steps, const void* a, long lda_bytes, const void* b, int32_t* c,
                   bool accumulate) {
    static_assert(MR == 6 && NV == 2, "the u8 x s8 tile is written for 6 x 16");
    U8S8Packing<NR>::template dot_tile<MR>(u8s8_6x16, step_begin, steps, a, lda_bytes, b, c, accumulate);
  }

  // sums [6, 16] = Σ over `steps` of 4 bytes: 6 rows of u8 (a, row stride lda) times a panel's signed bytes (b).
  // Assembly for the reason gemm-6x16-avx2.h gives (GCC's intrinsics spilled 10 of the 12 accumulators every step):
  // ymm0-11 accumulate (row i in ymm(2i), ymm(2i + 1)), ymm12-13 hold B's step, ymm14 the broadcast row quad,
  // ymm15 the product; vpmaddwd reads its ones from memory, as no register is left.
  static void u8s8_6x16(long steps, const char* a, long lda, const char* b, int32_t* sums) {
    alignas(32) static const int16_t ones[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    const char* a3 = a + 3 * lda;
#if defined(TSB_I8_AVXVNNI)
// AVX-VNNI: one {vex} vpdpbusd per accumulator (no saturation, no product register; ymm15 and the ones go unused).
#define TSB_U8S8_ROW(addr, acc0, acc1)                        \
  "vpbroadcastd " addr ", %%ymm14\n\t"                         \
  "%{vex%} vpdpbusd %%ymm12, %%ymm14, %%ymm" acc0 "\n\t"         \
  "%{vex%} vpdpbusd %%ymm13, %%ymm14, %%ymm" acc1 "\n\t"
#else
#define TSB_U8S8_ROW(addr, acc0, acc1)                  \
  "vpbroadcastd " addr ", %%ymm14\n\t"                   \
  "vpmaddubsw %%ymm12, %%ymm14, %%ymm15\n\t"             \
  "vpmaddwd %[ones], %%ymm15, %%ymm15\n\t"               \
  "vpaddd %%ymm15, %%ymm" acc0 ", %%ymm" acc0 "\n\t"     \
  "vpmaddubsw %%ymm13, %%ymm14, %%ymm15\n\t"             \
  "vpmaddwd %[ones], %%ymm15, %%ymm15\n\t"               \
  "vpaddd %%ymm15, %%ymm" acc1 ", %%ymm" acc1 "\n\t"
#endif
    __asm__ volatile(
        "vpxor %%xmm0, %%xmm0, %%xmm0\n\t"
        "vpxor %%xmm1, %%xmm1, %%xmm1\n\t"
        "vpxor %%xmm2, %%xmm2, %%xmm2\n\t"
        "vpxor %%xmm3, %%xmm3, %%xmm3\n\t"
        "vpxor %%xmm4, %%xmm4, %%xmm4\n\t"
        "vpxor %%xmm5, %%xmm5, %%xmm5\n\t"
        "vpxor %%xmm6, %%xmm6, %%xmm6\n\t"
        "vpxor %%xmm7, %%xmm7, %%xmm7\n\t"
        "vpxor %%xmm8, %%xmm8, %%xmm8\n\t"
        "vpxor %%xmm9, %%xmm9, %%xmm9\n\t"
        "vpxor %%xmm10, %%xmm10, %%xmm10\n\t"
        "vpxor %%xmm11, %%xmm11, %%xmm11\n\t"
        "test %[steps], %[steps]\n\t"
        "jz 2f\n\t"
        ".p2align 5\n"
        "1:\n\t"
        "vmovdqu (%[b]), %%ymm12\n\t"
        "vmovdqu 32(%[b]), %%ymm13\n\t"
        TSB_U8S8_ROW("(%[a])", "0", "1")
        TSB_U8S8_ROW("(%[a],%[lda])", "2", "3")
        TSB_U8S8_ROW("(%[a],%[lda],2)", "4", "5")
        TSB_U8S8_ROW("(%[a3])", "6", "7")
        TSB_U8S8_ROW("(%[a3],%[lda])", "8", "9")
        TSB_U8S8_ROW("(%[a3],%[lda],2)", "10", "11")
        "add $4, %[a]\n\t"
        "add $4, %[a3]\n\t"
        "add $64, %[b]\n\t"
        "dec %[steps]\n\t"
        "jnz 1b\n"
        "2:\n\t"
        "vmovdqa %%ymm0, 0(%[sums])\n\t"
        "vmovdqa %%ymm1, 32(%[sums])\n\t"
        "vmovdqa %%ymm2, 64(%[sums])\n\t"
        "vmovdqa %%ymm3, 96(%[sums])\n\t"
        "vmovdqa %%ymm4, 128(%[sums])\n\t"
        "vmovdqa %%ymm5, 160(%[sums])\n\t"
        "vmovdqa %%ymm6, 192(%[sums])\n\t"
        "vmovdqa %%ymm7, 224(%[sums])\n\t"
        "vmovdqa %%ymm8, 256(%[sums])\n\t"
        "vmovdqa %%ymm9, 288(%[sums])\n\t"
        "vmovdqa %%ymm10, 320(%[sums])\n\t"
        "vmovdqa %%ymm11, 352(%[sums])\n\t"
        : [a] "+r"(a), [a3] "+r"(a3), [b] "+r"(b), [steps] "+r"(steps)
        : [lda] "r"(lda), [sums] "r"(sums), [ones] "m"(ones)
        : "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
          "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
#undef TSB_U8S8_ROW
  }
};

template <int MR, int NV>
constexpr Int8GemmKernel int8_u8s8_kernel(long kc) {
  using T = Int8U8S8Tile<MR, NV>;
#if defined(TSB_I8_AVXVNNI)
  const char* name = "vpdpbusd-256";
#else
  const char* name = "vpmaddubsw";
#endif
  return {name, MR, T::NR, 4, kc, T::pack_a, T::a_row_bytes, T::pack_b_panel, T::b_panel_bytes, T::tile};
}
#endif

#if defined(TSB_I8_VNNI)
#include "dot-tile-8x48.h"

// The VNNI micro-kernel (AVX-512 VNNI): vpdpbusd adds the 4 products u x b of each int32 lane into the lane, in
// int32 without saturation, so any int8 weight is exact (|Σ| <= 255 x 128 x 65,536 < 2^31 for k <= 65,536, the
// driver's limit). 8 rows x 3 zmm: 24 accumulators + 3 vectors of B + one broadcast row quad.
template <int MR, int NV>
struct Int8VnniTile : U8S8Packing<NV * 16> {
  static constexpr int NR = NV * 16;

  // As Int8PairTile::tile, over steps of 4 k; the block starting at step 0 starts from the panel's corrections.
  static void tile(long step_begin, long steps, const void* a, long lda_bytes, const void* b, int32_t* c,
                   bool accumulate) {
    static_assert(MR == 8 && NV == 3, "the VNNI tile is written for 8 x 48");
    U8S8Packing<NR>::template dot_tile<MR>(dpbusd_8x48, step_begin, steps, a, lda_bytes, b, c, accumulate);
  }

  // sums [8, 48] = Σ over `steps` of 4 bytes: 8 rows of u8 (a, row stride lda) times a panel's signed bytes (b).
  TSB_DOT_8X48(dpbusd_8x48, "vpdpbusd")
};

template <int MR, int NV>
constexpr Int8GemmKernel int8_vnni_kernel(long kc) {
  using T = Int8VnniTile<MR, NV>;
  return {"vpdpbusd-512", MR, T::NR, 4, kc, T::pack_a, T::a_row_bytes, T::pack_b_panel, T::b_panel_bytes, T::tile};
}
#endif

#if defined(TSB_I8_AMX)
// ---- The AMX micro-kernel (AMX-INT8 tdpbusd) ------------------------------------------------------------------
// A tile register holds 16 rows of 64 bytes; tdpbusd adds to a 16 x 16 int32 tile C the products of A's 16 rows of
// 64 u8 with B's 16 rows of 64 s8, read as 16 columns of 4-byte groups (C[i][j] += Σ_r Σ_h A[i][4r + h] B[r][4j + h])
// — the VNNI panel's layout exactly, so the packing is U8S8Packing's with k padded to 64 (one "step" here is 64 k:
// a tile of B is 16 of the panel's 4-byte step rows, row stride NR * 4). 32 x 32 tile: C in tmm0-3 (rows 0-15 and
// 16-31 by columns 0-15 and 16-31), A in tmm4-5, B in tmm6-7. The sums are int32 and exact, as vpdpbusd's.
#include "amx-tiles.h"
struct Int8AmxTile : U8S8Packing<32, 64> {
  static constexpr int MR = 32, NR = 32;

  // As Int8PairTile::tile, over steps of 64 k. The C tiles start from the panel's corrections (the block starting
  // at step 0: a tile load of stride 0 repeats their row 16 times), from c (accumulate), or from zero, and are
  // stored to c directly: c's rows are the tile's, NR int32 apart.
  static void tile(long step_begin, long steps, const void* a, long lda_bytes, const void* b, int32_t* c,
                   bool accumulate) {
    amx_configure();
    const char* ap = static_cast<const char*>(a) + step_begin * 64;
    const char* bp = static_cast<const char*>(b) + NR * 4 + step_begin * 16 * NR * 4;
    constexpr long kBStride = NR * 4, kCStride = NR * 4;
    const int32_t* corrections = static_cast<const int32_t*>(b);
    if (accumulate) {  // a later k block (the contract: the first never accumulates)
      _tile_loadd(0, c, kCStride);
      _tile_loadd(1, c + 16, kCStride);
      _tile_loadd(2, c + 16 * NR, kCStride);
      _tile_loadd(3, c + 16 * NR + 16, kCStride);
    } else if (step_begin == 0) {
      _tile_loadd(0, corrections, 0);
      _tile_loadd(1, corrections + 16, 0);
      _tile_loadd(2, corrections, 0);
      _tile_loadd(3, corrections + 16, 0);
    } else {
      _tile_zero(0);
      _tile_zero(1);
      _tile_zero(2);
      _tile_zero(3);
    }
    TSB_AMX_32X32_STEPS(_tile_dpbusd, steps, ap, lda_bytes, bp, kBStride);
    TSB_AMX_32X32_STORE(reinterpret_cast<char*>(c), kCStride);
  }
};

constexpr Int8GemmKernel int8_amx_kernel(long kc) {
  using T = Int8AmxTile;
  return {"amx-int8", T::MR, T::NR, 64, kc, T::pack_a, T::a_row_bytes, T::pack_b_panel, T::b_panel_bytes, T::tile};
}
#endif

// See IsaKernels::int8_epilogue.
static void int8_epilogue(float* out, long ldo, const int32_t* acc, long ld_acc, long rows, long cols,
                          const float* row_scales, const int32_t* row_offsets, const float* col_scales,
                          const int32_t* col_sums, const float* bias, int activation, const float* residual,
                          long ld_res) {
  for (long i = 0; i < rows; ++i) {
    const vf row_scale = splat(row_scales[i]);
    const int32_t row_offset = row_offsets != nullptr ? row_offsets[i] : 0;
    for (long j = 0; j < cols; j += TSB_W) {
      const long n = std::min<long>(TSB_W, cols - j);
      // A whole vector even for a partial one (its extra lanes are not stored): a copy of variable size went
      // through the stack and stalled every load on store forwarding (15 % of a GEMM's time).
      vi sums;
      std::memcpy(&sums, acc + i * ld_acc + j, sizeof sums);
      if (row_offset != 0) {  // an asymmetric row: sum_p (a + offset) b = sum_p a b + offset * sum_p b, exact in int32
        vi col_sum = vi{};
        if (n == TSB_W)  // a constant-size copy: see above
          std::memcpy(&col_sum, col_sums + j, sizeof col_sum);
        else
          std::memcpy(&col_sum, col_sums + j, static_cast<size_t>(n) * sizeof(int32_t));
        sums += row_offset * col_sum;
      }
      auto load = [&](const float* p) { return n == TSB_W ? loadu(p) : load_part(p, n, 0.0f); };
      vf v = __builtin_convertvector(sums, vf) * (row_scale * load(col_scales + j));
      if (bias != nullptr) v = v + load(bias + j);
      if (activation != kActivationNone) v = gelu_vec(v, activation == kActivationGeluTanh);
      if (residual != nullptr) v = v + load(residual + i * ld_res + j);
      if (n == TSB_W)
        storeu(out + i * ldo + j, v);
      else
        store_part(out + i * ldo + j, v, n);
    }
  }
}

template <int MR, int NV>
constexpr Int8GemmKernel int8_gemm_kernel(long kc) {
  using T = Int8PairTile<MR, NV>;
  return {"vpmaddwd", MR, T::NR, 2, kc, T::pack_a, T::a_row_bytes, T::pack_b_panel, T::b_panel_bytes, T::tile};
}
