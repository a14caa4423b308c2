/**
 * Gradient accumulation (pretrainStep over micro-batches) is one large batch: 4 micro-batches of 2 sequences give the
 * gradients, the gradient norm, the loss and the weights after the AdamW step of the 8 sequences at once. Every
 * sequence carries the same number of MLM labels, so the mean of the micro-batch means (what pretrainStep and
 * transformers.Trainer's loss / gradient_accumulation_steps average) is the large batch's mean. And pretrainStep's
 * precision 'bf16' (mixed precision, bench train-step --precision) moves a step's loss by bfloat16 rounding only.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { toInt32 } from '../../src/io/safetensors.js';
import { BertForPreTraining } from '../../src/model/heads/pretraining.js';
import { AdamW } from '../../src/optim/adamw.js';
import { bertParamGroups } from '../../src/optim/param-groups.js';
import type { StepResult } from '../../src/train/train-step.js';
import { pretrainStep, type PretrainBatch } from '../../src/pretrain/train-step.js';
import { Arena } from '../../src/tensor/arena.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { normRelativeError } from '../helpers/assert-close.js';
import { backendCases, withBackend } from '../helpers/backends.js';
import { fixturePath, readFixture } from '../helpers/fixtures.js';
import '../helpers/node-runtime.js';

/**
 * Losses, gradient norm, gradients and weights of the two ways, relative (gradients and weights to each tensor's
 * norm): observed ≤ 1.8e-7 on both backends, float32 summation order. Unaveraged gradients would be 4× too large.
 */
const REL_TOLERANCE = 1e-6;
/** Floor for the attention key biases, whose gradients are zero in exact arithmetic (float32 noise ~1e-10). */
const GRAD_FLOOR = 1e-6;
/** bf16 against fp32 loss of one step on bert-tiny, relative: observed 5.6e-6 on both backends (bfloat16 operands). */
const BF16_LOSS_TOLERANCE = 1e-4;
const MASK_ID = 4;
const SEQ = 16;

/** 8 sequences from the trajectory fixture's first two batches, each with MLM labels at positions 1 and 2 only. */
function sequences(): { ids: Int32Array; types: Int32Array; mask: Int32Array; labels: Int32Array; nsp: Int32Array } {
  const trajectory = readFixture('reference', 'pretrain-trajectory.safetensors');
  const first = (name: string, count: number): Int32Array => toInt32(trajectory.get(name)).slice(0, count);
  const ids = first('input_ids', 8 * SEQ);
  const labels = new Int32Array(8 * SEQ).fill(-100);
  for (let row = 0; row < 8; row++) {
    for (const position of [1, 2]) {
      labels[row * SEQ + position] = ids[row * SEQ + position]!;
      ids[row * SEQ + position] = MASK_ID;
    }
  }
  return { ids, types: first('token_type_ids', 8 * SEQ), mask: first('attention_mask', 8 * SEQ), labels, nsp: first('next_sentence_label', 8) };
}

function batchOf(rows: number[]): PretrainBatch {
  const all = sequences();
  const pick = (values: Int32Array, width: number): Tensor =>
    new Tensor(Int32Array.from(rows.flatMap((r) => [...values.subarray(r * width, (r + 1) * width)])), width === 1 ? [rows.length] : [rows.length, width]);
  return {
    inputIds: pick(all.ids, SEQ), tokenTypeIds: pick(all.types, SEQ), attentionMask: pick(all.mask, SEQ),
    labels: pick(all.labels, SEQ), nextSentenceLabel: pick(all.nsp, 1),
  };
}

for (const backendCase of backendCases()) {
  test(`4 accumulated micro-batches give the gradients, loss and step of one batch of all of them (${backendCase.name})`, (t) => {
    if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
    withBackend(backendCase.backend!, () => {
      const step = (microBatches: PretrainBatch[]): { model: BertForPreTraining; metrics: ReturnType<typeof pretrainStep> } => {
        const model = BertForPreTraining.fromPretrained(fixturePath('reference', 'bert-tiny')).train();
        const optimizer = new AdamW(bertParamGroups(model.namedParameters(), 0.01), { lr: 1e-3, eps: 1e-6 });
        // No clipping: clipping to a norm would hide a wrong gradient scale.
        return { model, metrics: pretrainStep(model, optimizer, microBatches, new Arena(), 0) };
      };
      const large = step([batchOf([0, 1, 2, 3, 4, 5, 6, 7])]);
      const accumulated = step([batchOf([0, 1]), batchOf([2, 3]), batchOf([4, 5]), batchOf([6, 7])]);
      // The step's loss and gradient norm, and the MLM / NSP losses averaged over the micro-batches.
      const value = (metrics: StepResult, key: string): number => {
        if (key === 'loss' || key === 'gradNorm') return metrics[key];
        const [sum, count] = metrics.metrics[key]!;
        return sum / count;
      };
      for (const key of ['loss', 'mlm_loss', 'nsp_loss', 'gradNorm']) {
        const [got, want] = [value(accumulated.metrics, key), value(large.metrics, key)];
        const error = Math.abs(got - want) / Math.abs(want);
        assert.ok(error <= REL_TOLERANCE, `${key}: ${got} accumulated vs ${want} at once`);
      }
      assert.equal(accumulated.metrics.tokens, large.metrics.tokens);
      const largeParams = new Map(large.model.namedParameters());
      let worstGrad = 0;
      let worstWeight = 0;
      for (const [name, param] of accumulated.model.namedParameters()) {
        const reference = largeParams.get(name)!;
        const gradError = normRelativeError(param.grad!, reference.grad!, GRAD_FLOOR);
        const weightError = normRelativeError(param.data, reference.data);
        worstGrad = Math.max(worstGrad, gradError);
        worstWeight = Math.max(worstWeight, weightError);
        assert.ok(gradError <= REL_TOLERANCE, `grad of ${name}: ${gradError.toExponential(2)}`);
        assert.ok(weightError <= REL_TOLERANCE, `${name} after the step: ${weightError.toExponential(2)}`);
      }
      t.diagnostic(`worst gradient error ${worstGrad.toExponential(2)}, worst weight error ${worstWeight.toExponential(2)}`);
    });
  });
}

for (const backendCase of backendCases()) {
  test(`pretrainStep's precision 'bf16' runs the forward under autocast: the loss moves by bfloat16 rounding, no more (${backendCase.name})`, (t) => {
    if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
    withBackend(backendCase.backend!, () => {
      const loss = (precision: 'fp32' | 'bf16'): number => {
        const model = BertForPreTraining.fromPretrained(fixturePath('reference', 'bert-tiny')).train();
        const optimizer = new AdamW(bertParamGroups(model.namedParameters(), 0.01), { lr: 1e-3, eps: 1e-6 });
        return pretrainStep(model, optimizer, [batchOf([0, 1, 2, 3, 4, 5, 6, 7])], new Arena(), 0, precision).loss;
      };
      const [fp32, bf16] = [loss('fp32'), loss('bf16')];
      const change = Math.abs(bf16 - fp32) / fp32;
      t.diagnostic(`loss fp32 ${fp32}, bf16 ${bf16}: ${change.toExponential(2)} relative`);
      assert.ok(change > 0, 'bf16 rounds the Linear operands: the loss must move (an ignored precision would not)');
      assert.ok(change <= BF16_LOSS_TOLERANCE, `bf16 loss ${bf16} vs fp32 ${fp32}: ${change.toExponential(2)}`);
    });
  });
}
