// The native compute core as plain C++: every kernel of the Backend contract (src/backend/backend.ts) on raw
// float pointers, callable without Node (addon.cc only checks arguments and forwards here). Sizes are element
// counts; the caller guarantees every pointer covers what the sizes imply. Threads come from thread-pool.h; the
// ISA from cpu-features.h.
#pragma once
#include <cstdint>

namespace tsbert {

enum Activation : int { kActivationNone = 0, kActivationGelu = 1, kActivationGeluTanh = 2 };

struct GemmArgs {
  bool trans_a;  // A stored [k, m]
  bool trans_b;  // B stored [n, k]
  long m, n, k;
  long lda, ldb, ldc;
  float alpha;
  float beta;  // 0 overwrites C without reading it
  long batch;
  long stride_a, stride_b, stride_c;  // 0 broadcasts that operand
  // Epilogue (batch 1, beta 0 only), applied to each finished tile of C while it is still in L1 — a Linear's bias
  // and GELU without another pass over [m, n] in memory. pre_activation (row stride ldc) gets C + bias before the
  // activation, which GELU's backward needs.
  const float* bias = nullptr;  // [n], added to every row
  int activation = kActivationNone;
  float* pre_activation = nullptr;
};

// C[b] = alpha * op(A[b]) . op(B[b]) + beta * C[b], row-major.
void gemm(float* c, const float* a, const float* b, const GemmArgs& p);
// The same with A and B bfloat16 (raw bits, the upper half of a float32); C and the epilogue are float32. On an ISA
// with a bfloat16 kernel (vdpbf16ps) the products are summed in pairs by it (float32 rounding, denormals flushed);
// elsewhere the operands are widened exactly while they are packed and C equals gemm() on their float32 values.
void gemm_bf16(float* c, const uint16_t* a, const uint16_t* b, const GemmArgs& p);
// out [n] = x [n] as bfloat16 bits, rounded to nearest even; NaN stays NaN (quiet), Inf stays Inf.
void bf16_round(uint16_t* out, const float* x, long n);
// bf16_round(out, dy, rows * cols) and sum_rows_accumulate(d_bias, dy, rows, cols) in one pass over dy (each block of
// rows is still in L1 when its column sums read it): the same bits and sums.
void bf16_round_sum_rows(uint16_t* out, float* d_bias, const float* dy, long rows, long cols);
// The same on the calling thread only: for products inside a task of a parallel kernel.
void gemm_on_this_thread(float* c, const float* a, const float* b, const GemmArgs& p);

// Attention without dropout, per (sequence, head): probs = softmax(scale * q.k^T + mask), context = probs.v.
// q, k, v, context [batch, seq, heads * head_dim], head h in columns [h * head_dim, (h + 1) * head_dim);
// probs [batch, heads, seq, seq]; mask [batch, seq] (additive) or null.
void attention_forward(float* context, float* probs, const float* q, const float* k, const float* v,
                       const float* mask, long batch, long heads, long seq, long head_dim, float scale);

// attention_forward over packed sequences: sequence i is rows offsets[i] .. offsets[i+1]-1 of q, k, v, context
// [total, heads * head_dim] and attends to its own rows only; probs holds its [heads, len_i, len_i] block after
// sequence i-1's. offsets: count + 1 entries from 0, non-decreasing (checked by the caller).
void attention_forward_packed(float* context, float* probs, const float* q, const float* k, const float* v,
                              const int32_t* offsets, long count, long heads, long head_dim, float scale);

// attention_forward with inverted dropout on the probabilities (BERT's attention_probs_dropout_prob), for training:
// probs (before dropout) and drop_mask [batch, heads, seq, seq] are written, context = (probs * drop_mask).v. The
// mask is dropout_forward's over probs in element order from `state` (advanced by batch * heads * seq^2 draws), so it
// equals the unfused steps' bit for bit; each (sequence, head) task draws its own block of the stream (dropout_at).
void attention_train_forward(float* context, float* probs, float* drop_mask, const float* q, const float* k,
                             const float* v, const float* mask, long batch, long heads, long seq, long head_dim,
                             float scale, double p, float keep, uint32_t* state);
// The gradients of attention_forward / attention_train_forward, accumulated: with used = probs * drop_mask (probs
// when drop_mask is null) and dUsed = dContext.v^T per head, dv += used^T.dContext, dScores = softmax_backward(probs,
// dUsed * drop_mask), dq += dScores.k and dk += dScores^T.q. A null dq, dk or dv is skipped. One task per (sequence,
// head): its [seq, seq] blocks stay in L2 and only probs and drop_mask are read from memory.
void attention_backward(float* dq, float* dk, float* dv, const float* d_context, const float* probs,
                        const float* drop_mask, const float* q, const float* k, const float* v, long batch, long heads,
                        long seq, long head_dim, float scale);

void add_bias_in_place(float* x, const float* bias, long rows, long cols);
// y [n] = alpha * x + beta * y; beta == 0 never reads y. y may be x.
void axpby(float* y, const float* x, long n, float alpha, float beta);
// out [n] = a * b + beta * out; beta == 0 never reads out. out may be a or b.
void multiply_accumulate(float* out, const float* a, const float* b, long n, float beta);
// Sum of x [n] squared; the same total whatever the thread count (fixed ranges, combined in order).
double sum_of_squares(const float* x, long n);
// sum_of_squares(x, n) of an x [n / cols, cols] that is zero outside rows [count] (ascending, distinct): the same
// number, from the blocks those rows touch only.
double sum_of_squares_rows(const float* x, long n, const int32_t* rows, long count, long cols);
// out [rows] = the first index of each row's maximum of x [rows, cols] (a NaN is never greater; cols >= 1).
void argmax_rows(int32_t* out, const float* x, long rows, long cols);
void sum_rows_accumulate(float* d_bias, const float* dy, long rows, long cols);
void gelu_forward(float* out, const float* x, long n, bool tanh_approx);
void gelu_backward(float* dx, const float* x, const float* dy, long n, bool tanh_approx);
void tanh_forward(float* out, const float* x, long n);
void tanh_backward(float* dx, const float* y, const float* dy, long n);
void layer_norm_forward(float* out, float* sum, float* mean, float* rstd, const float* x, const float* residual,
                        const float* gamma, const float* beta, long rows, long cols, float eps);
void layer_norm_backward(float* dx, float* d_gamma, float* d_beta, const float* dy, const float* sum,
                         const float* mean, const float* rstd, const float* gamma, long rows, long cols);
void softmax_forward(float* probs, const float* scores, const float* mask, long batch, long heads, long queries,
                     long keys, float scale);
void softmax_backward(float* d_scores, const float* probs, const float* d_probs, long rows, long keys, float scale);
void embedding_forward(float* out, const float* table, const int32_t* ids, long n, long dim);
void embedding_backward(float* d_table, const float* d_out, const int32_t* ids, long n, long dim,
                        int32_t padding_idx);
// Returns the sum of per-row losses over rows whose label != ignore_index; *count gets their number.
double cross_entropy_forward(float* probs, const float* logits, const int32_t* labels, long rows, long classes,
                             int32_t ignore_index, long* count);
void cross_entropy_backward(float* d_logits, const float* probs, const int32_t* labels, long rows, long classes,
                            int32_t ignore_index, float scale);
// Inverted dropout drawing from xoshiro128** (state: four 32-bit words, advanced in place) exactly as tsbert's
// JS Rng does: mask[i] = (u < p * 2^32 ? 0 : keep), out[i] = x[i] * mask[i]. Sequential: the draws are a stream.
void dropout_forward(float* out, float* mask, const float* x, long n, double p, float keep, uint32_t* state);
// dropout_forward's draws offset .. offset + n - 1 of the stream that starts at `state` (left as it is), on the
// calling thread: a task of a parallel kernel takes its own block of one stream (attention_train_forward).
void dropout_at(float* out, float* mask, const float* x, long n, double p, float keep, const uint32_t* state,
                uint64_t offset);
// The xoshiro128** state `draws` draws later, in place (a jump, not a loop).
void rng_advance(uint32_t* state, uint64_t draws);
// Symmetric int8 rows: scales [rows] = max|x| / max_level, q [rows, cols] = x * max_level / max|x| rounded half to
// even, in [-max_level, max_level] (127: 8 bits; 63: 7-bit weights) (see IsaKernels::quantize_rows).
void quantize_rows(int8_t* q, float* scales, const float* x, long rows, long cols, int max_level);
// Asymmetric int8 rows (activations): q in [-128, 127], offsets [rows] with x ~ scale * (q + offset)
// (see IsaKernels::quantize_rows_asymmetric).
void quantize_rows_asymmetric(int8_t* q, float* scales, int32_t* offsets, const float* x, long rows, long cols);
// The largest k of an int8 product: 2 * 128 * 127 * k < 2^31 keeps the sums of asymmetric rows in int32.
constexpr long kInt8MaxK = 65536;
// out [m, n] = (sum_p a[i, p] b[j, p] + a_offsets[i] * b_sums[j]) * a_scales[i] * b_scales[j] + bias [n]
// (nullable), then the activation, then + residual [m, n] (nullable): a Linear on int8 rows a [m, k] and an int8
// weight b [n, k], int32 sums exact; a_offsets and b_sums (sum_p b[j, p]) are null together (symmetric rows).
// packed_b: b as int8_pack_b wrote it (read instead of packing b in the call; its header names the kernel that
// runs: the 7-bit one for a weight packed with weight_bits 7), or null (the int16-pair kernel, exact for any int8).
// Returns false (and computes nothing) when packed_b was packed for another ISA's layout or other sizes.
bool int8_gemm(float* out, const int8_t* a, const float* a_scales, const int32_t* a_offsets, const int8_t* b,
               const void* packed_b, const float* b_scales, const int32_t* b_sums, const float* bias,
               const float* residual, long m, long n, long k, int activation);
// int8_gemm on float32 rows x [m, k] quantized as quantize_rows_asymmetric quantizes them — the same numbers — by
// the product's own tasks, each its rows (onnxruntime's DynamicQuantizeMatMul is the same fusion): one parallel
// phase instead of a quantization's, A's packing's and the product's. b_sums must be given (asymmetric rows).
bool int8_gemm_dynamic(float* out, const float* x, const int8_t* b, const void* packed_b, const float* b_scales,
                       const int32_t* b_sums, const float* bias, const float* residual, long m, long n, long k,
                       int activation);
// A weight b [n, k] packed once for the active ISA's int8 kernel for its weight bits (8, or 7: every value in
// [-63, 63], which the u8 x s8 kernel needs): a 64-byte header (the layout and sizes, checked by int8_gemm) and the
// kernel's panels; int8_packed_b_bytes gives the buffer's size. int8_pack_b returns false (and writes nothing) for
// weight bits 7 when b holds a value outside [-63, 63].
constexpr long kInt8PackedHeaderBytes = 64;
long int8_packed_b_bytes(long n, long k, int weight_bits);
bool int8_pack_b(void* packed, const int8_t* b, long n, long k, int weight_bits);
// The bytes a packed weight (its header read, at least kInt8PackedHeaderBytes long) needs for [n, k] under the kernel
// it names; kInt8PackedHeaderBytes when it names none of the active ISA's (int8_gemm then refuses it).
long int8_packed_b_bytes_of(const void* packed, long n, long k);
// grad_scale != 1: grad[i] = grad_scale * grad[i] in place first (global-norm clipping folded into the step).
void adamw_step(float* param, float* m, float* v, float* grad, long n, double lr, double beta1, double beta2,
                double eps, double weight_decay, double step, float grad_scale);

}  // namespace tsbert
