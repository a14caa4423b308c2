/**
 * The contract every compute backend fulfils. Kernels work on flat row-major typed arrays in place (zero-copy):
 * the caller allocates outputs and passes them in; a kernel never keeps a reference after it returns.
 *
 * Argument order everywhere: outputs, saved tensors, inputs, sizes, options.
 * Backward kernels ACCUMULATE into their `d*` outputs (`dx += ...`), so a tensor used twice gets both gradients.
 *
 * Which dtypes each backend runs, per kernel, is declared once in kernel-table.ts: the JS backend runs float32 and
 * float64 (float64 is for finite-difference checks); the native backend runs float32 in the addon and hands float64
 * to the JS kernel only where the table says so. Any other array, or arrays of two dtypes in one call, is a
 * DTypeError naming the backend, kernel and argument — never a silent fallback.
 */
export type FloatArray = Float32Array | Float64Array;
/** The element types kernels compute in. */
export type ComputeDType = 'float32' | 'float64';

/** Row-major batched GEMM: C[b] = alpha * op(A[b]) · op(B[b]) + beta * C[b], op(A) is [m, k], op(B) is [k, n]. */
export interface GemmParams {
  /** A is stored as [k, m] (leading dimension lda) and used transposed. */
  transA: boolean;
  /** B is stored as [n, k] (leading dimension ldb) and used transposed — the layout of a Linear weight. */
  transB: boolean;
  m: number;
  n: number;
  k: number;
  /** Leading dimensions (elements between consecutive rows as stored). */
  lda: number;
  ldb: number;
  ldc: number;
  alpha: number;
  /** 0 overwrites C (C's old contents are ignored, even NaN); 1 accumulates. */
  beta: number;
  /** Number of independent products; strides in elements between them (0 broadcasts that operand). */
  batch: number;
  strideA: number;
  strideB: number;
  strideC: number;
  /** Work on C as each tile is finished (batch 1 and beta 0 only): saves a Linear's bias and GELU a pass. */
  epilogue?: GemmEpilogue;
}

/** C = act(C + bias) applied after the product; preActivation receives C + bias. Each part is optional. */
export interface GemmEpilogue {
  /** [n], added to every row of C. */
  bias?: FloatArray;
  /** GELU after the bias, in this form; omitted: no activation. */
  gelu?: GeluApproximation;
  /** [m, ldc]: C + bias before the activation, which GELU's backward needs. */
  preActivation?: FloatArray;
}

export type GeluApproximation = 'none' | 'tanh';

export interface Backend {
  /** 'js' or 'native'. */
  readonly name: 'js' | 'native';
  /** Instruction set the native kernels use (one of NATIVE_ISAS) or 'js'. */
  readonly isa: string;
  /** Threads a native call may use (always 1 for js). */
  getThreads(): number;
  setThreads(threads: number): void;

  gemm(c: FloatArray, a: FloatArray, b: FloatArray, p: GemmParams): void;

  /** x [rows, cols] += bias [cols]. */
  addBiasInPlace(x: FloatArray, bias: FloatArray, rows: number, cols: number): void;
  /** dBias [cols] += Σ_rows dy [rows, cols]. */
  sumRowsAccumulate(dBias: FloatArray, dy: FloatArray, rows: number, cols: number): void;

  /** y [n] = alpha · x + beta · y; beta = 0 never reads y. y may be x (a scale in place). */
  axpby(y: FloatArray, x: FloatArray, n: number, alpha: number, beta: number): void;
  /** out [n] = a ⊙ b + beta · out; beta = 0 never reads out. out may be a or b. */
  multiplyAccumulate(out: FloatArray, a: FloatArray, b: FloatArray, n: number, beta: number): void;
  /** Σ x[i]² over n values, accumulated with at least float64 precision across blocks. */
  sumOfSquares(x: FloatArray, n: number): number;
  /**
   * sumOfSquares(x, n) of an x [n / cols, cols] that is zero outside rows [count] (ascending, distinct): the same
   * number, bit for bit, from those rows alone (a gradient an embedding's scatter-add wrote).
   */
  sumOfSquaresRows(x: FloatArray, rows: Int32Array, count: number, cols: number, n: number): number;
  /** out [rows] = the first index of each row's maximum in x [rows, cols] (NaN is never greater); cols ≥ 1. */
  argmaxRows(out: Int32Array, x: FloatArray, rows: number, cols: number): void;

  /** out [n] = gelu(x [n]); 'none' is the exact 0.5·x·(1 + erf(x/√2)), 'tanh' the approximation. */
  geluForward(out: FloatArray, x: FloatArray, n: number, approximate: GeluApproximation): void;
  /** dx [n] += gelu'(x) · dy. */
  geluBackward(dx: FloatArray, x: FloatArray, dy: FloatArray, n: number, approximate: GeluApproximation): void;

  /** out [n] = tanh(x). */
  tanhForward(out: FloatArray, x: FloatArray, n: number): void;
  /** dx [n] += (1 - y²) · dy, from the saved output y. */
  tanhBackward(dx: FloatArray, y: FloatArray, dy: FloatArray, n: number): void;

  /**
   * x, residual [rows, cols]; gamma, beta [cols]. Writes sum = x + residual (pass residual = null for a plain
   * LayerNorm, then sum is a copy of x), out = (sum - mean) · rstd · gamma + beta, mean, rstd [rows].
   * Variance is the biased one, as in PyTorch and BERT. sum may be the same array as out (when no backward needs
   * it): a row's sum is read before out overwrites it.
   */
  layerNormForward(
    out: FloatArray, sum: FloatArray, mean: FloatArray, rstd: FloatArray,
    x: FloatArray, residual: FloatArray | null, gamma: FloatArray, beta: FloatArray,
    rows: number, cols: number, eps: number,
  ): void;
  /** dx [rows, cols], dGamma, dBeta [cols] += the LayerNorm gradients, from the saved sum, mean, rstd. */
  layerNormBackward(
    dx: FloatArray, dGamma: FloatArray, dBeta: FloatArray,
    dy: FloatArray, sum: FloatArray, mean: FloatArray, rstd: FloatArray, gamma: FloatArray,
    rows: number, cols: number,
  ): void;

  /**
   * Attention softmax over the last axis. scores [batch, heads, queries, keys]; mask [batch, keys] is additive
   * (0 keeps, a large negative value hides a padded key) or null.
   * probs = softmax(scale · scores + mask) row by row.
   */
  softmaxForward(
    probs: FloatArray, scores: FloatArray, mask: FloatArray | null,
    batch: number, heads: number, queries: number, keys: number, scale: number,
  ): void;
  /**
   * Multi-head attention without dropout: per sequence b and head h, probs = softmax(scale · q·kᵀ + mask) and
   * context = probs · v. q, k, v, context [batch, seq, heads·headDim] with head h in the column block
   * [h·headDim, (h+1)·headDim); probs [batch, heads, seq, seq] is written too (backward and output_attentions
   * read it); mask [batch, seq] as softmaxForward's, or null.
   */
  attentionForward(
    context: FloatArray, probs: FloatArray, q: FloatArray, k: FloatArray, v: FloatArray, mask: FloatArray | null,
    batch: number, heads: number, seq: number, headDim: number, scale: number,
  ): void;
  /**
   * attentionForward over packed sequences of different lengths: sequence i is rows offsets[i] .. offsets[i+1]-1
   * of q, k, v, context [totalTokens, heads·headDim] (offsets: count + 1 entries, from 0) and attends to its own rows
   * only; probs holds sequence i's [heads, len_i, len_i] block after sequence i-1's. No mask: no row is padding.
   */
  attentionForwardPacked(
    context: FloatArray, probs: FloatArray, q: FloatArray, k: FloatArray, v: FloatArray, offsets: Int32Array,
    count: number, heads: number, headDim: number, scale: number,
  ): void;
  /**
   * attentionForward for training, with inverted dropout on the probabilities (BERT's attention_probs_dropout_prob):
   * probs (before dropout) and dropMask [batch, heads, seq, seq] are written and context = (probs ⊙ dropMask) · v.
   * dropMask is dropoutForward's over probs in element order (p, keepValue, state as there; state advances by
   * batch·heads·seq² draws), so a seed fixes it on every backend.
   */
  attentionTrainForward(
    context: FloatArray, probs: FloatArray, dropMask: FloatArray, q: FloatArray, k: FloatArray, v: FloatArray,
    mask: FloatArray | null, batch: number, heads: number, seq: number, headDim: number, scale: number,
    p: number, keepValue: number, state: Int32Array,
  ): void;
  /**
   * The gradients of attentionForward / attentionTrainForward, accumulated into dq, dk, dv [batch, seq, hidden] (each
   * may be null: not wanted). With used = probs ⊙ dropMask (probs when dropMask is null) and dUsed = dContext · vᵀ
   * per head: dv += usedᵀ · dContext; dScores = softmaxBackward(probs, dUsed ⊙ dropMask); dq += dScores · k;
   * dk += dScoresᵀ · q.
   */
  attentionBackward(
    dq: FloatArray | null, dk: FloatArray | null, dv: FloatArray | null, dContext: FloatArray, probs: FloatArray,
    dropMask: FloatArray | null, q: FloatArray, k: FloatArray, v: FloatArray,
    batch: number, heads: number, seq: number, headDim: number, scale: number,
  ): void;
  /** dScores += scale · probs ⊙ (dProbs - Σ_keys dProbs ⊙ probs). Shapes as softmaxForward. */
  softmaxBackward(dScores: FloatArray, probs: FloatArray, dProbs: FloatArray, rows: number, keys: number, scale: number): void;

  /**
   * Inverted dropout drawing from its own generator: for i in [0, n), u = the next xoshiro128** output of `state`
   * (the four 32-bit words of an Rng, as int32, advanced in place), mask[i] = (u < p·2³² ? 0 : keepValue) stored
   * in mask's type, out[i] = x[i] · mask[i]. Every backend makes the same draws, so a seed fixes the masks.
   */
  dropoutForward(out: FloatArray, mask: FloatArray, x: FloatArray, n: number, p: number, keepValue: number, state: Int32Array): void;

  /** out [n, dim] = table [vocab, dim] rows at ids [n]; ids are checked by the caller. */
  embeddingForward(out: FloatArray, table: FloatArray, ids: Int32Array, n: number, dim: number): void;
  /** dTable [vocab, dim] += scatter of dOut [n, dim] at ids; rows with id === paddingIdx get nothing (-1: none). */
  embeddingBackward(dTable: FloatArray, dOut: FloatArray, ids: Int32Array, n: number, dim: number, paddingIdx: number): void;

  /**
   * Cross-entropy over logits [rows, classes] with integer labels [rows]; rows whose label is ignoreIndex do not
   * count. Writes probs [rows, classes] (softmax, saved for backward) and returns Σ of the per-row losses and the
   * number of counted rows; the mean is the caller's to take.
   */
  crossEntropyForward(
    probs: FloatArray, logits: FloatArray, labels: Int32Array, rows: number, classes: number, ignoreIndex: number,
  ): { lossSum: number; count: number };
  /** dLogits += scale · (probs - onehot(label)) on counted rows (scale is usually dLoss / count). */
  crossEntropyBackward(
    dLogits: FloatArray, probs: FloatArray, labels: Int32Array, rows: number, classes: number, ignoreIndex: number,
    scale: number,
  ): void;

  /**
   * Symmetric int8 rows (a quantized Linear's weight, once, a row per output channel): scales [rows] = max|x| /
   * maxLevel and q [rows, cols] = x · maxLevel / max|x| rounded half to even, in [-maxLevel, maxLevel] — 127 (8-bit
   * weights) or 63 (7-bit weights). A zero row: scale 0, zeros; a row with NaN or ±Infinity: scale NaN, zeros.
   * Bit-identical on every backend (each step a float32 operation).
   */
  quantizeRows(q: Int8Array, scales: Float32Array, x: Float32Array, rows: number, cols: number, maxLevel: number): void;
  /**
   * Asymmetric int8 rows (a quantized Linear's activations at run time): per row, over [lo, hi] = [min(0, min x),
   * max(0, max x)], scale = (hi − lo) / 255, zero point z = round(−lo / scale), u = round(x / scale) + z in [0, 255],
   * stored as q = u − 128 with offsets [rows] = 128 − z, so x ≈ scale · (q + offset). A zero row: scale 0, offset 0,
   * zeros; NaN or ±Infinity: scale NaN, offset 0, zeros; a range that overflows float32: quantizeRows' symmetric row
   * (127), offset 0. Bit-identical on every backend (src/backend/js/quantize-rows.ts gives the steps).
   */
  quantizeRowsAsymmetric(q: Int8Array, scales: Float32Array, offsets: Int32Array, x: Float32Array, rows: number, cols: number): void;
  /**
   * The size in bytes of a weight b [n, k] of weightBits (8, or 7: every value in [-63, 63]) packed by
   * int8PackWeight for this backend's int8 GEMM (the panel layout of the micro-kernel for those bits, with a header
   * naming the layout and the sizes); 0 where the backend reads b as it is (JS).
   */
  int8PackedWeightBytes(n: number, k: number, weightBits: number): number;
  /**
   * Packs an int8 weight b [n, k] once (when a Linear is quantized or loaded) into packed
   * [int8PackedWeightBytes(n, k, weightBits)], for int8Gemm's packedB: the per-call packing then goes, and the
   * packing's kernel (native: u8 × s8 for 7-bit weights on AVX2) runs the products. Throws a TypeError for weightBits
   * 7 when b holds a value outside [-63, 63]. Nothing else on JS.
   */
  int8PackWeight(packed: Int8Array, b: Int8Array, n: number, k: number, weightBits: number): void;
  /**
   * A Linear on int8 operands: out [m, n] = (Σ_p a[i, p]·b[j, p] + aOffsets[i]·bSums[j]) · aScales[i] · bScales[j]
   * + bias [n], then GELU in the given form (null: none), then + residual [m, n] (null: none). a [m, k] are
   * quantizeRowsAsymmetric's rows with their offsets, and bSums [n] the weight's column sums Σ_p b[j, p] — or
   * quantizeRows' symmetric rows with both null. b [n, k] is the weight; packedB is b as int8PackWeight packed it
   * (under the same ISA and sizes: the addon refuses another layout), or null to pack per call (native: the
   * int16-pair kernel, exact for any int8) — the result is the same. k ≤ 65,536. The int32 sums are exact and equal on
   * every backend; the epilogue rounds to float32 in the order s = aScale·bScale, float32(sum)·s, + bias, GELU,
   * + residual (GELU within its vector approximation).
   */
  int8Gemm(
    out: Float32Array, a: Int8Array, aScales: Float32Array, aOffsets: Int32Array | null, b: Int8Array,
    packedB: Int8Array | null, bScales: Float32Array, bSums: Int32Array | null, bias: Float32Array | null,
    residual: Float32Array | null, m: number, n: number, k: number, gelu: GeluApproximation | null,
  ): void;
  /**
   * int8Gemm on float32 rows x [m, k] quantized as quantizeRowsAsymmetric quantizes them: by definition that
   * quantization then int8Gemm with its scales and offsets, the same numbers on every backend. Natively each task of
   * the product quantizes and packs its own rows (onnxruntime's DynamicQuantizeMatMul is the same fusion), so a
   * Linear is one parallel phase instead of three. bSums [n] is required.
   */
  int8GemmDynamic(
    out: Float32Array, x: Float32Array, b: Int8Array, packedB: Int8Array | null, bScales: Float32Array, bSums: Int32Array,
    bias: Float32Array | null, residual: Float32Array | null, m: number, n: number, k: number, gelu: GeluApproximation | null,
  ): void;

  /**
   * out [n] = x [n] as bfloat16 bits (the upper half of a float32), rounded to nearest even as torch's
   * `.to(torch.bfloat16)`; a NaN stays a quiet NaN, ±Inf stays ±Inf. Bit-identical on every backend.
   */
  bf16Round(out: Uint16Array, x: Float32Array, n: number): void;
  /**
   * bf16Round(out, dy, rows · cols) and sumRowsAccumulate(dBias, dy, rows, cols) in one pass over dy: a bfloat16
   * Linear's backward rounds its output gradient for the products and sums it for the bias. The same bits and sums
   * as the two calls.
   */
  bf16RoundSumRows(out: Uint16Array, dBias: Float32Array, dy: Float32Array, rows: number, cols: number): void;
  /**
   * gemm with A and B in bfloat16 (raw bits; C, alpha, beta and the epilogue float32): the operands are widened to
   * float32 exactly, so the result is gemm on those float32 values, within float32 GEMM rounding of it.
   */
  bf16Gemm(c: Float32Array, a: Uint16Array, b: Uint16Array, p: GemmParams): void;

  /**
   * One AdamW step (decoupled weight decay, bias correction as torch.optim.AdamW) on n parameters in place:
   * param -= lr·wd·param; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
   * param -= lr · (m / (1-β1^step)) / (√(v / (1-β2^step)) + eps).
   * With gradScale ≠ 1 the gradient is first scaled in place (grad = gradScale·grad, rounded as axpby stores it),
   * so global-norm clipping costs no pass of its own; 1 leaves grad untouched.
   */
  adamwStep(
    param: FloatArray, m: FloatArray, v: FloatArray, grad: FloatArray, n: number,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number, gradScale: number,
  ): void;
}
