/**
 * Every task head: output shapes as Hugging Face's, a loss whose gradient reaches every parameter, and a loss
 * that falls when the model fits one fixed batch (a head wired wrongly cannot fit).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { bertConfigPreset, defaultLabels, type BertConfig } from '../../src/model/config.js';
import { BertForMaskedLM } from '../../src/model/heads/masked-lm.js';
import { BertForMultipleChoice } from '../../src/model/heads/multiple-choice.js';
import { BertForNextSentencePrediction } from '../../src/model/heads/next-sentence.js';
import { BertForQuestionAnswering } from '../../src/model/heads/question-answering.js';
import { BertForSequenceClassification } from '../../src/model/heads/sequence-classification.js';
import { BertForTokenClassification } from '../../src/model/heads/token-classification.js';
import type { BertPreTrainedModel } from '../../src/model/pretrained.js';
import { AdamW } from '../../src/optim/adamw.js';
import { backward, Tensor } from '../../src/tensor/tensor.js';

function config(labels: number): BertConfig {
  const id2label = defaultLabels(labels);
  return bertConfigPreset('tiny', {
    vocabSize: 40, hiddenSize: 16, numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 12, numHiddenLayers: 1,
    hiddenDropoutProb: 0, attentionProbsDropoutProb: 0,
    id2label, label2id: Object.fromEntries(Object.entries(id2label).map(([k, v]) => [v, Number(k)])),
  });
}

const ids = (values: number[], shape: number[]): Tensor => Tensor.fromArray(values, shape, 'int32');
const batch = {
  inputIds: ids([2, 5, 6, 7, 3, 0, 2, 9, 10, 3, 11, 3], [2, 6]),
  tokenTypeIds: ids([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1], [2, 6]),
  attentionMask: ids([1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1], [2, 6]),
};

/** Runs a few AdamW steps on one batch; returns the first and last loss. Checks gradients reach every parameter. */
function fit(model: BertPreTrainedModel, loss: () => Tensor, steps = 30): [number, number] {
  const optimizer = new AdamW([{ params: model.parameters(), weightDecay: 0, names: [] }], { lr: 1e-2 });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    model.zeroGrad();
    const value = loss();
    backward(value);
    if (step === 0) {
      for (const [name, param] of model.namedParameters()) {
        // A bias shared by every choice shifts all multiple-choice logits alike: softmax gives it exactly zero gradient.
        if (model.architecture === 'BertForMultipleChoice' && name === 'classifier.bias') continue;
        assert.ok(param.grad !== null && param.grad.some((g) => g !== 0), `${name} gets a gradient`);
      }
    }
    losses.push(value.item());
    optimizer.stepOnce();
  }
  return [losses[0]!, losses[losses.length - 1]!];
}

test('BertForSequenceClassification: logits [batch, labels], cross-entropy, and MSE regression with one label', () => {
  const model = new BertForSequenceClassification(config(3), { seed: 1 });
  const out = model.forward(batch);
  assert.deepEqual([...out.logits.shape], [2, 3]);
  // From BERT's N(0, 0.02) init both [CLS] vectors start nearly equal: it takes a few dozen steps to separate them.
  const [first, last] = fit(model, () => model.forward({ ...batch, labels: ids([2, 0], [2]) }).loss!, 80);
  assert.ok(last < first * 0.5, `loss ${first} → ${last}`);
  const regression = new BertForSequenceClassification(config(1), { seed: 1 });
  const [rFirst, rLast] = fit(regression, () => regression.forward({ ...batch, labels: Tensor.fromArray([0.5, -1.5], [2]) }).loss!);
  assert.ok(rLast < rFirst * 0.5, `regression loss ${rFirst} → ${rLast}`);
});

test('BertForTokenClassification: logits [batch, seq, labels], -100 positions ignored', () => {
  const model = new BertForTokenClassification(config(4), { seed: 2 });
  assert.deepEqual([...model.forward(batch).logits.shape], [2, 6, 4]);
  const labels = ids([-100, 1, 2, 3, -100, -100, -100, 0, 1, -100, 2, -100], [2, 6]);
  const [first, last] = fit(model, () => model.forward({ ...batch, labels }).loss!);
  assert.ok(last < first * 0.5, `loss ${first} → ${last}`);
});

test('BertForQuestionAnswering: start/end logits [batch, seq], loss = mean of both, out-of-range positions ignored', () => {
  const model = new BertForQuestionAnswering(config(2), { seed: 3 });
  const out = model.forward(batch);
  assert.deepEqual([...out.startLogits.shape], [2, 6]);
  assert.deepEqual([...out.endLogits.shape], [2, 6]);
  const [first, last] = fit(model, () => model.forward({ ...batch, startPositions: ids([1, 2], [2]), endPositions: ids([3, 4], [2]) }).loss!);
  assert.ok(last < first * 0.5, `loss ${first} → ${last}`);
  const ignored = model.forward({ ...batch, startPositions: ids([99, 99], [2]), endPositions: ids([99, 99], [2]) });
  assert.equal(ignored.loss!.item(), 0);
});

test('BertForMultipleChoice: inputs [batch, choices, seq], logits [batch, choices]', () => {
  const model = new BertForMultipleChoice(config(2), { seed: 4 });
  const choices = {
    inputIds: ids([...batch.inputIds.data, ...batch.inputIds.data.map((id) => (id > 4 ? id + 20 : id))], [2, 2, 6]),
    attentionMask: ids([...batch.attentionMask.data, ...batch.attentionMask.data], [2, 2, 6]),
    tokenTypeIds: ids([...batch.tokenTypeIds.data, ...batch.tokenTypeIds.data], [2, 2, 6]),
  };
  assert.deepEqual([...model.forward(choices).logits.shape], [2, 2]);
  const [first, last] = fit(model, () => model.forward({ ...choices, labels: ids([1, 0], [2]) }).loss!);
  assert.ok(last < first * 0.5, `loss ${first} → ${last}`);
  assert.throws(() => model.forward(batch), /\[batch, choices, seq\]/);
});

test('BertForMaskedLM and BertForNextSentencePrediction fit their targets', () => {
  const mlm = new BertForMaskedLM(config(2), { seed: 5 });
  assert.deepEqual([...mlm.forward(batch).logits.shape], [2, 6, 40]);
  assert.equal(mlm.namedParameters().some(([n]) => n.includes('pooler')), false, 'no pooler, as Hugging Face');
  const labels = ids([-100, 12, -100, 13, -100, -100, -100, -100, 14, -100, -100, -100], [2, 6]);
  const [first, last] = fit(mlm, () => mlm.forward({ ...batch, labels }).loss!);
  assert.ok(last < first * 0.5, `MLM loss ${first} → ${last}`);
  const nsp = new BertForNextSentencePrediction(config(2), { seed: 6 });
  const [nFirst, nLast] = fit(nsp, () => nsp.forward({ ...batch, labels: ids([0, 1], [2]) }).loss!);
  assert.ok(nLast < nFirst * 0.5, `NSP loss ${nFirst} → ${nLast}`);
});
