/**
 * The contract of runEncoder (issue 12), whatever its body (padded stand-in or packed rows): for inputs of mixed
 * lengths, the rows of input i are exactly its tokens, equal to BertModel's forward on that input alone, and the
 * pooled rows equal that forward's pooler output.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { runEncoder } from '../../src/inference/run-encoder.js';
import { BertModel } from '../../src/model/bert-model.js';
import { forwardOne, referenceInputs, tinyConfig } from '../pipelines/pipeline-models.js';
import '../helpers/node-runtime.js';

/** float32 hidden states from the same kernels, batched or alone: they agree to float32 rounding. */
const HIDDEN_TOLERANCE = 1e-5;

test('runEncoder: rows per input without padding, equal to each input\'s own forward; pooled rows equal its pooler', () => {
  const model = new BertModel(tinyConfig(), { seed: 51 }).eval();
  const inputs = [
    referenceInputs('a short one'),
    referenceInputs('a much longer input that has many more word pieces than the others do', 'with a second segment'),
    referenceInputs(''),
  ];
  const run = runEncoder(model, inputs);
  const hidden = model.config.hiddenSize;
  assert.equal(run.hiddenSize, hidden);
  assert.deepEqual(Array.from(run.offsets), [0, inputs[0]!.ids.length, inputs[0]!.ids.length + inputs[1]!.ids.length, inputs.reduce((s, i) => s + i.ids.length, 0)]);
  assert.equal(run.hidden.length, run.offsets[3]! * hidden, 'no padding rows');
  for (const [i, { ids, typeIds }] of inputs.entries()) {
    const alone = forwardOne((x) => model.forward(x), (o) => o.lastHiddenState, ids, typeIds);
    const rows = run.hidden.subarray(run.offsets[i]! * hidden, run.offsets[i + 1]! * hidden);
    rows.forEach((x, k) => assert.ok(Math.abs(x - alone[k]!) <= HIDDEN_TOLERANCE, `input ${i} value ${k}: ${x} vs ${alone[k]}`));
    const pooled = forwardOne((x) => model.forward(x), (o) => o.poolerOutput!, ids, typeIds);
    run.pooled!.subarray(i * hidden, (i + 1) * hidden).forEach((x, k) => assert.ok(Math.abs(x - pooled[k]!) <= HIDDEN_TOLERANCE, `pooled ${i}`));
  }
});

test('runEncoder firstTokensOnly: the last layer at [CLS] alone gives each input\'s own pooler output and [CLS] row', () => {
  const model = new BertModel(tinyConfig(), { seed: 53 }).eval();
  const inputs = [referenceInputs('one'), referenceInputs('a longer input with several more word pieces', 'and a pair'), referenceInputs('two words')];
  const run = runEncoder(model, inputs, { firstTokensOnly: true });
  const hidden = model.config.hiddenSize;
  assert.deepEqual(Array.from(run.offsets), [0, 1, 2, 3], 'one row per input');
  for (const [i, { ids, typeIds }] of inputs.entries()) {
    const pooled = forwardOne((x) => model.forward(x), (o) => o.poolerOutput!, ids, typeIds);
    run.pooled!.subarray(i * hidden, (i + 1) * hidden).forEach((x, k) => assert.ok(Math.abs(x - pooled[k]!) <= HIDDEN_TOLERANCE, `pooled ${i} value ${k}: ${x} vs ${pooled[k]}`));
    const cls = forwardOne((x) => model.forward(x), (o) => o.lastHiddenState, ids, typeIds).subarray(0, hidden);
    run.hidden.subarray(i * hidden, (i + 1) * hidden).forEach((x, k) => assert.ok(Math.abs(x - cls[k]!) <= HIDDEN_TOLERANCE, `[CLS] row ${i} value ${k}`));
  }
});

test('runEncoder: no inputs give no rows; an input without tokens is a ValueError naming it', () => {
  const model = new BertModel(tinyConfig(), { seed: 52 }).eval();
  const run = runEncoder(model, []);
  assert.deepEqual(Array.from(run.offsets), [0]);
  assert.equal(run.hidden.length, 0);
  assert.throws(() => runEncoder(model, [{ ids: [101, 102], typeIds: [0, 0] }, { ids: [], typeIds: [] }]), { name: 'ValueError', message: 'runEncoder: input 1 has no tokens' });
});
