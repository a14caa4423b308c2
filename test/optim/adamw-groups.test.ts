/**
 * Weight-decay groups exactly as transformers.Trainer makes them (decay on everything but biases and LayerNorm
 * weights), and three AdamW steps on a whole model equal to torch.optim.AdamW's with those groups
 * (reference/make_head_fixtures.py → heads/adamw-groups.safetensors: lr 1e-2, weight decay 0.1, so a misgrouped
 * LayerNorm weight moves by ~1e-3, far outside the tolerance).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readHeadArguments } from '../../src/cli/head-arguments.js';
import { TASK_HEADS } from '../../src/model/heads/task-heads.js';
import { AdamW } from '../../src/optim/adamw.js';
import { bertParamGroups } from '../../src/optim/param-groups.js';
import { backward } from '../../src/tensor/tensor.js';
import { l2Norm, normRelativeError } from '../helpers/assert-close.js';
import { backendCases, withBackend } from '../helpers/backends.js';
import { fixturePath, floatTensor, readFixture } from '../helpers/fixtures.js';
import { ZERO_GRAD_NORM } from '../helpers/head-goldens.js';
import '../helpers/node-runtime.js';

/**
 * Parameters after 3 steps, relative to their norm: observed ≤ 7.9e-7 on both backends (a query bias, whose small
 * gradient Adam normalises, carries the gradients' ~1e-6 differences into its step).
 */
const PARAM_REL_TOLERANCE = 3e-6;
/** The losses before each step (a mean over 3 examples, O(1)): observed ≤ 2.4e-7. */
const LOSS_ABS_TOLERANCE = 1e-6;

const reference = readFixture('reference', 'heads', 'adamw-groups.safetensors');
const golden = readFixture('reference', 'heads', 'sequence-classification', 'golden.safetensors');

test('bertParamGroups decays exactly the parameters transformers.Trainer decays', () => {
  const runner = TASK_HEADS['sequence-classification'].load(fixturePath('reference', 'heads', 'sequence-classification'));
  const [decay, noDecay] = bertParamGroups(runner.model.namedParameters(), 0.1);
  assert.deepEqual(decay!.names.slice().sort(), (JSON.parse(reference.metadata['decay_names']!) as string[]).sort());
  assert.equal(decay!.weightDecay, 0.1);
  assert.equal(noDecay!.weightDecay, 0);
  assert.ok(noDecay!.names.includes('bert.embeddings.LayerNorm.weight') && noDecay!.names.includes('classifier.bias'));
});

for (const backendCase of backendCases()) {
  test(`three AdamW steps with Hugging Face's weight-decay groups equal torch.optim.AdamW's (${backendCase.name})`, (t) => {
    if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
    withBackend(backendCase.backend!, () => {
      const runner = TASK_HEADS['sequence-classification'].load(fixturePath('reference', 'heads', 'sequence-classification'));
      const model = runner.model;
      const optimizer = new AdamW(bertParamGroups(model.namedParameters(), 0.1), { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-6 });
      const args = readHeadArguments(golden, runner);
      const expectedLosses = floatTensor(reference, 'loss').data;
      let worstLoss = 0;
      for (let step = 0; step < 3; step++) {
        model.zeroGrad();
        const loss = runner.forward(args)['loss']!;
        worstLoss = Math.max(worstLoss, Math.abs(loss.item() - expectedLosses[step]!));
        backward(loss);
        optimizer.stepOnce();
      }
      assert.ok(worstLoss <= LOSS_ABS_TOLERANCE, `loss before a step differs by ${worstLoss.toExponential(2)}`);
      let worst = { error: 0, name: '' };
      for (const [name, param] of model.namedParameters()) {
        // A gradient that is zero in exact arithmetic (the attention key biases) is float32 noise, which Adam scales
        // up to steps of ~lr·noise/eps in a random direction, in PyTorch as here: nothing to compare.
        if (l2Norm(floatTensor(golden, `grad.${name}`).data) < ZERO_GRAD_NORM) continue;
        const error = normRelativeError(param.data, floatTensor(reference, `after.${name}`).data);
        if (error > worst.error) worst = { error, name };
        assert.ok(error <= PARAM_REL_TOLERANCE, `${name} after 3 steps: norm-relative error ${error.toExponential(2)}`);
      }
      t.diagnostic(`worst parameter error ${worst.error.toExponential(2)} (${worst.name}); worst loss error ${worstLoss.toExponential(2)}`);
    });
  });
}

