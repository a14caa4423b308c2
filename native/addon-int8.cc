// N-API glue for the int8 inference kernels: argument types and lengths against the stated sizes, then raw
// pointers to kernels.h. Argument order follows the Backend contract (src/backend/backend.ts).
#include "addon-int8.h"

#include "addon-args.h"
#include "kernels.h"

namespace tsbert {
namespace {

// A weight's bits (argument `index`): 8, or 7 (every value in [-63, 63]).
bool weight_bits(Args& args, int index, long* bits) {
  if (!args.size(index, "weightBits", bits)) return false;
  if (*bits == 7 || *bits == 8) return true;
  args.fail("weightBits must be 7 or 8");
  return false;
}

// What int8Gemm and int8GemmDynamic share past their A side: the activation code, k within the int32 sums' limit,
// and out, b, packedB (its header's sizes), bScales, bias and residual covering [m, n] and [n, k].
bool product_args_ok(Args& args, const F32& out, const I8& b, const I8& packed_b, const F32& b_scales, const F32& bias,
                     const F32& residual, long m, long n, long k, long activation) {
  if (activation > kActivationGeluTanh) return args.fail("activation must be 0 (none), 1 (gelu) or 2 (gelu tanh)"), false;
  if (k > kInt8MaxK) return args.fail("k is above 65536, where the int32 sums could overflow"), false;
  const double mn = double(m) * n;
  return args.covers("out", out.length, mn) && args.covers("b", b.length, double(n) * k) &&
         (packed_b.data == nullptr ||
          (args.covers("packedB", packed_b.length, static_cast<double>(kInt8PackedHeaderBytes)) &&
           args.covers("packedB", packed_b.length, static_cast<double>(int8_packed_b_bytes_of(packed_b.data, n, k))))) &&
         args.covers("bScales", b_scales.length, n) && (bias.data == nullptr || args.covers("bias", bias.length, n)) &&
         (residual.data == nullptr || args.covers("residual", residual.length, mn));
}

// int8_gemm and int8_gemm_dynamic return false for a packed weight of another layout or other sizes.
napi_value refused_packing(Args& args) {
  return args.fail("packedB was packed for another int8 kernel (the ISA changed since) or another [n, k]: pack it again"),
         nullptr;
}

}  // namespace

napi_value QuantizeRows(napi_env env, napi_callback_info info) {
  Args args(env, info, "quantizeRows", 6);
  I8 q;
  F32 scales, x;
  long rows = 0, cols = 0, max_level = 0;
  if (!(args.i8(0, "q", &q) && args.f32(1, "scales", &scales) && args.f32(2, "x", &x) && args.size(3, "rows", &rows) &&
        args.size(4, "cols", &cols) && args.size(5, "maxLevel", &max_level) &&
        args.covers("q", q.length, double(rows) * cols) && args.covers("scales", scales.length, rows) &&
        args.covers("x", x.length, double(rows) * cols)))
    return nullptr;
  if (max_level < 1 || max_level > 127) return args.fail("maxLevel must be in [1, 127]"), nullptr;
  quantize_rows(q.data, scales.data, x.data, rows, cols, static_cast<int>(max_level));
  return undefined(env);
}

napi_value QuantizeRowsAsymmetric(napi_env env, napi_callback_info info) {
  Args args(env, info, "quantizeRowsAsymmetric", 6);
  I8 q;
  F32 scales, x;
  I32 offsets;
  long rows = 0, cols = 0;
  if (!(args.i8(0, "q", &q) && args.f32(1, "scales", &scales) && args.i32(2, "offsets", &offsets) &&
        args.f32(3, "x", &x) && args.size(4, "rows", &rows) && args.size(5, "cols", &cols) &&
        args.covers("q", q.length, double(rows) * cols) && args.covers("scales", scales.length, rows) &&
        args.covers("offsets", offsets.length, rows) && args.covers("x", x.length, double(rows) * cols)))
    return nullptr;
  quantize_rows_asymmetric(q.data, scales.data, offsets.data, x.data, rows, cols);
  return undefined(env);
}

napi_value Int8PackedWeightBytes(napi_env env, napi_callback_info info) {
  Args args(env, info, "int8PackedWeightBytes", 3);
  long n = 0, k = 0, bits = 0;
  if (!(args.size(0, "n", &n) && args.size(1, "k", &k) && weight_bits(args, 2, &bits))) return nullptr;
  napi_value result;
  napi_create_double(env, static_cast<double>(int8_packed_b_bytes(n, k, static_cast<int>(bits))), &result);
  return result;
}

napi_value Int8PackWeight(napi_env env, napi_callback_info info) {
  Args args(env, info, "int8PackWeight", 5);
  I8 packed, b;
  long n = 0, k = 0, bits = 0;
  if (!(args.i8(0, "packed", &packed) && args.i8(1, "b", &b) && args.size(2, "n", &n) && args.size(3, "k", &k) &&
        weight_bits(args, 4, &bits) &&
        args.covers("packed", packed.length, static_cast<double>(int8_packed_b_bytes(n, k, static_cast<int>(bits)))) &&
        args.covers("b", b.length, double(n) * k)))
    return nullptr;
  if (!int8_pack_b(packed.data, b.data, n, k, static_cast<int>(bits)))
    return args.fail("b holds a value outside [-63, 63], which weightBits 7 requires: pack it with weightBits 8"), nullptr;
  return undefined(env);
}

napi_value Int8Gemm(napi_env env, napi_callback_info info) {
  Args args(env, info, "int8Gemm", 14);
  F32 out, a_scales, b_scales, bias, residual;
  I8 a, b, packed_b;
  I32 a_offsets, b_sums;
  long m = 0, n = 0, k = 0, activation = 0;
  if (!(args.f32(0, "out", &out) && args.i8(1, "a", &a) && args.f32(2, "aScales", &a_scales) &&
        args.i32_or_null(3, "aOffsets", &a_offsets) && args.i8(4, "b", &b) && args.i8_or_null(5, "packedB", &packed_b) &&
        args.f32(6, "bScales", &b_scales) && args.i32_or_null(7, "bSums", &b_sums) &&
        args.f32_or_null(8, "bias", &bias) && args.f32_or_null(9, "residual", &residual) && args.size(10, "m", &m) &&
        args.size(11, "n", &n) && args.size(12, "k", &k) && args.size(13, "activation", &activation)))
    return nullptr;
  if ((a_offsets.data == nullptr) != (b_sums.data == nullptr))
    return args.fail("aOffsets and bSums go together (asymmetric rows), or are both null"), nullptr;
  if (!(product_args_ok(args, out, b, packed_b, b_scales, bias, residual, m, n, k, activation) &&
        args.covers("a", a.length, double(m) * k) && args.covers("aScales", a_scales.length, m) &&
        (a_offsets.data == nullptr || (args.covers("aOffsets", a_offsets.length, m) && args.covers("bSums", b_sums.length, n)))))
    return nullptr;
  if (!int8_gemm(out.data, a.data, a_scales.data, a_offsets.data, b.data, packed_b.data, b_scales.data, b_sums.data,
                 bias.data, residual.data, m, n, k, static_cast<int>(activation)))
    return refused_packing(args);
  return undefined(env);
}

napi_value Int8GemmDynamic(napi_env env, napi_callback_info info) {
  Args args(env, info, "int8GemmDynamic", 12);
  F32 out, x, b_scales, bias, residual;
  I8 b, packed_b;
  I32 b_sums;
  long m = 0, n = 0, k = 0, activation = 0;
  if (!(args.f32(0, "out", &out) && args.f32(1, "x", &x) && args.i8(2, "b", &b) &&
        args.i8_or_null(3, "packedB", &packed_b) && args.f32(4, "bScales", &b_scales) && args.i32(5, "bSums", &b_sums) &&
        args.f32_or_null(6, "bias", &bias) && args.f32_or_null(7, "residual", &residual) && args.size(8, "m", &m) &&
        args.size(9, "n", &n) && args.size(10, "k", &k) && args.size(11, "activation", &activation)))
    return nullptr;
  if (!(product_args_ok(args, out, b, packed_b, b_scales, bias, residual, m, n, k, activation) &&
        args.covers("x", x.length, double(m) * k) && args.covers("bSums", b_sums.length, n)))
    return nullptr;
  if (!int8_gemm_dynamic(out.data, x.data, b.data, packed_b.data, b_scales.data, b_sums.data, bias.data,
                         residual.data, m, n, k, static_cast<int>(activation)))
    return refused_packing(args);
  return undefined(env);
}

}  // namespace tsbert
