/**
 * The typed surface of build/Release/tsbert_native.node (native/addon.cc). Positional arguments in the Backend
 * contract's order (outputs, saved tensors, inputs, sizes, options); every call checks its arrays against the
 * sizes and throws a TypeError rather than read or write out of bounds.
 */
export interface NativeBinding {
  gemm(
    c: Float32Array, a: Float32Array, b: Float32Array, transA: boolean, transB: boolean,
    m: number, n: number, k: number, lda: number, ldb: number, ldc: number, alpha: number, beta: number,
    batch: number, strideA: number, strideB: number, strideC: number,
    bias: Float32Array | null, activation: number, preActivation: Float32Array | null,
  ): void;
  addBiasInPlace(x: Float32Array, bias: Float32Array, rows: number, cols: number): void;
  sumRowsAccumulate(dBias: Float32Array, dy: Float32Array, rows: number, cols: number): void;
  axpby(y: Float32Array, x: Float32Array, n: number, alpha: number, beta: number): void;
  multiplyAccumulate(out: Float32Array, a: Float32Array, b: Float32Array, n: number, beta: number): void;
  sumOfSquares(x: Float32Array, n: number): number;
  argmaxRows(out: Int32Array, x: Float32Array, rows: number, cols: number): void;
  geluForward(out: Float32Array, x: Float32Array, n: number, tanhApproximation: boolean): void;
  geluBackward(dx: Float32Array, x: Float32Array, dy: Float32Array, n: number, tanhApproximation: boolean): void;
  tanhForward(out: Float32Array, x: Float32Array, n: number): void;
  dropoutForward(out: Float32Array, mask: Float32Array, x: Float32Array, n: number, p: number, keepValue: number, state: Int32Array): void;
  tanhBackward(dx: Float32Array, y: Float32Array, dy: Float32Array, n: number): void;
  layerNormForward(
    out: Float32Array, sum: Float32Array, mean: Float32Array, rstd: Float32Array,
    x: Float32Array, residual: Float32Array | null, gamma: Float32Array, beta: Float32Array,
    rows: number, cols: number, eps: number,
  ): void;
  layerNormBackward(
    dx: Float32Array, dGamma: Float32Array, dBeta: Float32Array,
    dy: Float32Array, sum: Float32Array, mean: Float32Array, rstd: Float32Array, gamma: Float32Array,
    rows: number, cols: number,
  ): void;
  softmaxForward(
    probs: Float32Array, scores: Float32Array, mask: Float32Array | null,
    batch: number, heads: number, queries: number, keys: number, scale: number,
  ): void;
  softmaxBackward(dScores: Float32Array, probs: Float32Array, dProbs: Float32Array, rows: number, keys: number, scale: number): void;
  attentionForward(
    context: Float32Array, probs: Float32Array, q: Float32Array, k: Float32Array, v: Float32Array, mask: Float32Array | null,
    batch: number, heads: number, seq: number, headDim: number, scale: number,
  ): void;
  embeddingForward(out: Float32Array, table: Float32Array, ids: Int32Array, n: number, dim: number): void;
  embeddingBackward(dTable: Float32Array, dOut: Float32Array, ids: Int32Array, n: number, dim: number, paddingIdx: number): void;
  crossEntropyForward(
    probs: Float32Array, logits: Float32Array, labels: Int32Array, rows: number, classes: number, ignoreIndex: number,
  ): { lossSum: number; count: number };
  crossEntropyBackward(
    dLogits: Float32Array, probs: Float32Array, labels: Int32Array, rows: number, classes: number, ignoreIndex: number,
    scale: number,
  ): void;
  adamwStep(
    param: Float32Array, m: Float32Array, v: Float32Array, grad: Float32Array, n: number,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number,
  ): void;
  getThreads(): number;
  setThreads(threads: number): void;
  /** 'avx512' | 'avx2' | 'generic'. */
  getIsa(): string;
  /** Switches the kernels (for testing the other paths); throws if this CPU cannot run `isa`. */
  setIsa(isa: string): void;
  /** Comma-separated, best first: "avx512,avx2,generic". */
  supportedIsas(): string;
}

const BINDING_FUNCTIONS: readonly (keyof NativeBinding)[] = [
  'gemm', 'addBiasInPlace', 'sumRowsAccumulate', 'axpby', 'multiplyAccumulate', 'sumOfSquares', 'argmaxRows', 'geluForward', 'geluBackward', 'tanhForward', 'tanhBackward',
  'layerNormForward', 'layerNormBackward', 'softmaxForward', 'softmaxBackward', 'attentionForward', 'embeddingForward',
  'embeddingBackward', 'crossEntropyForward', 'crossEntropyBackward', 'adamwStep', 'dropoutForward', 'getThreads', 'setThreads',
  'getIsa', 'setIsa', 'supportedIsas',
];

/** Narrows what `require` returned: an addon from another build (a missing function) is rejected up front. */
export function isNativeBinding(value: unknown): value is NativeBinding {
  if (typeof value !== 'object' || value === null) return false;
  return BINDING_FUNCTIONS.every((name) => typeof Reflect.get(value, name) === 'function');
}

/** Names of the functions `value` lacks (for the load error). */
export function missingBindingFunctions(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [...BINDING_FUNCTIONS];
  return BINDING_FUNCTIONS.filter((name) => typeof Reflect.get(value, name) !== 'function');
}
