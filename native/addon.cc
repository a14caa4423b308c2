// N-API glue: the module's exports, GEMM, and the thread and ISA controls (the fused kernels' entry points are in
// addon-fused.cc). Each call's arguments are checked against the sizes it states, then raw pointers go to the plain
// C++ kernels in kernels.h. Nothing here computes or keeps a pointer after returning.
#include <node_api.h>

#include <cmath>
#include <cstdio>
#include <type_traits>

#include "addon-args.h"
#include "addon-fused.h"
#include "addon-int8.h"
#include "cpu-features.h"
#include "kernels.h"
#include "thread-pool.h"

namespace tsbert {
namespace {

// Elements a strided batch of [rows, cols] matrices (leading dimension ld) spans.
double extent(long batch, long stride, long rows, long cols, long ld) {
  if (batch == 0 || rows == 0 || cols == 0) return 0;
  return static_cast<double>(batch - 1) * stride + static_cast<double>(rows - 1) * ld + cols;
}

// A and B as float32 (gemm) or bfloat16 bits (bf16Gemm): Operand is F32 or U16.
template <typename Operand>
napi_value GemmOf(napi_env env, napi_callback_info info) {
  constexpr bool kBf16 = std::is_same_v<Operand, U16>;
  Args args(env, info, kBf16 ? "bf16Gemm" : "gemm", 20);
  F32 c, bias, pre;
  Operand a, b;
  auto operand = [&](size_t i, const char* name, Operand* out) {
    if constexpr (kBf16)
      return args.u16(i, name, out);
    else
      return args.f32(i, name, out);
  };
  GemmArgs p{};
  double alpha = 0, beta = 0;
  long activation = 0;
  args.f32(0, "c", &c) && operand(1, "a", &a) && operand(2, "b", &b) && args.boolean(3, "transA", &p.trans_a) &&
      args.boolean(4, "transB", &p.trans_b) && args.size(5, "m", &p.m) && args.size(6, "n", &p.n) &&
      args.size(7, "k", &p.k) && args.size(8, "lda", &p.lda) && args.size(9, "ldb", &p.ldb) &&
      args.size(10, "ldc", &p.ldc) && args.number(11, "alpha", &alpha) && args.number(12, "beta", &beta) &&
      args.size(13, "batch", &p.batch) && args.size(14, "strideA", &p.stride_a) &&
      args.size(15, "strideB", &p.stride_b) && args.size(16, "strideC", &p.stride_c) &&
      args.f32_or_null(17, "bias", &bias) && args.size(18, "activation", &activation) &&
      args.f32_or_null(19, "preActivation", &pre);
  if (!args.ok()) return nullptr;
  if (activation > kActivationGeluTanh) return args.fail("activation must be 0 (none), 1 (gelu) or 2 (gelu tanh)"), nullptr;
  if (bias.data != nullptr || activation != kActivationNone || pre.data != nullptr) {
    // The epilogue finishes each tile once, so it needs a single product that overwrites C.
    if (p.batch != 1) return args.fail("a bias or activation epilogue needs batch = 1"), nullptr;
    if (beta != 0) return args.fail("a bias or activation epilogue needs beta = 0"), nullptr;
    if (bias.data != nullptr && !args.covers("bias", bias.length, static_cast<double>(p.n))) return nullptr;
    if (pre.data != nullptr && !args.covers("preActivation", pre.length, extent(1, 0, p.m, p.n, p.ldc))) return nullptr;
  }
  p.bias = bias.data;
  p.activation = static_cast<int>(activation);
  p.pre_activation = pre.data;
  const long a_rows = p.trans_a ? p.k : p.m, a_cols = p.trans_a ? p.m : p.k;
  const long b_rows = p.trans_b ? p.n : p.k, b_cols = p.trans_b ? p.k : p.n;
  if (a_cols > 0 && p.lda < a_cols) return args.fail("lda is smaller than a row of A as stored"), nullptr;
  if (b_cols > 0 && p.ldb < b_cols) return args.fail("ldb is smaller than a row of B as stored"), nullptr;
  if (p.n > 0 && p.ldc < p.n) return args.fail("ldc is smaller than n"), nullptr;
  const bool touches_ab = p.m > 0 && p.n > 0;
  if (touches_ab && !(args.covers("a", a.length, extent(p.batch, p.stride_a, a_rows, a_cols, p.lda)) &&
                      args.covers("b", b.length, extent(p.batch, p.stride_b, b_rows, b_cols, p.ldb))))
    return nullptr;
  if (!args.covers("c", c.length, extent(p.batch, p.stride_c, p.m, p.n, p.ldc))) return nullptr;
  p.alpha = static_cast<float>(alpha);
  p.beta = static_cast<float>(beta);
  if constexpr (kBf16)
    gemm_bf16(c.data, a.data, b.data, p);
  else
    gemm(c.data, a.data, b.data, p);
  return undefined(env);
}

napi_value Bf16Round(napi_env env, napi_callback_info info) {
  Args args(env, info, "bf16Round", 3);
  U16 out;
  F32 x;
  long n = 0;
  if (!(args.u16(0, "out", &out) && args.f32(1, "x", &x) && args.size(2, "n", &n) && args.covers("out", out.length, n) &&
        args.covers("x", x.length, n)))
    return nullptr;
  bf16_round(out.data, x.data, n);
  return undefined(env);
}

napi_value Bf16RoundSumRows(napi_env env, napi_callback_info info) {
  Args args(env, info, "bf16RoundSumRows", 5);
  U16 out;
  F32 d_bias, dy;
  long rows = 0, cols = 0;
  if (!(args.u16(0, "out", &out) && args.f32(1, "dBias", &d_bias) && args.f32(2, "dy", &dy) && args.size(3, "rows", &rows) &&
        args.size(4, "cols", &cols) && args.covers("out", out.length, double(rows) * cols) &&
        args.covers("dy", dy.length, double(rows) * cols) && args.covers("dBias", d_bias.length, cols)))
    return nullptr;
  bf16_round_sum_rows(out.data, d_bias.data, dy.data, rows, cols);
  return undefined(env);
}

napi_value GetThreads(napi_env env, napi_callback_info) {
  napi_value v;
  napi_create_int32(env, pool_threads(), &v);
  return v;
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args args(env, info, "setThreads", 1);
  long threads = 0;
  if (!args.size(0, "threads", &threads)) return nullptr;
  if (threads < 1 || threads > 1024) return args.fail("threads must be in [1, 1024]"), nullptr;
  pool_set_threads(static_cast<int>(threads));
  return undefined(env);
}

napi_value GetIsa(napi_env env, napi_callback_info) {
  napi_value v;
  napi_create_string_utf8(env, active_kernels().name, NAPI_AUTO_LENGTH, &v);
  return v;
}

napi_value SetIsa(napi_env env, napi_callback_info info) {
  Args args(env, info, "setIsa", 1);
  if (!args.ok()) return nullptr;
  size_t argc = 1;
  napi_value argv[1];
  char name[32] = {0};
  size_t len = 0;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len) != napi_ok)
    return args.fail("isa must be a string"), nullptr;
  if (!set_isa(name)) return args.fail("isa is unknown or not supported by this CPU"), nullptr;
  return undefined(env);
}

napi_value SupportedIsas(napi_env env, napi_callback_info) {
  napi_value v;
  napi_create_string_utf8(env, supported_isas(), NAPI_AUTO_LENGTH, &v);
  return v;
}

// What the module exports: the kernels of src/backend/kernel-table.ts that run in the addon (a test checks the two
// name sets are equal), then the thread and ISA controls. Adding a kernel here is one row.
struct Export {
  const char* name;
  napi_callback fn;
};
constexpr Export kExports[] = {
    {"gemm",                 GemmOf<F32>},
    {"addBiasInPlace",       AddBiasInPlace},
    {"sumRowsAccumulate",    SumRowsAccumulate},
    {"axpby",                Axpby},
    {"multiplyAccumulate",   MultiplyAccumulate},
    {"sumOfSquares",         SumOfSquares},
    {"sumOfSquaresRows",     SumOfSquaresRows},
    {"argmaxRows",           ArgmaxRows},
    {"geluForward",          GeluForward},
    {"geluBackward",         GeluBackward},
    {"tanhForward",          TanhForward},
    {"tanhBackward",         TanhBackward},
    {"layerNormForward",     LayerNormForward},
    {"layerNormBackward",    LayerNormBackward},
    {"softmaxForward",       SoftmaxForward},
    {"softmaxBackward",      SoftmaxBackward},
    {"attentionForward",     AttentionForward},
    {"attentionForwardPacked", AttentionForwardPacked},
    {"attentionTrainForward", AttentionTrainForward},
    {"attentionBackward",    AttentionBackward},
    {"dropoutForward",       DropoutForward},
    {"embeddingForward",     EmbeddingForward},
    {"embeddingBackward",    EmbeddingBackward},
    {"crossEntropyForward",  CrossEntropyForward},
    {"crossEntropyBackward", CrossEntropyBackward},
    {"quantizeRows",         QuantizeRows},
    {"quantizeRowsAsymmetric", QuantizeRowsAsymmetric},
    {"int8PackedWeightBytes", Int8PackedWeightBytes},
    {"int8PackWeight",       Int8PackWeight},
    {"int8Gemm",             Int8Gemm},
    {"int8GemmDynamic",      Int8GemmDynamic},
    {"bf16Round",            Bf16Round},
    {"bf16RoundSumRows",     Bf16RoundSumRows},
    {"bf16Gemm",             GemmOf<U16>},
    {"adamwStep",            AdamwStep},
    // Controls.
    {"getThreads",    GetThreads},
    {"setThreads",    SetThreads},
    {"getIsa",        GetIsa},
    {"setIsa",        SetIsa},
    {"supportedIsas", SupportedIsas},
};

napi_value Init(napi_env env, napi_value exports) {
  constexpr size_t count = sizeof kExports / sizeof kExports[0];
  napi_property_descriptor props[count];
  for (size_t i = 0; i < count; ++i)
    props[i] = {kExports[i].name, nullptr, kExports[i].fn, nullptr, nullptr, nullptr, napi_enumerable, nullptr};
  if (napi_define_properties(env, exports, count, props) != napi_ok) return nullptr;
  return exports;
}

}  // namespace
}  // namespace tsbert

NAPI_MODULE(NODE_GYP_MODULE_NAME, tsbert::Init)
