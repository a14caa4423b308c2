/**
 * A gradient written by rows only (an embedding's scatter-add) is zeroed, measured and clipped over those rows, and
 * gives exactly the numbers of the dense passes: the oracle is the same step with the rows forgotten (the gradient
 * set from outside, which makes zeroGrad, the norm and clipping dense again).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../src/ops/index.js';
import { AdamW } from '../../src/optim/adamw.js';
import { clipCoefficient, clipGradNorm, globalGradNorm } from '../../src/optim/clip-grad-norm.js';
import { Rng } from '../../src/tensor/rng.js';
import { backward, Tensor } from '../../src/tensor/tensor.js';
import { backendCases, withBackend } from '../helpers/backends.js';

const VOCAB = 3001;
const DIM = 37;

function table(rng: Rng): Tensor {
  return new Tensor(Float32Array.from({ length: VOCAB * DIM }, () => rng.normal()), [VOCAB, DIM], true);
}

/** A loss over embedded ids (padding row 0), so only the ids' rows of table get a gradient. */
function embedAndBackward(t: Tensor, ids: number[], rng: Rng): void {
  const out = ops.embedding(Tensor.fromArray(ids, [ids.length], 'int32'), t, 0); // [ids, dim]
  const weights = new Tensor(Float32Array.from({ length: out.size }, () => rng.normal()), out.shape);
  backward(ops.mseLoss(out, weights));
}

test('an embedding marks the rows it wrote (ascending, without the padding row); a dense writer ends it', () => {
  const rng = new Rng(3);
  const t = table(rng);
  embedAndBackward(t, [2900, 5, 0, 17, 5, 3000], rng);
  assert.deepEqual(Array.from(t.gradRowsWritten()!), [5, 17, 2900, 3000]);
  t.zeroGrad();
  assert.ok(t.grad!.every((g) => g === 0), 'zeroGrad clears the rows written');
  assert.deepEqual(Array.from(t.gradRowsWritten()!), [], 'after zeroGrad no row is written');
  embedAndBackward(t, [9], rng);
  t.ensureGrad()[0] = 1; // a writer that may touch any element (a tied decoder's matmul)
  assert.equal(t.gradRowsWritten(), null);
  t.zeroGrad();
  assert.ok(t.grad!.every((g) => g === 0), 'after a dense writer zeroGrad clears everything');
  t.grad = Float32Array.from({ length: VOCAB * DIM }, () => 1);
  assert.equal(t.gradRowsWritten(), null, 'a gradient set from outside may hold anything');
  t.zeroGrad();
  assert.ok(t.grad!.every((g) => g === 0));
});

for (const backendCase of backendCases()) {
  test(`the norm and clipping over rows written equal the dense passes bit for bit (${backendCase.name})`, (t) => {
    if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
    withBackend(backendCase.backend!, () => {
      const rng = new Rng(5);
      const sparse = table(rng);
      // The oracle: the same weights whose gradient is set from outside, so it is not known as rows.
      const dense = new Tensor(sparse.data.slice(), sparse.shape, true);
      const ids = Array.from({ length: 700 }, () => rng.int(VOCAB));
      const optimizers = [sparse, dense].map((p) => new AdamW([{ params: [p], weightDecay: 0.01, names: ['t'] }], { lr: 1e-3 }));
      for (let step = 0; step < 3; step++) {
        sparse.zeroGrad();
        embedAndBackward(sparse, ids.map((id) => (id + 101 * step) % VOCAB), new Rng(step));
        const rows = sparse.gradRowsWritten();
        assert.ok(rows !== null && rows.length > 0 && rows.length < VOCAB, 'the gradient is kept as rows');
        dense.grad = sparse.grad!.slice();
        const norm = globalGradNorm([dense]);
        assert.equal(globalGradNorm([sparse]), norm, `step ${step}: the norm`);
        const coefficient = clipCoefficient(norm, 0.01);
        assert.ok(coefficient < 1, 'the limit clips');
        // Clipping as the trainer does it (in AdamW's step) and on its own.
        optimizers.forEach((optimizer) => optimizer.stepOnce(coefficient));
        assert.deepEqual(sparse.grad, dense.grad, `step ${step}: the clipped gradients`);
        assert.deepEqual(sparse.data, dense.data, `step ${step}: the weights after AdamW`);
        assert.equal(clipGradNorm([sparse], 0.001), clipGradNorm([dense], 0.001));
        assert.deepEqual(sparse.grad, dense.grad, `step ${step}: clipGradNorm's gradients`);
      }
    });
  });
}
