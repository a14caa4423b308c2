// Vector types and branch-free math (exp, erfc, tanh, sigmoid) for the per-ISA kernels, written once with GCC/Clang
// vector extensions so each isa/<isa>.cc compiles it at its own width: TSB_W lanes of float (16 for AVX-512, 8 for
// AVX2, 4 for the portable baseline). Included only inside namespace tsbert::TSB_NS, so every ISA gets its own
// copy and no inline function is shared (and mis-picked by the linker) across ISA flags.
//
// Accuracy (float32, measured against double libm in test/backend): exp ~2 ulp; erfc ~1.2e-7 relative (the
// Numerical Recipes "erfcc" Chebyshev fit, Press et al. §6.2); erf 2.7e-7 absolute; tanh ~2 ulp. Good enough for 1e-5 parity with the JS
// reference, which computes in double and rounds to float32.
#pragma once

typedef float vf __attribute__((vector_size(TSB_W * 4)));
typedef int32_t vi __attribute__((vector_size(TSB_W * 4)));

// A broadcast, spelled as an initializer so the compiler emits one vbroadcastss (0 + x would add, and turn -0
// into +0; a fill loop can come out as masked inserts).
static inline vf splat(float x) {
#if TSB_W == 16
  return vf{x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x};
#elif TSB_W == 8
  return vf{x, x, x, x, x, x, x, x};
#else
  return vf{x, x, x, x};
#endif
}

// Transposes a TSB_W x TSB_W block of 32-bit lanes (float or integer vectors) held as TSB_W row vectors: log2(TSB_W)
// rounds of interleaving row i with row i + W/2 (low halves into row 2i, high halves into row 2i+1) turn rows into
// columns. Clang has no vector-mask __builtin_shuffle: there it is element by element (callers on the hot path keep
// their own scalar form for clang, as pack_b_panel does).
template <typename V>
static inline void transpose_in_registers(V r[TSB_W]) {
#if !defined(__clang__)
  vi lo, hi;
  for (int i = 0; i < TSB_W; ++i) {
    lo[i] = (i & 1) ? TSB_W + i / 2 : i / 2;
    hi[i] = (i & 1) ? TSB_W + TSB_W / 2 + i / 2 : TSB_W / 2 + i / 2;
  }
#pragma GCC unroll 4
  for (int round = 1; round < TSB_W; round *= 2) {
    V t[TSB_W];
#pragma GCC unroll 16
    for (int i = 0; i < TSB_W / 2; ++i) {
      t[2 * i] = __builtin_shuffle(r[i], r[i + TSB_W / 2], lo);
      t[2 * i + 1] = __builtin_shuffle(r[i], r[i + TSB_W / 2], hi);
    }
#pragma GCC unroll 16
    for (int i = 0; i < TSB_W; ++i) r[i] = t[i];
  }
#else
  V t[TSB_W];
  for (int i = 0; i < TSB_W; ++i)
    for (int j = 0; j < TSB_W; ++j) t[j][i] = r[i][j];
  for (int i = 0; i < TSB_W; ++i) r[i] = t[i];
#endif
}

// a * b + c with one rounding where the ISA has FMA. The ISA files compile with -ffp-contract=off, so every other
// expression rounds exactly as written (as the JS reference does in double): fusing is a choice made here, for the
// GEMM and the polynomials, never a compiler's guess that makes one formula round two ways.
static inline vf vfma(vf a, vf b, vf c) {
#if TSB_W == 16 && defined(__AVX512F__)
  return _mm512_fmadd_ps(a, b, c);
#elif TSB_W == 8 && defined(__FMA__)
  return _mm256_fmadd_ps(a, b, c);
#else
  return a * b + c;
#endif
}
static inline vf loadu(const float* p) {
  vf v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
static inline void storeu(float* p, vf v) { std::memcpy(p, &v, sizeof v); }
// Loads n < TSB_W floats, the other lanes set to fill: tails go through the same vector math as the body.
static inline vf load_part(const float* p, long n, float fill) {
  float tmp[TSB_W];
  for (long i = 0; i < TSB_W; ++i) tmp[i] = i < n ? p[i] : fill;
  return loadu(tmp);
}
static inline void store_part(float* p, vf v, long n) {
  float tmp[TSB_W];
  storeu(tmp, v);
  for (long i = 0; i < n; ++i) p[i] = tmp[i];
}
static inline vi as_int(vf v) {
  vi r;
  std::memcpy(&r, &v, sizeof r);
  return r;
}
static inline vf as_float(vi v) {
  vf r;
  std::memcpy(&r, &v, sizeof r);
  return r;
}
static inline vf vmax(vf a, vf b) { return a > b ? a : b; }
static inline vf vmin(vf a, vf b) { return a < b ? a : b; }
static inline vf vabs(vf a) { return as_float(as_int(a) & 0x7fffffff); }
static inline float hsum(vf v) {
  float s = 0.0f;
  for (int i = 0; i < TSB_W; ++i) s += v[i];
  return s;
}
static inline float hmax(vf v) {
  float m = v[0];
  for (int i = 1; i < TSB_W; ++i) m = v[i] > m ? v[i] : m;
  return m;
}

// e^x. Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2, degree-7 Taylor for e^r (truncation < 5e-9), 2^n built in
// the exponent bits. Below ln(FLT_MIN) the result is 0 (no denormals); above 88 it saturates at e^88 — callers
// only pass arguments <= 0 or clamp themselves. NaN propagates.
static inline vf vexp(vf x) {
  const vf lo = splat(-87.33654f), hi = splat(88.0f);
  vi underflow = x < lo;
  x = x < lo ? lo : x;
  x = x > hi ? hi : x;
  const float magic = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer in the low mantissa bits
  vf t = x * 1.44269504088896341f + magic;
  vf n = t - magic;
  vi ni = as_int(t) - as_int(splat(magic));
  vf r = x - n * 0.693145751953125f;  // ln2 split in a short high part (exact n * hi) and the rest
  r = r - n * 1.428606765330187e-06f;
  // Estrin's scheme: pairs, then pairs of pairs — a dependency chain of 3 FMAs instead of Horner's 7, so more
  // elements are in flight at once (these kernels are latency-bound, not throughput-bound).
  const vf r2 = r * r;
  const vf p01 = vfma(r, splat(1.0f), splat(1.0f)), p23 = vfma(r, splat(1.0f / 6), splat(0.5f));
  const vf p45 = vfma(r, splat(1.0f / 120), splat(1.0f / 24)), p67 = vfma(r, splat(1.0f / 5040), splat(1.0f / 720));
  const vf p = vfma(vfma(p67, r2, p45), r2 * r2, vfma(p23, r2, p01));
  vf scale = as_float((ni + 127) << 23);
  vf result = p * scale;
  return underflow ? splat(0.0f) : result;
}

// erfc(x) for all x, relative error ~1.2e-7: erfc(z) = t exp(-z^2 + P(t)), t = 1/(1 + z/2), z = |x|
// (Numerical Recipes erfcc), and erfc(-z) = 2 - erfc(z). Used for GELU, where Phi(x) = erfc(-x/sqrt2)/2 keeps
// full relative accuracy in the negative tail that 1 + erf(x) would lose to cancellation.
static inline vf verfc(vf x) {
  vf z = vabs(x);
  vf t = 1.0f / (1.0f + 0.5f * z);
  // P(t) = c0 + c1 t + ... + c9 t^9 by Estrin's scheme (see vexp).
  const vf t2 = t * t, t4 = t2 * t2;
  const vf c01 = vfma(t, splat(1.00002368f), splat(-1.26551223f)), c23 = vfma(t, splat(0.09678418f), splat(0.37409196f));
  const vf c45 = vfma(t, splat(0.27886807f), splat(-0.18628806f)), c67 = vfma(t, splat(1.48851587f), splat(-1.13520398f));
  const vf c89 = vfma(t, splat(0.17087277f), splat(-0.82215223f));
  const vf low = vfma(c23, t2, c01), high = vfma(c67, t2, c45);
  const vf p = vfma(c89, t4 * t4, vfma(high, t4, low));
  vf r = t * vexp(p - z * z);
  return x < 0.0f ? 2.0f - r : r;
}

// erf(x) ~ x P(x^2) / Q(x^2) on |x| <= 4 (P of degree 7, Q of degree 4 with Q(0) = 1: a minimax fit of the
// absolute error, 1.1e-7 in double, made by reference/fit_erf.py), and +-(1 - ~1e-8) beyond, where erf is 1 to
// float32. Absolute error 2.7e-7 in float32 (the rounding near 1 dominates). No exp and one division: about a
// third of verfc's instructions, which GELU's forward pays in every feed-forward epilogue. Its relative accuracy
// is lost where 1 + erf(x) cancels (x < -3), so it serves only absolute-accuracy callers (gelu_vec).
static inline vf verf(vf x) {
  x = vmin(vmax(x, splat(-4.0f)), splat(4.0f));
  const vf u = x * x;
  vf p = splat(-6.622909998199589e-10f);
  p = vfma(p, u, splat(6.838393318275848e-08f));
  p = vfma(p, u, splat(-3.3442156563978642e-06f));
  p = vfma(p, u, splat(0.0001410530967405066f));
  p = vfma(p, u, splat(0.0021859293337911367f));
  p = vfma(p, u, splat(0.04608795791864395f));
  p = vfma(p, u, splat(0.15702027082443237f));
  p = vfma(p, u, splat(1.1283791065216064f));
  vf q = splat(0.0006791440537199378f);
  q = vfma(q, u, splat(0.011268042959272861f));
  q = vfma(q, u, splat(0.09834631532430649f));
  q = vfma(q, u, splat(0.4724878668785095f));
  q = vfma(q, u, splat(1.0f));
  return (x * p) / q;
}

// 1 / (1 + e^-x) without cancellation at either end.
static inline vf vsigmoid(vf x) { return 1.0f / (1.0f + vexp(-vmax(x, splat(-88.0f)))); }

// tanh(x): odd Taylor series through x^19 for |x| < 0.55 (truncation < 1e-9 relative), where 1 - 2/(e^2|x| + 1)
// would cancel; that formula elsewhere.
static inline vf vtanh(vf x) {
  vf ax = vabs(x);
  vf x2 = x * x;
  vf p = splat(-0.00023912911424355248f);
  p = vfma(p, x2, splat(0.000590027440945586f));
  p = vfma(p, x2, splat(-0.0014558343870513183f));
  p = vfma(p, x2, splat(0.003592128036572481f));
  p = vfma(p, x2, splat(-0.008863235529902197f));
  p = vfma(p, x2, splat(0.021869488536155203f));
  p = vfma(p, x2, splat(-0.05396825396825397f));
  p = vfma(p, x2, splat(0.13333333333333333f));
  p = vfma(p, x2, splat(-0.3333333333333333f));
  vf small = x + x * x2 * p;
  vf e = vexp(vmin(2.0f * ax, splat(88.0f)));
  vf big = 1.0f - 2.0f / (e + 1.0f);
  big = x < 0.0f ? -big : big;
  return ax < 0.55f ? small : big;
}
