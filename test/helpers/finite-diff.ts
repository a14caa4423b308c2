import { Rng } from '../../src/tensor/rng.js';
import { backward, Tensor } from '../../src/tensor/tensor.js';
import { assertNormClose } from './assert-close.js';

/** Central differences in float64 with step 1e-5: truncation error ~h² ≈ 1e-10, round-off ~1e-16/h ≈ 1e-11. */
const STEP = 1e-5;
/** Norm-relative agreement expected of a correct float64 backward against central differences. */
export const FINITE_DIFF_TOLERANCE = 1e-6;

export function randomTensor(rng: Rng, shape: readonly number[], scale = 1): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  const data = new Float64Array(size);
  for (let i = 0; i < size; i++) data[i] = scale * rng.normal();
  return new Tensor(data, shape, true);
}

/**
 * Checks every input's gradient of L = Σ r ⊙ f(inputs) (r fixed random weights) against central differences.
 * f must build a fresh graph from the inputs each call and return one float64 tensor.
 */
export function checkGradients(name: string, inputs: Tensor[], f: (inputs: Tensor[]) => Tensor, seed = 7): void {
  const rng = new Rng(seed);
  const probe = f(inputs);
  const weights = new Float64Array(probe.size);
  for (let i = 0; i < weights.length; i++) weights[i] = rng.normal();
  const objective = (): number => {
    const out = f(inputs).data;
    let total = 0;
    for (let i = 0; i < out.length; i++) total += weights[i]! * out[i]!;
    return total;
  };
  for (const input of inputs) input.grad = null;
  const out = f(inputs);
  const seedTensor = new Tensor(weights, out.shape);
  // L = Σ r ⊙ out: seed out's gradient with r by a weighted-sum graph edge.
  const loss = weightedSum(out, seedTensor);
  backward(loss);
  inputs.forEach((input, index) => {
    if (!input.requiresGrad) return;
    const analytic = input.grad ?? new Float64Array(input.size);
    const numeric = new Float64Array(input.size);
    const data = input.data as Float64Array;
    for (let i = 0; i < data.length; i++) {
      const saved = data[i]!;
      data[i] = saved + STEP;
      const up = objective();
      data[i] = saved - STEP;
      const down = objective();
      data[i] = saved;
      numeric[i] = (up - down) / (2 * STEP);
    }
    assertNormClose(analytic, numeric, FINITE_DIFF_TOLERANCE, `${name}: gradient of input ${index}`);
  });
}

function weightedSum(out: Tensor, weights: Tensor): Tensor {
  const loss = new Tensor(new Float64Array(1), []);
  let total = 0;
  for (let i = 0; i < out.size; i++) total += weights.data[i]! * out.data[i]!;
  loss.data[0] = total;
  loss.requiresGrad = true;
  loss.gradFn = {
    op: 'weightedSum',
    inputs: [out],
    backward: (o) => {
      const dOut = out.ensureGrad();
      for (let i = 0; i < out.size; i++) dOut[i] = dOut[i]! + o.grad![0]! * weights.data[i]!;
    },
  };
  return loss;
}
