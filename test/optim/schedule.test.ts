/** The schedule object's decays at the points where their shapes are known exactly (transformers' definitions). */
import test from 'node:test';
import assert from 'node:assert/strict';
import { ValueError } from '../../src/errors.js';
import { LrSchedule, linearWarmupDecay } from '../../src/optim/schedule.js';

test('warmup rises linearly from 0 to the peak for every decay kind', () => {
  for (const decay of ['linear', 'cosine', 'constant'] as const) {
    const schedule = new LrSchedule(2e-3, 10, 110, decay);
    assert.equal(schedule.lr(0), 0);
    assert.equal(schedule.lr(5), 1e-3);
    assert.equal(schedule.lr(10), 2e-3, decay);
  }
});

test('linear falls to 0 at the last step; cosine is half a cycle (0.5 midway, 0 at the end); constant stays', () => {
  const linear = new LrSchedule(1, 10, 110, 'linear');
  const cosine = new LrSchedule(1, 10, 110, 'cosine');
  const constant = new LrSchedule(1, 10, 110, 'constant');
  assert.equal(linear.factor(60), 0.5);
  assert.equal(linear.factor(110), 0);
  assert.ok(Math.abs(cosine.factor(60) - 0.5) < 1e-15);
  assert.ok(Math.abs(cosine.factor(35) - (0.5 + 0.5 * Math.SQRT1_2)) < 1e-15, 'a quarter of the way: cos(π/4)');
  assert.ok(cosine.factor(110) < 1e-15 && cosine.factor(110) >= 0);
  assert.equal(constant.factor(60), 1);
  assert.equal(constant.factor(109), 1);
  // The number form is the linear schedule.
  for (const step of [0, 3, 10, 47, 109]) assert.equal(linearWarmupDecay(step, 10, 110), linear.factor(step));
});

test('bad schedules are typed errors', () => {
  assert.throws(() => new LrSchedule(1, 0, 0), ValueError);
  assert.throws(() => new LrSchedule(1, -1, 10), ValueError);
  assert.throws(() => new LrSchedule(1, 0, 10, 'step' as 'linear'), /decay must be one of linear, cosine, constant/);
});
