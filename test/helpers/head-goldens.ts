import assert from 'node:assert/strict';
import type { SafetensorsFile } from '../../src/io/safetensors.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { l2Norm, normRelativeError } from './assert-close.js';
import { floatTensor } from './fixtures.js';

/**
 * Head outputs (logits, loss) against PyTorch's float32. Observed ≤ 6.7e-6 (masked-LM logits, values up to ~20) and
 * ≤ 1.8e-6 elsewhere, on both backends; PyTorch's own float32 result is as far from float64 (heads/manifest.json).
 */
export const HEAD_OUTPUT_ABS_TOLERANCE = 2e-5;
/** Gradients relative to their norm: observed ≤ 2.4e-6 on both backends (PyTorch's float32 vs float64: ≤ 1.8e-6). */
export const HEAD_GRAD_REL_TOLERANCE = 1e-5;
/**
 * Some gradients are exactly zero in exact arithmetic, because softmax ignores a constant added to a whole row: the
 * attention key biases; in question answering qa_outputs.bias and the last LayerNorm bias; in multiple choice the
 * classifier bias (every choice gets it). PyTorch stores them as float32 noise of norm ≤ 2e-7 on the heads' goldens
 * (2.6e-7 on RoBERTa's regression, whose gradients are larger), tsbert's observed norm is ≤ 1.1e-7 (training mode
 * with dropout) and ≤ 7e-8 in eval mode on the heads, 5.9e-7 on RoBERTa's regression (2.3× PyTorch's own there);
 * every real gradient of the goldens has a norm ≥ 3.8e-2. Such a gradient must stay noise: at most
 * ZERO_GRAD_ABS_TOLERANCE or ZERO_GRAD_NOISE_FACTOR × the reference's own noise, whichever is larger.
 */
export const ZERO_GRAD_NORM = 1e-5;
export const ZERO_GRAD_ABS_TOLERANCE = 5e-7;
export const ZERO_GRAD_NOISE_FACTOR = 4;

/**
 * Every parameter's gradient against `<prefix>grad.<name>` of the golden; the model must have exactly the golden's
 * parameters. Returns the worst errors seen, for the test's diagnostics.
 */
export function compareHeadGradients(named: [string, Tensor][], golden: SafetensorsFile, prefix: string, what: string): string {
  const gradNames = [...golden.tensors.keys()].filter((k) => k.startsWith(`${prefix}grad.`)).map((k) => k.slice(`${prefix}grad.`.length));
  assert.deepEqual(named.map(([n]) => n).sort(), gradNames.sort(), `${what}: the model has exactly the reference's parameters`);
  let worst = { error: 0, name: '' };
  let worstZero = 0;
  for (const [name, param] of named) {
    const expected = floatTensor(golden, `${prefix}grad.${name}`).data;
    const actual = param.grad ?? new Float32Array(param.size);
    if (l2Norm(expected) < ZERO_GRAD_NORM) {
      const noise = l2Norm(actual);
      worstZero = Math.max(worstZero, noise);
      const bound = Math.max(ZERO_GRAD_ABS_TOLERANCE, ZERO_GRAD_NOISE_FACTOR * l2Norm(expected));
      assert.ok(noise <= bound, `${what}: grad of ${name} is zero in exact arithmetic, got norm ${noise.toExponential(2)} > ${bound.toExponential(2)}`);
      continue;
    }
    const error = normRelativeError(actual, expected);
    if (error > worst.error) worst = { error, name };
    assert.ok(error <= HEAD_GRAD_REL_TOLERANCE, `${what}: grad of ${name}: norm-relative error ${error.toExponential(2)} > ${HEAD_GRAD_REL_TOLERANCE}`);
  }
  return `${worst.error.toExponential(2)} (${worst.name}); exactly-zero gradients: norm ≤ ${worstZero.toExponential(2)}`;
}

