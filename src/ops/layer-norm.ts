import { getBackend } from '../backend/select.js';
import { ShapeError, shapeString } from '../errors.js';
import { allocate } from '../tensor/arena.js';
import type { FloatArray } from '../backend/backend.js';
import { assertSameDType, assertSameShape, emptyLike, record, Tensor, willRecord } from '../tensor/tensor.js';

/**
 * out = LayerNorm(x + residual) over the last axis, gamma/beta [cols]. BERT's post-LN sublayer ends in exactly
 * this (LayerNorm(x + Sublayer(x)), Vaswani et al. §3.1), so the add is fused in; pass residual = null for a
 * plain LayerNorm (embeddings, MLM transform). Saves sum, mean and rstd.
 */
export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps: number, residual: Tensor | null = null): Tensor {
  const op = 'layerNorm';
  const cols = x.shape[x.shape.length - 1] ?? 0;
  for (const [name, param] of [['gamma', gamma], ['beta', beta]] as const) {
    if (param.shape.length !== 1 || param.shape[0] !== cols) {
      throw new ShapeError(`${op}: x is ${shapeString(x.shape)} but ${name} is ${shapeString(param.shape)} (expected [${cols}])`);
    }
    assertSameDType(op, x, param);
  }
  if (residual !== null) {
    assertSameShape(op, x, residual);
    assertSameDType(op, x, residual);
  }
  if (!(eps >= 0)) throw new ShapeError(`${op}: eps must be ≥ 0, got ${eps}`);
  const backend = getBackend();
  const dtype = x.computeDType(op);
  const rows = x.size / Math.max(cols, 1);
  const inputs = residual === null ? [x, gamma, beta] : [x, gamma, beta, residual];
  const out = emptyLike(dtype, x.shape);
  // Without a backward the sum is not kept: it goes through out, which each row overwrites element by element.
  const sum = willRecord(inputs) ? allocate(dtype, x.size, false) as FloatArray : out.floats(op);
  const mean = allocate(dtype, rows, false) as FloatArray;
  const rstd = allocate(dtype, rows, false) as FloatArray;
  const gs = gamma.floats(op);
  backend.layerNormForward(out.floats(op), sum, mean, rstd, x.floats(op), residual?.floats(op) ?? null, gs, beta.floats(op), rows, cols, eps);
  return record(out, op, inputs, (o) => {
    const dy = o.grad!;
    const xNeeds = x.requiresGrad;
    const rNeeds = residual?.requiresGrad ?? false;
    // One dSum serves both summands. Written straight into a gradient that holds nothing yet (a sublayer's output
    // is used only here), it is then that gradient, and only the other summand needs a pass to add it.
    const shared = residual === x;
    const into = shared ? null : xNeeds && (x.grad === null || !rNeeds) ? x : rNeeds && residual!.grad === null ? residual! : null;
    const dSum = into !== null ? into.ensureGrad() : (allocate(dtype, x.size, true) as FloatArray);
    const dGamma = gamma.requiresGrad ? gamma.ensureGrad() : (allocate(dtype, cols, true) as FloatArray);
    const dBeta = beta.requiresGrad ? beta.ensureGrad() : (allocate(dtype, cols, true) as FloatArray);
    backend.layerNormBackward(dSum, dGamma, dBeta, dy, sum, mean, rstd, gs, rows, cols);
    for (const [needs, input] of [[xNeeds, x], [rNeeds, residual]] as const) {
      if (!needs || input === null || input === into) continue;
      backend.axpby(input.ensureGrad(), dSum, dSum.length, 1, 1);
    }
  });
}
