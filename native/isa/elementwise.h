// Fused and elementwise kernels, compiled once per ISA (included by isa/<isa>.cc inside its own namespace).
// Each works on the slice of rows or elements a driver thread hands it; tails run through the same vector math
// as the body (partial loads), so a result never depends on where an element sits.
#pragma once

static inline vi lanes_below(long n) {
  vi iota;
  for (int i = 0; i < TSB_W; ++i) iota[i] = i;
  return iota < static_cast<int32_t>(n);
}

constexpr float kInvSqrt2 = 0.70710678118654752f;
constexpr float kInvSqrt2Pi = 0.39894228040143268f;
constexpr float kGeluTanhK0 = 0.79788456080286536f;  // sqrt(2/pi), Hendrycks & Gimpel 2016
constexpr float kGeluTanhK1 = 0.044715f;

// gelu(x) = x Phi(x), Phi(x) = (1 + erf(x/sqrt2))/2; tanh form: x/2 (1 + tanh u) = x sigmoid(2u),
// u = sqrt(2/pi)(x + 0.044715 x^3) — the sigmoid form avoids the cancellation of 1 + tanh(u) for negative u.
// The erf form's absolute error is |x| 1.4e-7 at most (verf's): a few float32 ulps of gelu(x) for x > 0, and
// under 1e-6 in the tail x < -3, where |gelu(x)| < 0.004 and 1 + erf cancels; below x = -4 sqrt2 (|gelu(x)| <
// 5e-8) the result is x 0 (-0, and NaN for -Infinity, as the JS reference's x (1 + erf) / 2). erfc's form (an exp
// and a division, three times the instructions) held relative accuracy there too, which no caller needs: GELU's
// output feeds a product or a quantization, both absolute.
static inline vf gelu_vec(vf x, bool tanh_approx) {
  if (tanh_approx) {
    vf u = kGeluTanhK0 * (x + kGeluTanhK1 * x * x * x);
    return x * vsigmoid(2.0f * u);
  }
  const vf z = x * kInvSqrt2;
  const vf g = x * (0.5f * (1.0f + verf(z)));
  return z < -4.0f ? x * 0.0f : g;
}

// gelu'(x) = Phi(x) + x phi(x); tanh form: s + 2 x s (1 - s) u', s = sigmoid(2u).
static inline vf gelu_grad_vec(vf x, bool tanh_approx) {
  if (tanh_approx) {
    vf u = kGeluTanhK0 * (x + kGeluTanhK1 * x * x * x);
    vf e = vexp(vmin(-2.0f * u, splat(88.0f)));
    vf s = 1.0f / (1.0f + e);
    vf du = kGeluTanhK0 * (1.0f + 3.0f * kGeluTanhK1 * x * x);
    return s + 2.0f * x * s * (e * s) * du;
  }
  return 0.5f * verfc(-x * kInvSqrt2) + x * (kInvSqrt2Pi * vexp(-0.5f * x * x));
}

static void gelu_forward(float* out, const float* x, long n, bool tanh_approx) {
  long i = 0;
  for (; i + TSB_W <= n; i += TSB_W) storeu(out + i, gelu_vec(loadu(x + i), tanh_approx));
  if (i < n) store_part(out + i, gelu_vec(load_part(x + i, n - i, 0.0f), tanh_approx), n - i);
}

static void gelu_backward(float* dx, const float* x, const float* dy, long n, bool tanh_approx) {
  long i = 0;
  for (; i + TSB_W <= n; i += TSB_W)
    storeu(dx + i, loadu(dx + i) + gelu_grad_vec(loadu(x + i), tanh_approx) * loadu(dy + i));
  if (i < n) {
    const long r = n - i;
    vf g = gelu_grad_vec(load_part(x + i, r, 0.0f), tanh_approx);
    store_part(dx + i, load_part(dx + i, r, 0.0f) + g * load_part(dy + i, r, 0.0f), r);
  }
}

// The GEMM epilogue (see IsaKernels::gemm_epilogue): bias, saved pre-activation and GELU on one tile of C, which the
// micro-kernel has just written and which is still in L1.
static inline vf epilogue_vec(vf v, vf b, int activation, float* pre, long n) {
  v = v + b;
  if (pre != nullptr) {
    if (n == TSB_W)
      storeu(pre, v);
    else
      store_part(pre, v, n);
  }
  return activation == kActivationNone ? v : gelu_vec(v, activation == kActivationGeluTanh);
}

static void gemm_epilogue(float* c, long ldc, long rows, long cols, const float* bias, int activation, float* pre,
                          long ld_pre) {
  for (long i = 0; i < rows; ++i) {
    float* row = c + i * ldc;
    float* pre_row = pre == nullptr ? nullptr : pre + i * ld_pre;
    long j = 0;
    for (; j + TSB_W <= cols; j += TSB_W)
      storeu(row + j, epilogue_vec(loadu(row + j), bias ? loadu(bias + j) : splat(0.0f), activation,
                                   pre_row ? pre_row + j : nullptr, TSB_W));
    if (j < cols) {
      const long r = cols - j;
      store_part(row + j, epilogue_vec(load_part(row + j, r, 0.0f), bias ? load_part(bias + j, r, 0.0f) : splat(0.0f),
                                       activation, pre_row ? pre_row + j : nullptr, r), r);
    }
  }
}

static void tanh_forward(float* out, const float* x, long n) {
  long i = 0;
  for (; i + TSB_W <= n; i += TSB_W) storeu(out + i, vtanh(loadu(x + i)));
  if (i < n) store_part(out + i, vtanh(load_part(x + i, n - i, 0.0f)), n - i);
}

static void tanh_backward(float* dx, const float* y, const float* dy, long n) {
  for (long i = 0; i < n; ++i) dx[i] += (1.0f - y[i] * y[i]) * dy[i];
}

// One softmax row: o = softmax(scale * s + mask); reports the row max and the sum of exponentials (cross-entropy
// builds its log-sum-exp from them).
static void softmax_row(float* o, const float* s, const float* mask, long keys, float scale, float* max_out,
                        float* sum_out) {
  const float neg_inf = -INFINITY;
  const long body = keys - keys % TSB_W;
  const long rem = keys - body;
  // Pass 1: the row maximum (subtracted before exp so nothing overflows).
  vf vm = splat(neg_inf);
  for (long k = 0; k < body; k += TSB_W) {
    vf v = scale * loadu(s + k);
    if (mask) v += loadu(mask + k);
    vm = vmax(vm, v);
  }
  if (rem) {
    vf v = scale * load_part(s + body, rem, 0.0f);
    if (mask) v += load_part(mask + body, rem, 0.0f);
    vm = vmax(vm, lanes_below(rem) ? v : splat(neg_inf));
  }
  const float mx = hmax(vm);
  // Pass 2: exponentials and their sum.
  vf vs = splat(0.0f);
  for (long k = 0; k < body; k += TSB_W) {
    vf v = scale * loadu(s + k);
    if (mask) v += loadu(mask + k);
    vf e = vexp(v - mx);
    storeu(o + k, e);
    vs += e;
  }
  if (rem) {
    vf v = scale * load_part(s + body, rem, 0.0f);
    if (mask) v += load_part(mask + body, rem, 0.0f);
    vf e = vexp(v - mx);
    store_part(o + body, e, rem);
    vs += lanes_below(rem) ? e : splat(0.0f);
  }
  // Pass 3: normalise.
  const float total = hsum(vs);
  const float inv = 1.0f / total;
  for (long k = 0; k < keys; ++k) o[k] *= inv;
  *max_out = mx;
  *sum_out = total;
}

static void softmax_forward(float* probs, const float* scores, const float* mask, long rows, long keys,
                            float scale) {
  float mx, total;
  for (long r = 0; r < rows; ++r) softmax_row(probs + r * keys, scores + r * keys, mask, keys, scale, &mx, &total);
}

static void softmax_backward(float* ds, const float* probs, const float* dp, long rows, long keys, float scale) {
  const long body = keys - keys % TSB_W;
  for (long r = 0; r < rows; ++r) {
    const float* p = probs + r * keys;
    const float* g = dp + r * keys;
    float* d = ds + r * keys;
    vf acc = splat(0.0f);
    for (long k = 0; k < body; k += TSB_W) acc += loadu(g + k) * loadu(p + k);
    float dot = hsum(acc);
    for (long k = body; k < keys; ++k) dot += g[k] * p[k];
    for (long k = 0; k < keys; ++k) d[k] += scale * p[k] * (g[k] - dot);
  }
}

static void layer_norm_forward(float* out, float* sum, float* mean, float* rstd, const float* x,
                               const float* residual, const float* gamma, const float* beta, long rows, long cols,
                               float eps) {
  const long body = cols - cols % TSB_W;
  for (long r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* sr = sum + r * cols;
    float* orow = out + r * cols;
    vf acc = splat(0.0f);
    for (long c = 0; c < body; c += TSB_W) {
      vf v = loadu(xr + c);
      if (residual) v += loadu(residual + r * cols + c);
      storeu(sr + c, v);
      acc += v;
    }
    double total = hsum(acc);
    for (long c = body; c < cols; ++c) {
      const float v = residual ? xr[c] + residual[r * cols + c] : xr[c];
      sr[c] = v;
      total += v;
    }
    const float mu = static_cast<float>(total / static_cast<double>(cols));
    // Two-pass variance (sum of squared deviations): no cancellation when |mean| >> std.
    vf acc2 = splat(0.0f);
    for (long c = 0; c < body; c += TSB_W) {
      vf d = loadu(sr + c) - mu;
      acc2 += d * d;
    }
    double sq = hsum(acc2);
    for (long c = body; c < cols; ++c) {
      const double d = sr[c] - mu;
      sq += d * d;
    }
    const float rs = static_cast<float>(1.0 / std::sqrt(sq / static_cast<double>(cols) + static_cast<double>(eps)));
    mean[r] = mu;
    rstd[r] = rs;
    for (long c = 0; c < body; c += TSB_W)
      storeu(orow + c, (loadu(sr + c) - mu) * rs * loadu(gamma + c) + loadu(beta + c));
    for (long c = body; c < cols; ++c) orow[c] = (sr[c] - mu) * rs * gamma[c] + beta[c];
  }
}

// dx += rstd (g - mean(g) - xhat mean(g xhat)), g = dy gamma, xhat = (sum - mean) rstd;
// dGamma += dy xhat, dBeta += dy: summed over up to kLnFlushRows rows in float vectors (scratch, 2 x cols), then
// added into the double accumulators, so long row ranges keep double accuracy at float-vector speed.
constexpr long kLnFlushRows = 16;

static void layer_norm_backward(float* dx, double* dgamma, double* dbeta, float* scratch, const float* dy,
                                const float* sum, const float* mean, const float* rstd, const float* gamma, long rows,
                                long cols) {
  const long body = cols - cols % TSB_W;
  float* pg = scratch;
  float* pb = scratch + cols;
  for (long c = 0; c < 2 * cols; ++c) scratch[c] = 0.0f;
  for (long r = 0; r < rows; ++r) {
    const float mu = mean[r], rs = rstd[r];
    const float* dyr = dy + r * cols;
    const float* sr = sum + r * cols;
    float* dxr = dx + r * cols;
    vf acc_g = splat(0.0f), acc_gx = splat(0.0f);
    for (long c = 0; c < body; c += TSB_W) {
      vf xhat = (loadu(sr + c) - mu) * rs;
      vf d = loadu(dyr + c);
      vf g = d * loadu(gamma + c);
      acc_g += g;
      acc_gx += g * xhat;
      storeu(pg + c, loadu(pg + c) + d * xhat);
      storeu(pb + c, loadu(pb + c) + d);
    }
    double sg = hsum(acc_g), sgx = hsum(acc_gx);
    for (long c = body; c < cols; ++c) {
      const float xhat = (sr[c] - mu) * rs;
      const float g = dyr[c] * gamma[c];
      sg += g;
      sgx += g * xhat;
      pg[c] += dyr[c] * xhat;
      pb[c] += dyr[c];
    }
    const float mg = static_cast<float>(sg / static_cast<double>(cols));
    const float mgx = static_cast<float>(sgx / static_cast<double>(cols));
    for (long c = 0; c < body; c += TSB_W) {
      vf xhat = (loadu(sr + c) - mu) * rs;
      vf g = loadu(dyr + c) * loadu(gamma + c);
      storeu(dxr + c, loadu(dxr + c) + rs * (g - mg - xhat * mgx));
    }
    for (long c = body; c < cols; ++c) {
      const float xhat = (sr[c] - mu) * rs;
      dxr[c] += rs * (dyr[c] * gamma[c] - mg - xhat * mgx);
    }
    if ((r + 1) % kLnFlushRows == 0 || r + 1 == rows) {
      for (long c = 0; c < cols; ++c) {
        dgamma[c] += pg[c];
        dbeta[c] += pb[c];
        pg[c] = 0.0f;
        pb[c] = 0.0f;
      }
    }
  }
}

static double cross_entropy_forward(float* probs, const float* logits, const int32_t* labels, long rows,
                                    long classes, int32_t ignore_index) {
  double loss = 0.0;
  for (long r = 0; r < rows; ++r) {
    const float* l = logits + r * classes;
    float mx, total;
    softmax_row(probs + r * classes, l, nullptr, classes, 1.0f, &mx, &total);
    const int32_t label = labels[r];
    if (label == ignore_index) continue;
    // -log p[label] = log(sum exp(l - max)) - (l[label] - max): no log of a probability rounded to 0.
    loss += std::log(static_cast<double>(total)) - (static_cast<double>(l[label]) - mx);
  }
  return loss;
}

static void add_bias(float* x, const float* bias, long rows, long cols) {
  for (long r = 0; r < rows; ++r) {
    float* xr = x + r * cols;
    for (long c = 0; c < cols; ++c) xr[c] += bias[c];
  }
}

// acc [cols] += the column sums of x [rows, cols] (row stride ld), in double, row by row: each column's additions
// in row order, so the result does not depend on the vector width.
static void column_sums(double* acc, const float* x, long rows, long cols, long ld) {
  for (long r = 0; r < rows; ++r) {
    const float* row = x + r * ld;
    for (long c = 0; c < cols; ++c) acc[c] += static_cast<double>(row[c]);
  }
}

// y = alpha * x + beta * y; beta == 0 never reads y (it may hold NaN). y may be x.
static void axpby(float* y, const float* x, long n, float alpha, float beta) {
  if (beta == 0.0f) {
    for (long i = 0; i < n; ++i) y[i] = alpha * x[i];
  } else if (alpha == 1.0f && beta == 1.0f) {
    for (long i = 0; i < n; ++i) y[i] += x[i];
  } else {
    for (long i = 0; i < n; ++i) y[i] = alpha * x[i] + beta * y[i];
  }
}

// See IsaKernels::bf16_round. Integer arithmetic on the bits, as src/io/tensor-conversions.ts: add 0x7fff plus the
// lowest kept bit (ties to even), keep the upper half; a NaN gets the quiet bit (0x0040) instead. Written per ISA so
// that it vectorises (the baseline build of this loop ran at 1.4 cycles an element on Zen 5, 21 ms of a BERT-base
// bf16 forward).
static void bf16_round(uint16_t* out, const float* x, long n) {
  for (long i = 0; i < n; ++i) {
    uint32_t bits;
    std::memcpy(&bits, x + i, sizeof bits);
    const uint32_t rounded = (bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16;
    const uint32_t quiet = (bits >> 16) | 0x40u;
    out[i] = static_cast<uint16_t>((bits & 0x7fffffffu) > 0x7f800000u ? quiet : rounded);
  }
}

// out = a * b + beta * out; beta == 0 never reads out. out may be a or b.
static void multiply_accumulate(float* out, const float* a, const float* b, long n, float beta) {
  if (beta == 0.0f) {
    for (long i = 0; i < n; ++i) out[i] = a[i] * b[i];
  } else {
    for (long i = 0; i < n; ++i) out[i] = a[i] * b[i] + beta * out[i];
  }
}

// Sum of x^2: float vector partials over blocks of kSquaresBlock elements, each block's total added in double, so
// the error stays at float rounding of a block whatever n is (a 110M-parameter gradient norm).
static double sum_of_squares(const float* x, long n) {
  double total = 0.0;
  for (long b0 = 0; b0 < n; b0 += kSquaresBlock) {
    const long b1 = b0 + kSquaresBlock < n ? b0 + kSquaresBlock : n;
    vf acc = splat(0.0f);
    long i = b0;
    for (; i + TSB_W <= b1; i += TSB_W) {
      const vf v = loadu(x + i);
      acc = vfma(v, v, acc);
    }
    double block = hsum(acc);
    for (; i < b1; ++i) block += static_cast<double>(x[i]) * x[i];
    total += block;
  }
  return total;
}

template <bool kScaled>
static inline void adamw_loop(float* param, float* m, float* v, float* grad, long n, double lr, double beta1,
                              double beta2, double eps, double weight_decay, double bc1, double bc2, float grad_scale) {
  const double decay = 1.0 - lr * weight_decay;
  const double step_size = lr / bc1;
  const double bc2_sqrt = std::sqrt(bc2);
  for (long i = 0; i < n; ++i) {
    float gf = grad[i];
    if (kScaled) {
      gf = grad_scale * gf;
      grad[i] = gf;
    }
    const double g = gf;
    const double mi = beta1 * m[i] + (1.0 - beta1) * g;
    const double vi_ = beta2 * v[i] + (1.0 - beta2) * g * g;
    m[i] = static_cast<float>(mi);
    v[i] = static_cast<float>(vi_);
    param[i] = static_cast<float>(param[i] * decay - step_size * mi / (std::sqrt(vi_) / bc2_sqrt + eps));
  }
}

// Decoupled weight decay then Adam, in double per element (memory-bound, so the wider math is free), in the same
// form as the JS reference (src/backend/js/adamw.ts) so the two round alike. Clipping's scale is applied here, in
// the pass that reads the gradient anyway, as axpby would (float product, stored back): a separate pass saved.
static void adamw(float* param, float* m, float* v, float* grad, long n, double lr, double beta1, double beta2,
                  double eps, double weight_decay, double bc1, double bc2, float grad_scale) {
  if (grad_scale != 1.0f) {
    adamw_loop<true>(param, m, v, grad, n, lr, beta1, beta2, eps, weight_decay, bc1, bc2, grad_scale);
  } else {
    adamw_loop<false>(param, m, v, grad, n, lr, beta1, beta2, eps, weight_decay, bc1, bc2, grad_scale);
  }
}

typedef uint32_t vu __attribute__((vector_size(TSB_W * 4)));

// See IsaKernels::dropout_streams. One xoshiro128** step of every lane (Rng.nextUint32's words) gives one draw of
// each lane's element j; TSB_W steps give a TSB_W x TSB_W block [step][lane], transposed so that each lane's TSB_W
// consecutive draws sit in one vector beside its consecutive elements: about 2 instructions an element at 16
// lanes (avx512bf16's object code) against the sequential loop's ~16.
static void dropout_streams(float* out, float* mask, const float* x, long chunk, uint32_t* lane_states, uint64_t below,
                            float keep) {
  vu s[4];
  std::memcpy(s, lane_states, sizeof s);
  const uint32_t last_dropped = below == 0 ? 0u : static_cast<uint32_t>(below - 1);
  const vi any_dropped = vi{} + (below == 0 ? 0 : -1);
  for (long j0 = 0; j0 < chunk; j0 += TSB_W) {
    vu r[TSB_W];
#pragma GCC unroll 16
    for (int j = 0; j < TSB_W; ++j) {
      const vu m = s[1] * 5u;
      r[j] = ((m << 7) | (m >> 25)) * 9u;
      const vu t = s[1] << 9;
      s[2] ^= s[0];
      s[3] ^= s[1];
      s[1] ^= s[2];
      s[0] ^= s[3];
      s[2] ^= t;
      s[3] = (s[3] << 11) | (s[3] >> 21);
    }
    transpose_in_registers(r);
#pragma GCC unroll 16
    for (int l = 0; l < TSB_W; ++l) {
      const long e = l * chunk + j0;
      const vf k = ((r[l] <= last_dropped) & any_dropped) ? splat(0.0f) : splat(keep);
      storeu(mask + e, k);
      storeu(out + e, loadu(x + e) * k);
    }
  }
  std::memcpy(lane_states, s, sizeof s);
}
