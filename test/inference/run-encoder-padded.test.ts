/**
 * The padded encoder run (src/inference/run-encoder-padded.ts) against BertModel.forward on each input alone, with
 * no padding at all: every input's rows and pooled vector agree, for lengths 1, 2, 5 and 17 in one batch, so the
 * mask keeps padding out and the padding rows are dropped at the right places.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { runEncoderPadded } from '../../src/inference/run-encoder-padded.js';
import { BertModel } from '../../src/model/bert-model.js';
import { bertConfigPreset } from '../../src/model/config.js';
import { ValueError } from '../../src/errors.js';
import { noGrad, Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/rng.js';

/** float32 sums over a different number of keys (padded keys add exact zeros, but the reduction order differs). */
const TOLERANCE = 1e-5;

test('padded batch rows and pooled vectors equal each input run alone', () => {
  const config = bertConfigPreset('tiny', { vocabSize: 99, hiddenSize: 16, numAttentionHeads: 2, intermediateSize: 32, numHiddenLayers: 2, maxPositionEmbeddings: 32 });
  const model = new BertModel(config, { seed: 3 }).eval();
  const rng = new Rng(11);
  const inputs = [5, 1, 17, 2].map((length) => ({
    ids: Array.from({ length }, () => 1 + rng.int(98)),
    typeIds: Array.from({ length }, (_, t) => (t >= length / 2 ? 1 : 0)),
  }));
  const run = runEncoderPadded(model, inputs);
  assert.deepEqual(Array.from(run.offsets), [0, 5, 6, 23, 25]);
  inputs.forEach(({ ids, typeIds }, i) => {
    const alone = noGrad(() => model.forward({ inputIds: new Tensor(Int32Array.from(ids), [1, ids.length]), tokenTypeIds: new Tensor(Int32Array.from(typeIds), [1, ids.length]) }));
    const rows = run.hidden.subarray(run.offsets[i]! * 16, run.offsets[i + 1]! * 16);
    const expected = alone.lastHiddenState.floats('test');
    assert.equal(rows.length, expected.length);
    rows.forEach((x, k) => assert.ok(Math.abs(x - expected[k]!) <= TOLERANCE, `input ${i} value ${k}: ${x} vs ${expected[k]}`));
    const pooled = alone.poolerOutput!.floats('test');
    pooled.forEach((x, k) => assert.ok(Math.abs(run.pooled![i * 16 + k]! - x) <= TOLERANCE, `input ${i} pooled ${k}`));
  });
  assert.throws(() => runEncoderPadded(model, [{ ids: [], typeIds: [] }]), (e: unknown) => e instanceof ValueError && /input 0/.test(e.message));
});
