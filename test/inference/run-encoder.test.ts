/**
 * runEncoder packs inputs of different lengths and attends per input; its oracle is BertModel.forward over the same
 * inputs padded to the longest with an attention mask (the path the PyTorch fixtures pin down), on both backends.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError, ValueError } from '../../src/errors.js';
import { runEncoder, type EncodedInput } from '../../src/inference/run-encoder.js';
import { BertModel } from '../../src/model/bert-model.js';
import { bertConfigPreset } from '../../src/model/config.js';
import { Rng } from '../../src/tensor/rng.js';
import { noGrad, Tensor } from '../../src/tensor/tensor.js';
import { backendCases, withBackend } from '../helpers/backends.js';

/** float32 through two layers: the packed and padded paths sum the same products, in a different GEMM blocking. */
const TOLERANCE = 1e-5;

const config = bertConfigPreset('tiny', {
  vocabSize: 50, hiddenSize: 32, numAttentionHeads: 4, intermediateSize: 64, numHiddenLayers: 2, maxPositionEmbeddings: 64,
});

/** Random ids; the second half of each input is segment B, as a sentence pair's. */
function makeInputs(lengths: readonly number[], rng: Rng): EncodedInput[] {
  return lengths.map((length) => ({
    ids: Array.from({ length }, () => rng.int(config.vocabSize)),
    typeIds: Array.from({ length }, (_, t) => (t >= length / 2 ? 1 : 0)),
  }));
}

/** BertModel.forward over the inputs padded to the longest, with an attention mask: hidden rows and pooled vectors. */
function paddedReference(model: BertModel, inputs: readonly EncodedInput[]): { rows: Float32Array[]; pooled: Float32Array | null } {
  const n = inputs.length;
  const seq = Math.max(...inputs.map((input) => input.ids.length));
  const ids = new Int32Array(n * seq), types = new Int32Array(n * seq), mask = new Int32Array(n * seq);
  inputs.forEach((input, i) => {
    for (let t = 0; t < input.ids.length; t++) {
      ids[i * seq + t] = input.ids[t]!;
      types[i * seq + t] = input.typeIds[t]!;
      mask[i * seq + t] = 1;
    }
  });
  const output = noGrad(() => model.forward({
    inputIds: new Tensor(ids, [n, seq]), tokenTypeIds: new Tensor(types, [n, seq]), attentionMask: new Tensor(mask, [n, seq]),
  }));
  const hidden = config.hiddenSize;
  const last = output.lastHiddenState.data as Float32Array;
  const rows = inputs.map((input, i) => last.slice(i * seq * hidden, (i * seq + input.ids.length) * hidden));
  return { rows, pooled: output.poolerOutput === null ? null : (output.poolerOutput.data as Float32Array) };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

for (const { name, backend, skip } of backendCases()) {
  test(`${name}: packed rows and pooled vectors equal the padded, masked BertModel.forward (lengths 1, 2, 64 mixed)`, (t) => {
    if (backend === undefined) return t.skip(skip);
    withBackend(backend, () => {
      const model = new BertModel(config, { seed: 7 }).eval();
      const inputs = makeInputs([5, 1, 64, 2, 17, 1, 33], new Rng(3));
      const run = runEncoder(model, inputs);
      const reference = paddedReference(model, inputs);
      assert.deepEqual([...run.offsets], [0, 5, 6, 70, 72, 89, 90, 123]);
      assert.equal(run.hiddenSize, config.hiddenSize);
      assert.equal(run.hidden.length, 123 * config.hiddenSize);
      let worst = 0;
      inputs.forEach((_, i) => {
        const rows = run.hidden.subarray(run.offsets[i]! * config.hiddenSize, run.offsets[i + 1]! * config.hiddenSize);
        worst = Math.max(worst, maxAbsDiff(rows, reference.rows[i]!));
      });
      assert.ok(run.pooled !== null && reference.pooled !== null);
      const pooledError = maxAbsDiff(run.pooled, reference.pooled);
      t.diagnostic(`max |packed - padded|: hidden ${worst.toExponential(2)}, pooled ${pooledError.toExponential(2)}`);
      assert.ok(worst <= TOLERANCE, `hidden rows differ by ${worst}`);
      assert.ok(pooledError <= TOLERANCE, `pooled vectors differ by ${pooledError}`);
    });
  });

  test(`${name}: one input alone gives the rows it gives among others (no leak across inputs)`, (t) => {
    if (backend === undefined) return t.skip(skip);
    withBackend(backend, () => {
      const model = new BertModel(config, { seed: 11 }).eval();
      const inputs = makeInputs([9, 3, 20], new Rng(5));
      const together = runEncoder(model, inputs);
      const alone = runEncoder(model, [inputs[1]!]);
      const rows = together.hidden.subarray(9 * config.hiddenSize, 12 * config.hiddenSize);
      assert.ok(maxAbsDiff(rows, alone.hidden) <= TOLERANCE);
    });
  });
}

test('a model without a pooler gives pooled null; no inputs give an empty run', () => {
  const model = new BertModel(config, { seed: 1, addPoolingLayer: false }).eval();
  const run = runEncoder(model, makeInputs([4, 2], new Rng(1)));
  assert.equal(run.pooled, null);
  assert.equal(run.hidden.length, 6 * config.hiddenSize);
  const empty = runEncoder(new BertModel(config, { seed: 1 }).eval(), []);
  assert.deepEqual([...empty.offsets], [0]);
  assert.equal(empty.hidden.length, 0);
  assert.equal(empty.pooled?.length, 0);
});

test('bad inputs are typed one-line errors naming the input', () => {
  const model = new BertModel(config, { seed: 1 }).eval();
  const ok = makeInputs([3], new Rng(2))[0]!;
  const tooLong = makeInputs([65], new Rng(2))[0]!;
  assert.throws(() => runEncoder(model, [ok, ok, tooLong]),
    (e: unknown) => e instanceof ShapeError && e.message === "runEncoder: input 2 has 65 tokens, more than the model's 64 positions");
  assert.throws(() => runEncoder(model, [ok, { ids: [], typeIds: [] }]),
    (e: unknown) => e instanceof ValueError && /input 1 has no tokens/.test(e.message));
  assert.throws(() => runEncoder(model, [{ ids: [1, 2], typeIds: [0] }]),
    (e: unknown) => e instanceof ValueError && /input 0 has 2 ids but 1 type ids/.test(e.message));
  assert.throws(() => runEncoder(model, [ok, { ids: [1, 50], typeIds: [0, 0] }]),
    (e: unknown) => e instanceof ValueError && /input 1 holds id 50 at position 1/.test(e.message));
  assert.throws(() => runEncoder(model, [{ ids: [1, 2], typeIds: [0, 2] }]),
    (e: unknown) => e instanceof ValueError && /input 0 holds token type id 2 at position 1/.test(e.message));
  assert.throws(() => runEncoder(new BertModel(config, { seed: 1 }), [ok]),
    (e: unknown) => e instanceof ValueError && /training mode/.test(e.message));
});
