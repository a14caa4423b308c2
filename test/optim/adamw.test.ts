/** AdamW, the schedule and clipping against torch goldens (reference/make_fixtures.py → adamw.safetensors). */
import test from 'node:test';
import assert from 'node:assert/strict';
import { AdamW } from '../../src/optim/adamw.js';
import { clipGradNorm } from '../../src/optim/clip-grad-norm.js';
import { linearWarmupDecay } from '../../src/optim/schedule.js';
import type { ParamGroup } from '../../src/optim/param-groups.js';
import { toFloat32 } from '../../src/io/safetensors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertAllClose } from '../helpers/assert-close.js';
import { backendCases, withBackend } from '../helpers/backends.js';
import { floatTensor, readFixture } from '../helpers/fixtures.js';

/** float32 parameters after a few steps: torch and tsbert round the same formula in a different order. */
const PARAM_TOLERANCE = 1e-6;
const golden = readFixture('reference', 'adamw.safetensors');

function params(): { w: Tensor; b: Tensor } {
  const w = floatTensor(golden, 'init.w');
  const b = floatTensor(golden, 'init.b');
  w.requiresGrad = true;
  b.requiresGrad = true;
  return { w, b };
}

function setGrads(w: Tensor, b: Tensor, step: number): void {
  w.grad = Float32Array.from(toFloat32(golden.get(`grad.${step}.w`)));
  b.grad = Float32Array.from(toFloat32(golden.get(`grad.${step}.b`)));
}

function expectParams(w: Tensor, b: Tensor, prefix: string, step: number): void {
  assertAllClose(w.data, toFloat32(golden.get(`${prefix}.${step}.w`)), PARAM_TOLERANCE, `${prefix} step ${step} w`, 1e-3);
  assertAllClose(b.data, toFloat32(golden.get(`${prefix}.${step}.b`)), PARAM_TOLERANCE, `${prefix} step ${step} b`, 1e-3);
}

for (const backendCase of backendCases()) {
  test(`AdamW matches torch.optim.AdamW with BERT's groups and with torch defaults (${backendCase.name})`, (t) => {
    if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
    withBackend(backendCase.backend!, () => {
      const bert = params();
      const bertGroups: ParamGroup[] = [
        { params: [bert.w], weightDecay: 0.01, names: ['w'] },
        { params: [bert.b], weightDecay: 0, names: ['b'] },
      ];
      const bertOptimizer = new AdamW(bertGroups, { lr: 1e-3, eps: 1e-6 });
      const plain = params();
      const plainOptimizer = new AdamW([{ params: [plain.w, plain.b], weightDecay: 0.01, names: ['w', 'b'] }], { lr: 1e-3 });
      for (let step = 1; step <= 5; step++) {
        setGrads(bert.w, bert.b, step);
        bertOptimizer.stepOnce();
        expectParams(bert.w, bert.b, 'adamw_bert', step);
        setGrads(plain.w, plain.b, step);
        plainOptimizer.stepOnce();
        expectParams(plain.w, plain.b, 'adamw_default', step);
      }
    });
  });

  test(`AdamW under linear warmup and decay matches torch's LambdaLR (${backendCase.name})`, (t) => {
    if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
    withBackend(backendCase.backend!, () => {
      const { w, b } = params();
      const optimizer = new AdamW([
        { params: [w], weightDecay: 0.01, names: ['w'] },
        { params: [b], weightDecay: 0, names: ['b'] },
      ], { lr: 1e-3, eps: 1e-6 });
      const lrs = golden.get('schedule.lr').data as Float64Array;
      for (let step = 1; step <= 10; step++) {
        optimizer.lr = 1e-3 * linearWarmupDecay(step - 1, 3, 10);
        assert.ok(Math.abs(optimizer.lr - lrs[step - 1]!) < 1e-12, `lr at step ${step}: ${optimizer.lr} vs ${lrs[step - 1]}`);
        setGrads(w, b, step);
        optimizer.stepOnce();
        expectParams(w, b, 'schedule', step);
      }
    });
  });
}

test('clipGradNorm matches torch.nn.utils.clip_grad_norm_ above and below the limit', () => {
  for (const prefix of ['clip', 'clip_small']) {
    const { w, b } = params();
    w.grad = Float32Array.from(toFloat32(golden.get(`${prefix}.before.w`)));
    b.grad = Float32Array.from(toFloat32(golden.get(`${prefix}.before.b`)));
    const norm = clipGradNorm([w, b], 1.0);
    const expectedNorm = floatTensor(golden, `${prefix}.total_norm`).item();
    assert.ok(Math.abs(norm - expectedNorm) / expectedNorm < 1e-6, `${prefix} norm ${norm} vs ${expectedNorm}`);
    assertAllClose(w.grad, toFloat32(golden.get(`${prefix}.after.w`)), 1e-6, `${prefix} w`, 1e-6);
    assertAllClose(b.grad, toFloat32(golden.get(`${prefix}.after.b`)), 1e-6, `${prefix} b`, 1e-6);
  }
});
