// N-API glue for the fused and elementwise kernels: each entry point checks its arguments against the sizes it
// states (Float32Array / Int32Array types, lengths, ids and labels in range) and forwards raw pointers to
// kernels.h. Argument order follows the Backend contract (src/backend/backend.ts).
#include "addon-fused.h"

#include <cstdio>

#include "addon-args.h"
#include "kernels.h"

namespace tsbert {

napi_value AddBiasInPlace(napi_env env, napi_callback_info info) {
  Args args(env, info, "addBiasInPlace", 4);
  F32 x, bias;
  long rows = 0, cols = 0;
  if (!(args.f32(0, "x", &x) && args.f32(1, "bias", &bias) && args.size(2, "rows", &rows) &&
        args.size(3, "cols", &cols) && args.covers("x", x.length, double(rows) * cols) &&
        args.covers("bias", bias.length, cols)))
    return nullptr;
  add_bias_in_place(x.data, bias.data, rows, cols);
  return undefined(env);
}

napi_value Axpby(napi_env env, napi_callback_info info) {
  Args args(env, info, "axpby", 5);
  F32 y, x;
  long n = 0;
  double alpha = 0, beta = 0;
  if (!(args.f32(0, "y", &y) && args.f32(1, "x", &x) && args.size(2, "n", &n) && args.number(3, "alpha", &alpha) &&
        args.number(4, "beta", &beta) && args.covers("y", y.length, n) && args.covers("x", x.length, n)))
    return nullptr;
  axpby(y.data, x.data, n, static_cast<float>(alpha), static_cast<float>(beta));
  return undefined(env);
}

napi_value MultiplyAccumulate(napi_env env, napi_callback_info info) {
  Args args(env, info, "multiplyAccumulate", 5);
  F32 out, a, b;
  long n = 0;
  double beta = 0;
  if (!(args.f32(0, "out", &out) && args.f32(1, "a", &a) && args.f32(2, "b", &b) && args.size(3, "n", &n) &&
        args.number(4, "beta", &beta) && args.covers("out", out.length, n) && args.covers("a", a.length, n) &&
        args.covers("b", b.length, n)))
    return nullptr;
  multiply_accumulate(out.data, a.data, b.data, n, static_cast<float>(beta));
  return undefined(env);
}

napi_value SumOfSquares(napi_env env, napi_callback_info info) {
  Args args(env, info, "sumOfSquares", 2);
  F32 x;
  long n = 0;
  if (!(args.f32(0, "x", &x) && args.size(1, "n", &n) && args.covers("x", x.length, n))) return nullptr;
  napi_value result;
  napi_create_double(env, sum_of_squares(x.data, n), &result);
  return result;
}

// rows [count] ascending, distinct, each a whole row of cols inside x [n].
static bool check_rows(Args& args, const I32& rows, long count, long cols, long n) {
  for (long r = 0; r < count; ++r) {
    const int32_t row = rows.data[r];
    if ((r > 0 && row <= rows.data[r - 1]) || row < 0 || (static_cast<double>(row) + 1) * cols > static_cast<double>(n)) {
      char msg[128];
      std::snprintf(msg, sizeof msg, "rows[%ld] = %d is not ascending or not a row of x (%ld rows)", r, row,
                    cols > 0 ? n / cols : 0L);
      return args.fail(msg);
    }
  }
  return true;
}

napi_value SumOfSquaresRows(napi_env env, napi_callback_info info) {
  Args args(env, info, "sumOfSquaresRows", 5);
  F32 x;
  I32 rows;
  long count = 0, cols = 0, n = 0;
  if (!(args.f32(0, "x", &x) && args.i32(1, "rows", &rows) && args.size(2, "count", &count) &&
        args.size(3, "cols", &cols) && args.size(4, "n", &n) && args.covers("x", x.length, n) &&
        args.covers("rows", rows.length, count) && check_rows(args, rows, count, cols, n)))
    return nullptr;
  napi_value result;
  napi_create_double(env, sum_of_squares_rows(x.data, n, rows.data, count, cols), &result);
  return result;
}

napi_value ArgmaxRows(napi_env env, napi_callback_info info) {
  Args args(env, info, "argmaxRows", 4);
  I32 out;
  F32 x;
  long rows = 0, cols = 0;
  if (!(args.i32(0, "out", &out) && args.f32(1, "x", &x) && args.size(2, "rows", &rows) &&
        args.size(3, "cols", &cols)))
    return nullptr;
  if (rows > 0 && cols < 1) return args.fail("cols must be >= 1 (a row needs an element to be its maximum)"), nullptr;
  if (!(args.covers("out", out.length, rows) && args.covers("x", x.length, double(rows) * cols))) return nullptr;
  if (cols > 2147483647L) return args.fail("cols must fit an int32 index"), nullptr;
  argmax_rows(out.data, x.data, rows, cols);
  return undefined(env);
}

napi_value SumRowsAccumulate(napi_env env, napi_callback_info info) {
  Args args(env, info, "sumRowsAccumulate", 4);
  F32 d_bias, dy;
  long rows = 0, cols = 0;
  if (!(args.f32(0, "dBias", &d_bias) && args.f32(1, "dy", &dy) && args.size(2, "rows", &rows) &&
        args.size(3, "cols", &cols) && args.covers("dy", dy.length, double(rows) * cols) &&
        args.covers("dBias", d_bias.length, cols)))
    return nullptr;
  sum_rows_accumulate(d_bias.data, dy.data, rows, cols);
  return undefined(env);
}

napi_value GeluForward(napi_env env, napi_callback_info info) {
  Args args(env, info, "geluForward", 4);
  F32 out, x;
  long n = 0;
  bool tanh_approx = false;
  if (!(args.f32(0, "out", &out) && args.f32(1, "x", &x) && args.size(2, "n", &n) &&
        args.boolean(3, "tanhApproximation", &tanh_approx) && args.covers("out", out.length, n) &&
        args.covers("x", x.length, n)))
    return nullptr;
  gelu_forward(out.data, x.data, n, tanh_approx);
  return undefined(env);
}

napi_value GeluBackward(napi_env env, napi_callback_info info) {
  Args args(env, info, "geluBackward", 5);
  F32 dx, x, dy;
  long n = 0;
  bool tanh_approx = false;
  if (!(args.f32(0, "dx", &dx) && args.f32(1, "x", &x) && args.f32(2, "dy", &dy) && args.size(3, "n", &n) &&
        args.boolean(4, "tanhApproximation", &tanh_approx) && args.covers("dx", dx.length, n) &&
        args.covers("x", x.length, n) && args.covers("dy", dy.length, n)))
    return nullptr;
  gelu_backward(dx.data, x.data, dy.data, n, tanh_approx);
  return undefined(env);
}

napi_value TanhForward(napi_env env, napi_callback_info info) {
  Args args(env, info, "tanhForward", 3);
  F32 out, x;
  long n = 0;
  if (!(args.f32(0, "out", &out) && args.f32(1, "x", &x) && args.size(2, "n", &n) &&
        args.covers("out", out.length, n) && args.covers("x", x.length, n)))
    return nullptr;
  tanh_forward(out.data, x.data, n);
  return undefined(env);
}

napi_value DropoutForward(napi_env env, napi_callback_info info) {
  Args args(env, info, "dropoutForward", 7);
  F32 out, mask, x;
  I32 state;
  long n = 0;
  double p = 0, keep = 0;
  if (!(args.f32(0, "out", &out) && args.f32(1, "mask", &mask) && args.f32(2, "x", &x) && args.size(3, "n", &n) &&
        args.number(4, "p", &p) && args.number(5, "keepValue", &keep) && args.i32(6, "state", &state) &&
        args.covers("out", out.length, n) && args.covers("mask", mask.length, n) && args.covers("x", x.length, n) &&
        args.covers("state", state.length, 4)))
    return nullptr;
  if (!(p >= 0 && p < 1)) {
    args.fail("p must be in [0, 1)");
    return nullptr;
  }
  dropout_forward(out.data, mask.data, x.data, n, p, static_cast<float>(keep), reinterpret_cast<uint32_t*>(state.data));
  return undefined(env);
}

napi_value TanhBackward(napi_env env, napi_callback_info info) {
  Args args(env, info, "tanhBackward", 4);
  F32 dx, y, dy;
  long n = 0;
  if (!(args.f32(0, "dx", &dx) && args.f32(1, "y", &y) && args.f32(2, "dy", &dy) && args.size(3, "n", &n) &&
        args.covers("dx", dx.length, n) && args.covers("y", y.length, n) && args.covers("dy", dy.length, n)))
    return nullptr;
  tanh_backward(dx.data, y.data, dy.data, n);
  return undefined(env);
}

napi_value LayerNormForward(napi_env env, napi_callback_info info) {
  Args args(env, info, "layerNormForward", 11);
  F32 out, sum, mean, rstd, x, residual, gamma, beta;
  long rows = 0, cols = 0;
  double eps = 0;
  if (!(args.f32(0, "out", &out) && args.f32(1, "sum", &sum) && args.f32(2, "mean", &mean) &&
        args.f32(3, "rstd", &rstd) && args.f32(4, "x", &x) && args.f32_or_null(5, "residual", &residual) &&
        args.f32(6, "gamma", &gamma) && args.f32(7, "beta", &beta) && args.size(8, "rows", &rows) &&
        args.size(9, "cols", &cols) && args.number(10, "eps", &eps)))
    return nullptr;
  const double total = double(rows) * cols;
  if (!(args.covers("out", out.length, total) && args.covers("sum", sum.length, total) &&
        args.covers("x", x.length, total) && (!residual.data || args.covers("residual", residual.length, total)) &&
        args.covers("mean", mean.length, rows) && args.covers("rstd", rstd.length, rows) &&
        args.covers("gamma", gamma.length, cols) && args.covers("beta", beta.length, cols)))
    return nullptr;
  layer_norm_forward(out.data, sum.data, mean.data, rstd.data, x.data, residual.data, gamma.data, beta.data, rows,
                     cols, static_cast<float>(eps));
  return undefined(env);
}

napi_value LayerNormBackward(napi_env env, napi_callback_info info) {
  Args args(env, info, "layerNormBackward", 10);
  F32 dx, d_gamma, d_beta, dy, sum, mean, rstd, gamma;
  long rows = 0, cols = 0;
  if (!(args.f32(0, "dx", &dx) && args.f32(1, "dGamma", &d_gamma) && args.f32(2, "dBeta", &d_beta) &&
        args.f32(3, "dy", &dy) && args.f32(4, "sum", &sum) && args.f32(5, "mean", &mean) &&
        args.f32(6, "rstd", &rstd) && args.f32(7, "gamma", &gamma) && args.size(8, "rows", &rows) &&
        args.size(9, "cols", &cols)))
    return nullptr;
  const double total = double(rows) * cols;
  if (!(args.covers("dx", dx.length, total) && args.covers("dy", dy.length, total) &&
        args.covers("sum", sum.length, total) && args.covers("mean", mean.length, rows) &&
        args.covers("rstd", rstd.length, rows) && args.covers("gamma", gamma.length, cols) &&
        args.covers("dGamma", d_gamma.length, cols) && args.covers("dBeta", d_beta.length, cols)))
    return nullptr;
  layer_norm_backward(dx.data, d_gamma.data, d_beta.data, dy.data, sum.data, mean.data, rstd.data, gamma.data, rows,
                      cols);
  return undefined(env);
}

napi_value SoftmaxForward(napi_env env, napi_callback_info info) {
  Args args(env, info, "softmaxForward", 8);
  F32 probs, scores, mask;
  long batch = 0, heads = 0, queries = 0, keys = 0;
  double scale = 1;
  if (!(args.f32(0, "probs", &probs) && args.f32(1, "scores", &scores) && args.f32_or_null(2, "mask", &mask) &&
        args.size(3, "batch", &batch) && args.size(4, "heads", &heads) && args.size(5, "queries", &queries) &&
        args.size(6, "keys", &keys) && args.number(7, "scale", &scale)))
    return nullptr;
  const double total = double(batch) * heads * queries * keys;
  if (!(args.covers("probs", probs.length, total) && args.covers("scores", scores.length, total) &&
        (!mask.data || args.covers("mask", mask.length, double(batch) * keys))))
    return nullptr;
  softmax_forward(probs.data, scores.data, mask.data, batch, heads, queries, keys, static_cast<float>(scale));
  return undefined(env);
}

napi_value AttentionForward(napi_env env, napi_callback_info info) {
  Args args(env, info, "attentionForward", 11);
  F32 context, probs, q, k, v, mask;
  long batch = 0, heads = 0, seq = 0, head_dim = 0;
  double scale = 1;
  if (!(args.f32(0, "context", &context) && args.f32(1, "probs", &probs) && args.f32(2, "q", &q) &&
        args.f32(3, "k", &k) && args.f32(4, "v", &v) && args.f32_or_null(5, "mask", &mask) &&
        args.size(6, "batch", &batch) && args.size(7, "heads", &heads) && args.size(8, "seq", &seq) &&
        args.size(9, "headDim", &head_dim) && args.number(10, "scale", &scale)))
    return nullptr;
  const double rows = double(batch) * seq * heads * head_dim;
  if (!(args.covers("context", context.length, rows) && args.covers("q", q.length, rows) &&
        args.covers("k", k.length, rows) && args.covers("v", v.length, rows) &&
        args.covers("probs", probs.length, double(batch) * heads * seq * seq) &&
        (!mask.data || args.covers("mask", mask.length, double(batch) * seq))))
    return nullptr;
  attention_forward(context.data, probs.data, q.data, k.data, v.data, mask.data, batch, heads, seq, head_dim,
                    static_cast<float>(scale));
  return undefined(env);
}

napi_value AttentionTrainForward(napi_env env, napi_callback_info info) {
  Args args(env, info, "attentionTrainForward", 15);
  F32 context, probs, drop_mask, q, k, v, mask;
  I32 state;
  long batch = 0, heads = 0, seq = 0, head_dim = 0;
  double scale = 1, p = 0, keep = 0;
  if (!(args.f32(0, "context", &context) && args.f32(1, "probs", &probs) && args.f32(2, "dropMask", &drop_mask) &&
        args.f32(3, "q", &q) && args.f32(4, "k", &k) && args.f32(5, "v", &v) && args.f32_or_null(6, "mask", &mask) &&
        args.size(7, "batch", &batch) && args.size(8, "heads", &heads) && args.size(9, "seq", &seq) &&
        args.size(10, "headDim", &head_dim) && args.number(11, "scale", &scale) && args.number(12, "p", &p) &&
        args.number(13, "keepValue", &keep) && args.i32(14, "state", &state)))
    return nullptr;
  const double rows = double(batch) * seq * heads * head_dim, square = double(batch) * heads * seq * seq;
  if (!(args.covers("context", context.length, rows) && args.covers("q", q.length, rows) &&
        args.covers("k", k.length, rows) && args.covers("v", v.length, rows) &&
        args.covers("probs", probs.length, square) && args.covers("dropMask", drop_mask.length, square) &&
        (!mask.data || args.covers("mask", mask.length, double(batch) * seq)) && args.covers("state", state.length, 4)))
    return nullptr;
  if (!(p >= 0 && p < 1)) {
    args.fail("p must be in [0, 1)");
    return nullptr;
  }
  attention_train_forward(context.data, probs.data, drop_mask.data, q.data, k.data, v.data, mask.data, batch, heads,
                          seq, head_dim, static_cast<float>(scale), p, static_cast<float>(keep),
                          reinterpret_cast<uint32_t*>(state.data));
  return undefined(env);
}

napi_value AttentionBackward(napi_env env, napi_callback_info info) {
  Args args(env, info, "attentionBackward", 14);
  F32 dq, dk, dv, d_context, probs, drop_mask, q, k, v;
  long batch = 0, heads = 0, seq = 0, head_dim = 0;
  double scale = 1;
  if (!(args.f32_or_null(0, "dq", &dq) && args.f32_or_null(1, "dk", &dk) && args.f32_or_null(2, "dv", &dv) &&
        args.f32(3, "dContext", &d_context) && args.f32(4, "probs", &probs) &&
        args.f32_or_null(5, "dropMask", &drop_mask) && args.f32(6, "q", &q) && args.f32(7, "k", &k) &&
        args.f32(8, "v", &v) && args.size(9, "batch", &batch) && args.size(10, "heads", &heads) &&
        args.size(11, "seq", &seq) && args.size(12, "headDim", &head_dim) && args.number(13, "scale", &scale)))
    return nullptr;
  const double rows = double(batch) * seq * heads * head_dim, square = double(batch) * heads * seq * seq;
  if (!((!dq.data || args.covers("dq", dq.length, rows)) && (!dk.data || args.covers("dk", dk.length, rows)) &&
        (!dv.data || args.covers("dv", dv.length, rows)) && args.covers("dContext", d_context.length, rows) &&
        args.covers("q", q.length, rows) && args.covers("k", k.length, rows) && args.covers("v", v.length, rows) &&
        args.covers("probs", probs.length, square) &&
        (!drop_mask.data || args.covers("dropMask", drop_mask.length, square))))
    return nullptr;
  attention_backward(dq.data, dk.data, dv.data, d_context.data, probs.data, drop_mask.data, q.data, k.data, v.data,
                     batch, heads, seq, head_dim, static_cast<float>(scale));
  return undefined(env);
}

napi_value AttentionForwardPacked(napi_env env, napi_callback_info info) {
  Args args(env, info, "attentionForwardPacked", 10);
  F32 context, probs, q, k, v;
  I32 offsets;
  long count = 0, heads = 0, head_dim = 0;
  double scale = 1;
  if (!(args.f32(0, "context", &context) && args.f32(1, "probs", &probs) && args.f32(2, "q", &q) &&
        args.f32(3, "k", &k) && args.f32(4, "v", &v) && args.i32(5, "offsets", &offsets) &&
        args.size(6, "count", &count) && args.size(7, "heads", &heads) && args.size(8, "headDim", &head_dim) &&
        args.number(9, "scale", &scale) && args.covers("offsets", offsets.length, double(count) + 1)))
    return nullptr;
  // The offsets decide every address the kernel touches, so all of them are proved in range first.
  if (offsets.data[0] != 0) {
    args.fail("offsets[0] must be 0");
    return nullptr;
  }
  double square = 0;
  for (long i = 0; i < count; ++i) {
    const double len = double(offsets.data[i + 1]) - offsets.data[i];
    if (len < 0) {
      args.fail("offsets must not decrease");
      return nullptr;
    }
    square += len * len;
  }
  const double rows = double(offsets.data[count]) * heads * head_dim;
  if (!(args.covers("context", context.length, rows) && args.covers("q", q.length, rows) &&
        args.covers("k", k.length, rows) && args.covers("v", v.length, rows) &&
        args.covers("probs", probs.length, square * heads)))
    return nullptr;
  attention_forward_packed(context.data, probs.data, q.data, k.data, v.data, offsets.data, count, heads, head_dim,
                           static_cast<float>(scale));
  return undefined(env);
}

napi_value SoftmaxBackward(napi_env env, napi_callback_info info) {
  Args args(env, info, "softmaxBackward", 6);
  F32 d_scores, probs, d_probs;
  long rows = 0, keys = 0;
  double scale = 1;
  if (!(args.f32(0, "dScores", &d_scores) && args.f32(1, "probs", &probs) && args.f32(2, "dProbs", &d_probs) &&
        args.size(3, "rows", &rows) && args.size(4, "keys", &keys) && args.number(5, "scale", &scale)))
    return nullptr;
  const double total = double(rows) * keys;
  if (!(args.covers("dScores", d_scores.length, total) && args.covers("probs", probs.length, total) &&
        args.covers("dProbs", d_probs.length, total)))
    return nullptr;
  softmax_backward(d_scores.data, probs.data, d_probs.data, rows, keys, static_cast<float>(scale));
  return undefined(env);
}

// Every id must index a row of the table: the kernels trust them.
static bool check_ids(Args& args, const I32& ids, long n, long vocab) {
  for (long i = 0; i < n; ++i) {
    const int32_t id = ids.data[i];
    if (id < 0 || id >= vocab) {
      char msg[128];
      std::snprintf(msg, sizeof msg, "ids[%ld] = %d is outside the table's %ld rows", i, id, vocab);
      return args.fail(msg);
    }
  }
  return true;
}

napi_value EmbeddingForward(napi_env env, napi_callback_info info) {
  Args args(env, info, "embeddingForward", 5);
  F32 out, table;
  I32 ids;
  long n = 0, dim = 0;
  if (!(args.f32(0, "out", &out) && args.f32(1, "table", &table) && args.i32(2, "ids", &ids) &&
        args.size(3, "n", &n) && args.size(4, "dim", &dim) && args.covers("out", out.length, double(n) * dim) &&
        args.covers("ids", ids.length, n)))
    return nullptr;
  if (dim > 0 && !check_ids(args, ids, n, static_cast<long>(table.length / dim))) return nullptr;
  embedding_forward(out.data, table.data, ids.data, n, dim);
  return undefined(env);
}

napi_value EmbeddingBackward(napi_env env, napi_callback_info info) {
  Args args(env, info, "embeddingBackward", 6);
  F32 d_table, d_out;
  I32 ids;
  long n = 0, dim = 0, padding_idx = -1;
  if (!(args.f32(0, "dTable", &d_table) && args.f32(1, "dOut", &d_out) && args.i32(2, "ids", &ids) &&
        args.size(3, "n", &n) && args.size(4, "dim", &dim) && args.integer(5, "paddingIdx", &padding_idx) &&
        args.covers("dOut", d_out.length, double(n) * dim) && args.covers("ids", ids.length, n)))
    return nullptr;
  if (dim > 0 && !check_ids(args, ids, n, static_cast<long>(d_table.length / dim))) return nullptr;
  embedding_backward(d_table.data, d_out.data, ids.data, n, dim, static_cast<int32_t>(padding_idx));
  return undefined(env);
}

static bool check_labels(Args& args, const I32& labels, long rows, long classes, long ignore_index) {
  for (long i = 0; i < rows; ++i) {
    const int32_t label = labels.data[i];
    if (label != ignore_index && (label < 0 || label >= classes)) {
      char msg[128];
      std::snprintf(msg, sizeof msg, "labels[%ld] = %d is outside [0, %ld) and not ignoreIndex", i, label, classes);
      return args.fail(msg);
    }
  }
  return true;
}

napi_value CrossEntropyForward(napi_env env, napi_callback_info info) {
  Args args(env, info, "crossEntropyForward", 6);
  F32 probs, logits;
  I32 labels;
  long rows = 0, classes = 0, ignore_index = 0;
  if (!(args.f32(0, "probs", &probs) && args.f32(1, "logits", &logits) && args.i32(2, "labels", &labels) &&
        args.size(3, "rows", &rows) && args.size(4, "classes", &classes) &&
        args.integer(5, "ignoreIndex", &ignore_index) && args.covers("probs", probs.length, double(rows) * classes) &&
        args.covers("logits", logits.length, double(rows) * classes) && args.covers("labels", labels.length, rows) &&
        check_labels(args, labels, rows, classes, ignore_index)))
    return nullptr;
  long count = 0;
  const double loss = cross_entropy_forward(probs.data, logits.data, labels.data, rows, classes,
                                            static_cast<int32_t>(ignore_index), &count);
  napi_value result, loss_v, count_v;
  napi_create_object(env, &result);
  napi_create_double(env, loss, &loss_v);
  napi_create_double(env, static_cast<double>(count), &count_v);
  napi_set_named_property(env, result, "lossSum", loss_v);
  napi_set_named_property(env, result, "count", count_v);
  return result;
}

napi_value CrossEntropyBackward(napi_env env, napi_callback_info info) {
  Args args(env, info, "crossEntropyBackward", 7);
  F32 d_logits, probs;
  I32 labels;
  long rows = 0, classes = 0, ignore_index = 0;
  double scale = 1;
  if (!(args.f32(0, "dLogits", &d_logits) && args.f32(1, "probs", &probs) && args.i32(2, "labels", &labels) &&
        args.size(3, "rows", &rows) && args.size(4, "classes", &classes) &&
        args.integer(5, "ignoreIndex", &ignore_index) && args.number(6, "scale", &scale) &&
        args.covers("dLogits", d_logits.length, double(rows) * classes) &&
        args.covers("probs", probs.length, double(rows) * classes) && args.covers("labels", labels.length, rows) &&
        check_labels(args, labels, rows, classes, ignore_index)))
    return nullptr;
  cross_entropy_backward(d_logits.data, probs.data, labels.data, rows, classes, static_cast<int32_t>(ignore_index),
                         static_cast<float>(scale));
  return undefined(env);
}

napi_value AdamwStep(napi_env env, napi_callback_info info) {
  Args args(env, info, "adamwStep", 12);
  F32 param, m, v, grad;
  long n = 0;
  double lr = 0, beta1 = 0, beta2 = 0, eps = 0, wd = 0, step = 0, grad_scale = 1;
  if (!(args.f32(0, "param", &param) && args.f32(1, "m", &m) && args.f32(2, "v", &v) && args.f32(3, "grad", &grad) &&
        args.size(4, "n", &n) && args.number(5, "lr", &lr) && args.number(6, "beta1", &beta1) &&
        args.number(7, "beta2", &beta2) && args.number(8, "eps", &eps) && args.number(9, "weightDecay", &wd) &&
        args.number(10, "step", &step) && args.number(11, "gradScale", &grad_scale) &&
        args.covers("param", param.length, n) && args.covers("m", m.length, n) && args.covers("v", v.length, n) &&
        args.covers("grad", grad.length, n)))
    return nullptr;
  // As axpby's glue: the scale is a float, so the scaled gradient rounds as clipping's separate pass stored it.
  adamw_step(param.data, m.data, v.data, grad.data, n, lr, beta1, beta2, eps, wd, step, static_cast<float>(grad_scale));
  return undefined(env);
}

}  // namespace tsbert
