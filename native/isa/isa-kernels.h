// The seam between the ISA-independent drivers (gemm.cc, fused.cc) and the per-ISA code in isa/<isa>.cc.
// Each ISA file compiles the same implementation with its own compiler flags and exports one table; the driver
// picks a table at start-up from cpuid (cpu-features.cc). Every function here is single-threaded and works on a
// slice the driver hands it; threading lives in the drivers.
#pragma once
#include <cstdint>

namespace tsbert {

// sum_of_squares adds float partials of this many elements in double; sum_of_squares_rows (fused.cc) visits the
// same blocks.
constexpr long kSquaresBlock = 1024;

// One GEMM micro-tile shape and the packing that feeds it: the kernel computes an mr x nr block of C.
struct GemmTileShape {
  int mr;
  int nr;
  // C[mr, nr] (row stride ldc) = alpha * A~ . B~ + beta * C; beta == 0 never reads C.
  // A element (i, p) is at a[i * a_row_stride + p * a_k_stride] (one of the two strides is 1; the driver passes
  // the matrix in place when it has mr full rows, a zero-padded copy otherwise). B~ is packed: b[p * nr + j].
  void (*gemm_tile)(long kc, const float* a, long a_row_stride, long a_k_stride, const float* b, float* c, long ldc,
                    float alpha, float beta);
  // Copies an A sliver (element (i, p) at a[i * a_row_stride + p * a_k_stride], `rows` <= mr valid) into
  // a_packed[p * mr + i], zero-padding the missing rows: the form gemm_tile reads with strides (1, mr).
  void (*pack_a_sliver)(float* a_packed, const float* a, long a_row_stride, long a_k_stride, long kc, long rows);
  // Packs a transposed A block (element (i, p) at a[i + p * lda], i < rows) into ceil(rows / mr) slivers,
  // sliver s at a_packed[s * kc * mr] in the form above.
  void (*pack_a_block_t)(float* a_packed, const float* a, long lda, long kc, long rows);
  // Packs B (element (p, j) at b[p * k_stride + j * n_stride]) for p < kc, j < n_valid into b_packed[p * nr + j],
  // zero-filling columns n_valid..nr-1: one nr-wide panel of B~.
  void (*pack_b_panel)(float* b_packed, const float* b, long k_stride, long n_stride, long kc, long n_valid);
  // Packs a row-major A block (element (i, p) at a[i * lda + p], i < rows) into slivers as pack_a_block_t does.
  void (*pack_a_block)(float* a_packed, const float* a, long lda, long kc, long rows);
  // The blocking this shape is tuned for (TSBERT_GEMM_KC / TSBERT_GEMM_MB override it): the k block and the rows
  // of A per task.
  long kc;
  long row_block;
  // true: the driver packs every A block (row_block x kc) into slivers and runs panels of B~ outer, slivers inner,
  // so one kc x nr panel of B~ stays in L1 while the packed A block streams from L2 (BLIS's loop order); false:
  // full slivers of A are read in place and held in L1 while the panels stream from L2.
  bool packs_a;
};

// The int8 GEMM's micro-kernel and the packing that feeds it (native/int8-gemm.cc drives it): C tile [mr, nr] of
// int32 sums of A [m, k] int8 rows times B [n, k] int8 rows (a Linear's weight), both packed by the kernel's own
// functions into whatever its instructions read — int16 pairs for vpmaddwd; bytes in groups of 4 k, A offset by
// +128, for vpmaddubsw (7-bit weights), which folds the -128 x column-sum correction into its tile, as a VNNI
// kernel (vpdpbusd) would.
struct Int8GemmKernel {
  const char* name;
  int mr;
  int nr;
  int k_step;  // k values one packed step holds (a k block is a multiple of it)
  long kc;     // k block (a multiple of k_step): one panel's block stays in L1 across a row block's slivers
  // Packs `rows` rows of A (row stride k) into dst, row i at i * a_row_bytes(k) bytes.
  void (*pack_a)(void* dst, const int8_t* a, long rows, long k);
  long (*a_row_bytes)(long k);
  // Packs rows j < cols of b (row stride ldb, each k long) as one nr-column panel (missing columns zero) into dst.
  void (*pack_b_panel)(void* dst, const int8_t* b, long ldb, long cols, long k);
  long (*b_panel_bytes)(long k);
  // c [mr, nr] (row stride nr) = (or += when accumulate) the sums over k steps [step_begin, step_begin + steps) of
  // mr packed A rows (a, row stride lda_bytes) and a packed panel of B (b, as pack_b_panel wrote it). accumulate is
  // false for the block at step_begin 0 (the driver's first k block), which a u8 x s8 kernel starts from its
  // panel's corrections.
  void (*tile)(long step_begin, long steps, const void* a, long lda_bytes, const void* b, int32_t* c,
               bool accumulate);
};

// The bfloat16 GEMM's micro-kernel (vdpbf16ps: pairs of bfloat16 products summed into float32 lanes) and the
// packing that feeds it, inside gemm.cc's driver: the driver's float buffers hold its 16-bit operands as k pairs
// (one pair per 32-bit slot, so a panel or sliver takes at most the float32 one's space). Null where the ISA has no
// bfloat16 arithmetic: gemm_bf16 then widens the operands to float32 and runs the float32 kernel.
struct Bf16GemmKernel {
  int mr;
  int nr;
  // The smallest k block the packing fits in the driver's float32-sized buffers (a product whose blocks would be
  // smaller widens instead).
  long min_kc;
  // C[mr, nr] (row stride ldc) = alpha * A~ . B~ + beta * C (beta == 0 never reads C) over kc k values: A~ one
  // sliver as pack_a_block wrote it, B~ one panel as pack_b_panel wrote it (the strides are the driver's, unused).
  void (*gemm_tile)(long kc, const float* a, long a_row_stride, long a_k_stride, const float* b, float* c, long ldc,
                    float alpha, float beta);
  // Packs rows i < rows of A (element (i, p) at trans ? a[p * lda + i] : a[i * lda + p], p < kc) into
  // ceil(rows / mr) slivers, sliver s at a_packed + s * kc * mr floats; missing rows zero.
  void (*pack_a_block)(float* a_packed, const uint16_t* a, bool trans, long lda, long kc, long rows);
  // Packs B (element (p, j) at b[p * k_stride + j * n_stride]) for p < kc, j < n_valid into one nr-wide panel,
  // missing columns zero.
  void (*pack_b_panel)(float* b_packed, const uint16_t* b, long k_stride, long n_stride, long kc, long n_valid);
};

struct IsaKernels {
  const char* name;  // one of NATIVE_ISAS (src/backend/native/native-backend.ts)
  // GEMM micro-tile shapes (see GemmTileShape); the driver picks, per product, the one that pads C least.
  GemmTileShape tiles[2];

  // GEMM epilogue on a finished tile c [rows, cols] (row stride ldc): c += bias [cols] (bias may be null); then,
  // if pre (row stride ld_pre) is not null, pre = c; then c = activation(c) (an Activation from kernels.h).
  void (*gemm_epilogue)(float* c, long ldc, long rows, long cols, const float* bias, int activation, float* pre,
                        long ld_pre);

  // out [n] = gelu(x); tanh_approx selects the tanh form.
  void (*gelu_forward)(float* out, const float* x, long n, bool tanh_approx);
  // dx [n] += gelu'(x) * dy.
  void (*gelu_backward)(float* dx, const float* x, const float* dy, long n, bool tanh_approx);
  void (*tanh_forward)(float* out, const float* x, long n);
  // dx [n] += (1 - y^2) * dy.
  void (*tanh_backward)(float* dx, const float* y, const float* dy, long n);

  // scores, probs [rows, keys]; mask [keys] shared by all rows here (or null): probs = softmax(scale*scores + mask).
  void (*softmax_forward)(float* probs, const float* scores, const float* mask, long rows, long keys, float scale);
  // dScores [rows, keys] += scale * probs * (dProbs - sum(dProbs * probs)).
  void (*softmax_backward)(float* d_scores, const float* probs, const float* d_probs, long rows, long keys,
                           float scale);

  // x, residual (nullable), sum, out [rows, cols]; gamma, beta [cols]; mean, rstd [rows].
  void (*layer_norm_forward)(float* out, float* sum, float* mean, float* rstd, const float* x, const float* residual,
                             const float* gamma, const float* beta, long rows, long cols, float eps);
  // dx [rows, cols] += LayerNorm input gradient; d_gamma_acc, d_beta_acc [cols] (double) += this slice's sums;
  // scratch: 2 x cols floats of working space.
  void (*layer_norm_backward)(float* dx, double* d_gamma_acc, double* d_beta_acc, float* scratch, const float* dy,
                              const float* sum, const float* mean, const float* rstd, const float* gamma, long rows,
                              long cols);

  // probs [rows, classes] = softmax(logits); returns the sum of -log p[label] over rows whose label != ignore_index.
  double (*cross_entropy_forward)(float* probs, const float* logits, const int32_t* labels, long rows, long classes,
                                  int32_t ignore_index);

  // x [rows, cols] += bias [cols].
  void (*add_bias)(float* x, const float* bias, long rows, long cols);
  // acc [cols] += column sums of x [rows, cols] (row stride ld), in double, rows in order.
  void (*column_sums)(double* acc, const float* x, long rows, long cols, long ld);
  // y [n] = alpha * x + beta * y (beta == 0 never reads y).
  void (*axpby)(float* y, const float* x, long n, float alpha, float beta);
  // out [n] = a * b + beta * out (beta == 0 never reads out).
  void (*multiply_accumulate)(float* out, const float* a, const float* b, long n, float beta);
  // Sum of x [n] squared (block partials of kSquaresBlock elements, from x, added in double).
  double (*sum_of_squares)(const float* x, long n);
  // out [n] = x as bfloat16 bits, rounded to nearest even; a NaN keeps its sign and upper payload, quiet.
  void (*bf16_round)(uint16_t* out, const float* x, long n);

  // Symmetric int8 rows: scales [rows] = max|x| / max_level, q [rows, cols] = x * (max_level / max|x|) rounded half
  // to even, every step in float32 as src/backend/js/quantize-rows.ts (a zero row: scale 0; NaN or +-Inf: scale
  // NaN, q 0); max_level is 127 (8 bits) or 63 (7-bit weights).
  void (*quantize_rows)(int8_t* q, float* scales, const float* x, long rows, long cols, int max_level);
  // Asymmetric int8 rows (activations): per row over [min(0, min x), max(0, max x)], 255 levels, q = u - 128 and
  // offsets[r] = 128 - zero point, so x ~ scale * (q + offset); the steps and the edge rows as
  // src/backend/js/quantize-rows.ts quantizeRowsAsymmetric.
  void (*quantize_rows_asymmetric)(int8_t* q, float* scales, int32_t* offsets, const float* x, long rows, long cols);
  Bf16GemmKernel bf16_gemm;
  Int8GemmKernel int8_gemm;
  // The kernel for weights in [-63, 63] (7-bit, packed with weight bits 7): u8 x s8 (vpmaddubsw) where the ISA has
  // one, which is exact only for such weights; elsewhere int8_gemm again, which is exact for any int8.
  Int8GemmKernel int8_gemm_7bit;
  // out [rows, cols] (row stride ldo) = float(acc + row_offsets[i] * col_sums[j]) * (row_scales[i] * col_scales[j])
  // + bias [cols] (nullable), then the activation (kernels.h), then + residual (nullable, row stride ld_res);
  // row_offsets and col_sums are null together (symmetric rows). acc has row stride ld_acc, and its rows are read in
  // whole vectors (cols rounded up to the vector width: the kernel's nr is a multiple of it).
  void (*int8_epilogue)(float* out, long ldo, const int32_t* acc, long ld_acc, long rows, long cols,
                        const float* row_scales, const int32_t* row_offsets, const float* col_scales,
                        const int32_t* col_sums, const float* bias, int activation, const float* residual,
                        long ld_res);

  // AdamW on n parameters; bc1 = 1 - beta1^step, bc2 = 1 - beta2^step (computed once by the caller, in double);
  // grad_scale != 1 scales grad in place first, rounded as axpby stores it.
  void (*adamw)(float* param, float* m, float* v, float* grad, long n, double lr, double beta1, double beta2,
                double eps, double weight_decay, double bc1, double bc2, float grad_scale);

  // Inverted dropout on dropout_lanes generators at once (dropout.cc drives it): lane l continues the xoshiro128**
  // state lane_states[k * dropout_lanes + l] (k = word) over elements [l * chunk, (l + 1) * chunk) of out, mask, x
  // (chunk a multiple of dropout_lanes), and the states are advanced in place. Element i is dropped (mask 0) when its
  // draw u < below (below = ceil(p * 2^32), so u < p * 2^32 exactly as the JS reference tests it), else mask = keep;
  // out = x * mask.
  int dropout_lanes;
  void (*dropout_streams)(float* out, float* mask, const float* x, long chunk, uint32_t* lane_states, uint64_t below,
                          float keep);
};

extern const IsaKernels kGenericKernels;
#if defined(TSBERT_HAVE_X86_ISAS)
extern const IsaKernels kAvx2Kernels;
extern const IsaKernels kAvx2VnniKernels;
extern const IsaKernels kAvx512Kernels;
extern const IsaKernels kAvx512VnniKernels;
extern const IsaKernels kAvx512Bf16Kernels;
extern const IsaKernels kAvx512AmxKernels;
#endif

}  // namespace tsbert
