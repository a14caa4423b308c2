/**
 * BertForPreTraining against the PyTorch reference (reference/make_fixtures.py → test/fixtures/reference/bert-tiny):
 * odd sizes (hidden 48, 3 heads, intermediate 100, vocab 99), padding, two segments, MLM + NSP labels.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { BertForPreTraining } from '../../src/model/heads/pretraining.js';
import { backward, noGrad, type Tensor } from '../../src/tensor/tensor.js';
import { assertNormClose, maxAbsoluteError } from '../helpers/assert-close.js';
import { backendCases, withBackend } from '../helpers/backends.js';
import { fixturePath, floatTensor, pretrainingInputs, readFixture } from '../helpers/fixtures.js';
import '../helpers/node-runtime.js';

/** Outputs: float32 through 2 layers against PyTorch's float32, differing in summation order only. */
const OUTPUT_ABS_TOLERANCE = 1e-4;
/** The scalar loss: a mean of ~12 log-softmaxes, each exact to a few ulps. */
const LOSS_REL_TOLERANCE = 1e-5;
/** Gradients relative to their norm; the floor absorbs the key biases' exactly-zero gradients (float32 noise ~1e-10). */
const GRAD_REL_TOLERANCE = 1e-3;
const GRAD_ABS_FLOOR = 1e-6;

const golden = readFixture('reference', 'bert-tiny', 'golden.safetensors');
const inputs = pretrainingInputs(golden);

function expectClose(actual: Tensor, name: string): void {
  const expected = floatTensor(golden, name);
  assert.deepEqual([...actual.shape], [...expected.shape], `${name} shape`);
  const error = maxAbsoluteError(actual.data, expected.data);
  assert.ok(error <= OUTPUT_ABS_TOLERANCE, `${name}: max abs error ${error.toExponential(2)} > ${OUTPUT_ABS_TOLERANCE}`);
}

for (const backendCase of backendCases()) {
  test(`BertForPreTraining matches the PyTorch fixture: outputs, loss and every gradient (${backendCase.name})`, (t) => {
    if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
    withBackend(backendCase.backend!, () => {
      const model = BertForPreTraining.fromPretrained(fixturePath('reference', 'bert-tiny'));
      assert.deepEqual(model.loadingInfo, { missingKeys: [], unexpectedKeys: [] });
      const out = model.forward(inputs, { outputHiddenStates: true, outputAttentions: true });
      expectClose(out.lastHiddenState, 'last_hidden_state');
      expectClose(out.poolerOutput, 'pooler_output');
      expectClose(out.predictionLogits, 'prediction_logits');
      expectClose(out.seqRelationshipLogits, 'seq_relationship_logits');
      out.hiddenStates!.forEach((h, i) => expectClose(h, `hidden_states.${i}`));
      out.attentions!.forEach((a, i) => expectClose(a, `attentions.${i}`));
      for (const [name, value] of [['loss', out.loss!], ['mlm_loss', out.mlmLoss!], ['nsp_loss', out.nspLoss!]] as const) {
        const expected = floatTensor(golden, name).item();
        const error = Math.abs(value.item() - expected) / Math.abs(expected);
        assert.ok(error <= LOSS_REL_TOLERANCE, `${name}: ${value.item()} vs ${expected} (relative error ${error.toExponential(2)})`);
      }
      backward(out.loss!);
      const params = model.namedParameters();
      const gradNames = [...golden.tensors.keys()].filter((k) => k.startsWith('grad.')).map((k) => k.slice(5)).sort();
      assert.deepEqual(params.map(([n]) => n).sort(), gradNames, 'the model has exactly the reference parameters');
      for (const [name, param] of params) {
        const expected = floatTensor(golden, `grad.${name}`);
        assertNormClose(param.grad!, expected.data, GRAD_REL_TOLERANCE, `grad of ${name}`, GRAD_ABS_FLOOR);
      }
    });
  });

  test(`inference without a graph (two-layer memory pools) gives the same hidden states, also when run twice (${backendCase.name})`, (t) => {
    if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
    withBackend(backendCase.backend!, () => {
      const model = BertForPreTraining.fromPretrained(fixturePath('reference', 'bert-tiny'));
      const withGraph = model.forward(inputs).lastHiddenState;
      const first = noGrad(() => model.bert.forward(inputs).lastHiddenState);
      const second = noGrad(() => model.bert.forward(inputs).lastHiddenState);
      assert.deepEqual(first.data, withGraph.data);
      assert.deepEqual(second.data, withGraph.data, 'a later call leaves the earlier result intact');
      assert.deepEqual(first.data, withGraph.data);
    });
  });

  // The pre-training step's path: the vocabulary scored at the masked rows only, and the last layer after attention
  // run at [CLS] and those rows alone (ForwardOptions.lastLayerRows) — PyTorch's full computation's loss, NSP logits
  // and every gradient all the same.
  test(`masked-position MLM (last layer at [CLS] + masked rows) gives PyTorch's loss and every gradient (${backendCase.name})`, (t) => {
    if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
    withBackend(backendCase.backend!, () => {
      const model = BertForPreTraining.fromPretrained(fixturePath('reference', 'bert-tiny'));
      const masked = model.forward(inputs, { onlyMaskedPositions: true });
      const labelCount = (inputs.labels.data as Int32Array).filter((l) => l !== -100).length;
      const batch = inputs.inputIds.shape[0]!;
      assert.deepEqual([...masked.predictionLogits.shape], [labelCount, 99]);
      assert.deepEqual([...masked.lastHiddenState.shape], [batch + labelCount, 48], '[CLS] rows, then the masked rows');
      expectClose(masked.poolerOutput, 'pooler_output');
      expectClose(masked.seqRelationshipLogits, 'seq_relationship_logits');
      for (const [name, value] of [['loss', masked.loss!], ['mlm_loss', masked.mlmLoss!]] as const) {
        const expected = floatTensor(golden, name).item();
        assert.ok(Math.abs(value.item() - expected) / Math.abs(expected) <= LOSS_REL_TOLERANCE, `${name}: ${value.item()} vs ${expected}`);
      }
      backward(masked.loss!);
      for (const [name, param] of model.namedParameters()) {
        assertNormClose(param.grad!, floatTensor(golden, `grad.${name}`).data, GRAD_REL_TOLERANCE, `grad of ${name}`, GRAD_ABS_FLOOR);
      }
      const inference = noGrad(() => model.forward(inputs, { onlyMaskedPositions: true }));
      assert.ok(maxAbsoluteError(inference.predictionLogits.data, masked.predictionLogits.data) <= 1e-6, 'no graph: the same logits');
    });
  });
}
