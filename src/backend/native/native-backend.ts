/**
 * The native Backend: forwards Float32Array calls to the addon (argument checks and kernels in native/) and
 * delegates anything else — Float64Array for finite-difference tests — to the JS reference kernels.
 */
import type { Backend, FloatArray, GemmParams, GeluApproximation } from '../backend.js';
import { jsBackend } from '../js/js-backend.js';
import type { NativeBinding } from './native-binding.js';

export type NativeIsa = 'avx512' | 'avx2' | 'generic';

/** A Backend plus the ISA controls the parity tests and `tsbert bench` use. */
export interface NativeBackend extends Backend {
  readonly name: 'native';
  /** ISAs this CPU can run, best first. */
  supportedIsas(): NativeIsa[];
  /** Switch the kernels (all later calls, process-wide); throws a TypeError if this CPU cannot run `isa`. */
  setIsa(isa: NativeIsa): void;
}

function isNativeIsa(s: string): s is NativeIsa {
  return s === 'avx512' || s === 'avx2' || s === 'generic';
}

const f32 = (x: FloatArray): x is Float32Array => x instanceof Float32Array;

export function createNativeBackend(binding: NativeBinding): NativeBackend {
  return {
    name: 'native',
    get isa(): string {
      return binding.getIsa();
    },
    getThreads: () => binding.getThreads(),
    setThreads: (threads: number) => binding.setThreads(threads),
    supportedIsas: () => binding.supportedIsas().split(',').filter(isNativeIsa),
    setIsa: (isa: NativeIsa) => binding.setIsa(isa),

    gemm(c: FloatArray, a: FloatArray, b: FloatArray, p: GemmParams): void {
      const bias = p.epilogue?.bias ?? null;
      const pre = p.epilogue?.preActivation ?? null;
      if (!(f32(c) && f32(a) && f32(b)) || (bias !== null && !f32(bias)) || (pre !== null && !f32(pre))) {
        return jsBackend.gemm(c, a, b, p);
      }
      const gelu = p.epilogue?.gelu;
      const activation = gelu === undefined ? 0 : gelu === 'tanh' ? 2 : 1;
      binding.gemm(c, a, b, p.transA, p.transB, p.m, p.n, p.k, p.lda, p.ldb, p.ldc, p.alpha, p.beta, p.batch,
        p.strideA, p.strideB, p.strideC, bias, activation, pre);
    },

    addBiasInPlace(x: FloatArray, bias: FloatArray, rows: number, cols: number): void {
      if (!(f32(x) && f32(bias))) return jsBackend.addBiasInPlace(x, bias, rows, cols);
      binding.addBiasInPlace(x, bias, rows, cols);
    },

    sumRowsAccumulate(dBias: FloatArray, dy: FloatArray, rows: number, cols: number): void {
      if (!(f32(dBias) && f32(dy))) return jsBackend.sumRowsAccumulate(dBias, dy, rows, cols);
      binding.sumRowsAccumulate(dBias, dy, rows, cols);
    },

    axpby(y: FloatArray, x: FloatArray, n: number, alpha: number, beta: number): void {
      if (!(f32(y) && f32(x))) return jsBackend.axpby(y, x, n, alpha, beta);
      binding.axpby(y, x, n, alpha, beta);
    },

    multiplyAccumulate(out: FloatArray, a: FloatArray, b: FloatArray, n: number, beta: number): void {
      if (!(f32(out) && f32(a) && f32(b))) return jsBackend.multiplyAccumulate(out, a, b, n, beta);
      binding.multiplyAccumulate(out, a, b, n, beta);
    },

    sumOfSquares(x: FloatArray, n: number): number {
      return f32(x) ? binding.sumOfSquares(x, n) : jsBackend.sumOfSquares(x, n);
    },

    argmaxRows(out: Int32Array, x: FloatArray, rows: number, cols: number): void {
      if (!f32(x)) return jsBackend.argmaxRows(out, x, rows, cols);
      binding.argmaxRows(out, x, rows, cols);
    },

    geluForward(out: FloatArray, x: FloatArray, n: number, approximate: GeluApproximation): void {
      if (!(f32(out) && f32(x))) return jsBackend.geluForward(out, x, n, approximate);
      binding.geluForward(out, x, n, approximate === 'tanh');
    },

    geluBackward(dx: FloatArray, x: FloatArray, dy: FloatArray, n: number, approximate: GeluApproximation): void {
      if (!(f32(dx) && f32(x) && f32(dy))) return jsBackend.geluBackward(dx, x, dy, n, approximate);
      binding.geluBackward(dx, x, dy, n, approximate === 'tanh');
    },

    dropoutForward(out: FloatArray, mask: FloatArray, x: FloatArray, n: number, p: number, keepValue: number, state: Int32Array): void {
      if (!(f32(out) && f32(mask) && f32(x))) return jsBackend.dropoutForward(out, mask, x, n, p, keepValue, state);
      binding.dropoutForward(out, mask, x, n, p, keepValue, state);
    },
    tanhForward(out: FloatArray, x: FloatArray, n: number): void {
      if (!(f32(out) && f32(x))) return jsBackend.tanhForward(out, x, n);
      binding.tanhForward(out, x, n);
    },

    tanhBackward(dx: FloatArray, y: FloatArray, dy: FloatArray, n: number): void {
      if (!(f32(dx) && f32(y) && f32(dy))) return jsBackend.tanhBackward(dx, y, dy, n);
      binding.tanhBackward(dx, y, dy, n);
    },

    layerNormForward(
      out: FloatArray, sum: FloatArray, mean: FloatArray, rstd: FloatArray,
      x: FloatArray, residual: FloatArray | null, gamma: FloatArray, beta: FloatArray,
      rows: number, cols: number, eps: number,
    ): void {
      if (!(f32(out) && f32(sum) && f32(mean) && f32(rstd) && f32(x) && (residual === null || f32(residual)) &&
        f32(gamma) && f32(beta))) {
        return jsBackend.layerNormForward(out, sum, mean, rstd, x, residual, gamma, beta, rows, cols, eps);
      }
      binding.layerNormForward(out, sum, mean, rstd, x, residual, gamma, beta, rows, cols, eps);
    },

    layerNormBackward(
      dx: FloatArray, dGamma: FloatArray, dBeta: FloatArray,
      dy: FloatArray, sum: FloatArray, mean: FloatArray, rstd: FloatArray, gamma: FloatArray,
      rows: number, cols: number,
    ): void {
      if (!(f32(dx) && f32(dGamma) && f32(dBeta) && f32(dy) && f32(sum) && f32(mean) && f32(rstd) && f32(gamma))) {
        return jsBackend.layerNormBackward(dx, dGamma, dBeta, dy, sum, mean, rstd, gamma, rows, cols);
      }
      binding.layerNormBackward(dx, dGamma, dBeta, dy, sum, mean, rstd, gamma, rows, cols);
    },

    softmaxForward(
      probs: FloatArray, scores: FloatArray, mask: FloatArray | null,
      batch: number, heads: number, queries: number, keys: number, scale: number,
    ): void {
      if (!(f32(probs) && f32(scores) && (mask === null || f32(mask)))) {
        return jsBackend.softmaxForward(probs, scores, mask, batch, heads, queries, keys, scale);
      }
      binding.softmaxForward(probs, scores, mask, batch, heads, queries, keys, scale);
    },

    attentionForward(
      context: FloatArray, probs: FloatArray, q: FloatArray, k: FloatArray, v: FloatArray, mask: FloatArray | null,
      batch: number, heads: number, seq: number, headDim: number, scale: number,
    ): void {
      if (!(f32(context) && f32(probs) && f32(q) && f32(k) && f32(v) && (mask === null || f32(mask)))) {
        return jsBackend.attentionForward(context, probs, q, k, v, mask, batch, heads, seq, headDim, scale);
      }
      binding.attentionForward(context, probs, q, k, v, mask, batch, heads, seq, headDim, scale);
    },

    softmaxBackward(dScores: FloatArray, probs: FloatArray, dProbs: FloatArray, rows: number, keys: number, scale: number): void {
      if (!(f32(dScores) && f32(probs) && f32(dProbs))) {
        return jsBackend.softmaxBackward(dScores, probs, dProbs, rows, keys, scale);
      }
      binding.softmaxBackward(dScores, probs, dProbs, rows, keys, scale);
    },

    embeddingForward(out: FloatArray, table: FloatArray, ids: Int32Array, n: number, dim: number): void {
      if (!(f32(out) && f32(table))) return jsBackend.embeddingForward(out, table, ids, n, dim);
      binding.embeddingForward(out, table, ids, n, dim);
    },

    embeddingBackward(dTable: FloatArray, dOut: FloatArray, ids: Int32Array, n: number, dim: number, paddingIdx: number): void {
      if (!(f32(dTable) && f32(dOut))) return jsBackend.embeddingBackward(dTable, dOut, ids, n, dim, paddingIdx);
      binding.embeddingBackward(dTable, dOut, ids, n, dim, paddingIdx);
    },

    crossEntropyForward(
      probs: FloatArray, logits: FloatArray, labels: Int32Array, rows: number, classes: number, ignoreIndex: number,
    ): { lossSum: number; count: number } {
      if (!(f32(probs) && f32(logits))) {
        return jsBackend.crossEntropyForward(probs, logits, labels, rows, classes, ignoreIndex);
      }
      return binding.crossEntropyForward(probs, logits, labels, rows, classes, ignoreIndex);
    },

    crossEntropyBackward(
      dLogits: FloatArray, probs: FloatArray, labels: Int32Array, rows: number, classes: number, ignoreIndex: number,
      scale: number,
    ): void {
      if (!(f32(dLogits) && f32(probs))) {
        return jsBackend.crossEntropyBackward(dLogits, probs, labels, rows, classes, ignoreIndex, scale);
      }
      binding.crossEntropyBackward(dLogits, probs, labels, rows, classes, ignoreIndex, scale);
    },

    adamwStep(
      param: FloatArray, m: FloatArray, v: FloatArray, grad: FloatArray, n: number,
      lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number,
    ): void {
      if (!(f32(param) && f32(m) && f32(v) && f32(grad))) {
        return jsBackend.adamwStep(param, m, v, grad, n, lr, beta1, beta2, eps, weightDecay, step);
      }
      binding.adamwStep(param, m, v, grad, n, lr, beta1, beta2, eps, weightDecay, step);
    },
  };
}
