// Symmetric int8 inference kernels, compiled once per ISA (included by isa/<isa>.cc inside its own namespace):
// quantize_rows (float32 -> int8 + row scales, the same float32 steps as src/backend/js/quantize-rows.ts), the
// int8 GEMM's micro-kernel on int16 pairs (vpmaddwd: exact int32 sums, no saturation), its packing, and the
// epilogue that turns the int32 sums into float32 (row scale x column scale, bias, GELU, residual).
//
// The micro-kernel seam (Int8GemmKernel in isa-kernels.h) is what a VNNI kernel replaces: it would pack A as
// unsigned bytes (x + 128) and B as signed bytes in groups of 4 k, run vpdpbusd, and subtract 128 x each column's
// sum of B in its tile; the driver (native/int8-gemm.cc) and the epilogue stay as they are.
#pragma once

// 1.5 * 2^23: (t + magic) - magic rounds t (|t| <= 2^22) to an integer, half to even, in float32 arithmetic.
constexpr float kRoundMagic = 12582912.0f;
constexpr float kFloat32Max = 3.40282346638528859812e+38f;

typedef int8_t vbytes __attribute__((vector_size(TSB_W)));

// See IsaKernels::quantize_rows.
static void quantize_rows(int8_t* q, float* scales, const float* x, long rows, long cols) {
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
    scales[r] = amax / 127.0f;
    const vf inverse = splat(amax == 0.0f ? 0.0f : 127.0f / amax);
    for (long c = 0; c < cols; c += TSB_W) {
      const vf t = (c < body ? loadu(xr + c) : load_part(xr + c, cols - c, 0.0f)) * inverse;
      const vf rounded = vmin(vmax((t + kRoundMagic) - kRoundMagic, splat(-127.0f)), splat(127.0f));
      const vbytes bytes = __builtin_convertvector(__builtin_convertvector(rounded, vi), vbytes);
      std::memcpy(qr + c, &bytes, static_cast<size_t>(c < body ? TSB_W : cols - c));
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

// See IsaKernels::int8_epilogue.
static void int8_epilogue(float* out, long ldo, const int32_t* acc, long ld_acc, long rows, long cols,
                          const float* row_scales, const float* col_scales, const float* bias, int activation,
                          const float* residual, long ld_res) {
  for (long i = 0; i < rows; ++i) {
    const vf row_scale = splat(row_scales[i]);
    for (long j = 0; j < cols; j += TSB_W) {
      const long n = std::min<long>(TSB_W, cols - j);
      // A whole vector even for a partial one (its extra lanes are not stored): a copy of variable size went
      // through the stack and stalled every load on store forwarding (15 % of a GEMM's time).
      vi sums;
      std::memcpy(&sums, acc + i * ld_acc + j, sizeof sums);
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
