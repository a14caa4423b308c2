/**
 * Grad mode and the active arena are scoped: restored when the scope's fn returns or throws, and refused for an
 * async fn (whose continuation would run outside the scope). Two models in one process — one evaluated under
 * noGrad with its own arena, one training with another — interleaved at awaits as two async jobs would be, get
 * exactly the numbers each gets alone, and each one's tensors come from its own arena.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { ValueError } from '../../src/errors.js';
import * as ops from '../../src/ops/index.js';
import { Arena, currentArena, withArena } from '../../src/tensor/arena.js';
import { Rng } from '../../src/tensor/rng.js';
import { backward, isGradEnabled, noGrad, Tensor, withGrad } from '../../src/tensor/tensor.js';

const STEPS = 4;
const LR = 0.1;

/** A two-layer regression model: tanh(x·w1ᵀ + b1)·w2ᵀ + b2, weights drawn from `seed`. */
function makeModel(seed: number): Tensor[] {
  const rng = new Rng(seed);
  const param = (shape: number[]): Tensor => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = 0.5 * rng.normal();
    return new Tensor(data, shape, true);
  };
  return [param([6, 5]), param([6]), param([2, 6]), param([2])];
}

function forward([w1, b1, w2, b2]: Tensor[], x: Tensor): Tensor {
  return ops.linear(ops.tanh(ops.linear(x, w1!, b1!)), w2!, b2!);
}

function batch(seed: number): { x: Tensor; y: Tensor } {
  const rng = new Rng(seed);
  const values = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  return { x: new Tensor(values(15), [3, 5]), y: new Tensor(values(6), [3, 2]) };
}

/** Evaluation: STEPS forwards under noGrad in `arena`; returns the outputs (copied) and checks no graph was kept. */
async function evaluate(model: Tensor[], arena: Arena): Promise<number[][]> {
  const outputs: number[][] = [];
  for (let step = 0; step < STEPS; step++) {
    arena.reset();
    const out = withArena(arena, () => noGrad(() => forward(model, batch(100 + step).x)));
    assert.equal(out.gradFn, null, 'evaluation records no graph');
    assert.equal(out.requiresGrad, false);
    outputs.push([...out.data]);
    await tick();
  }
  return outputs;
}

/** Training: STEPS SGD steps with the graph recorded, intermediates in `arena`; returns the losses. */
async function train(model: Tensor[], arena: Arena): Promise<number[]> {
  const losses: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    arena.reset();
    for (const p of model) p.grad = null;
    const loss = withArena(arena, () => {
      const { x, y } = batch(200 + step);
      const l = ops.mseLoss(forward(model, x), y);
      backward(l);
      return l.item();
    });
    for (const p of model) {
      const data = p.floats('sgd'), grad = p.grad!;
      for (let i = 0; i < data.length; i++) data[i] = data[i]! - LR * grad[i]!;
    }
    losses.push(loss);
    await tick();
  }
  return losses;
}

test('two models interleaved — one evaluating under noGrad, one training — each get the numbers they get alone', async () => {
  const aloneEval = await evaluate(makeModel(1), new Arena());
  const aloneTrain = await train(makeModel(2), new Arena());

  const evalArena = new Arena({ poisonOnReset: true }), trainArena = new Arena({ poisonOnReset: true });
  const evalModel = makeModel(1), trainModel = makeModel(2);
  const [together, losses] = await Promise.all([evaluate(evalModel, evalArena), train(trainModel, trainArena)]);
  assert.deepEqual(together, aloneEval, 'evaluation outputs are bit-identical to the evaluation run alone');
  assert.deepEqual(losses, aloneTrain, 'training losses are bit-identical to the training run alone');
  assert.ok(losses[STEPS - 1]! < losses[0]!, 'training lowered the loss');
  assert.ok(isGradEnabled() && currentArena() === null, 'both scopes closed');

  // Each model's tensors came from its own arena: recycling one arena poisons only that model's last tensors.
  const evalOut = withArena(evalArena, () => noGrad(() => forward(evalModel, batch(0).x)));
  const trainOut = withArena(trainArena, () => forward(trainModel, batch(0).x));
  evalArena.reset();
  assert.ok(evalOut.data.every(Number.isNaN), 'the evaluation output lived in the evaluation arena');
  assert.ok(trainOut.data.every(Number.isFinite), 'the training output did not');
  assert.ok(trainOut.gradFn !== null, 'the training forward recorded its graph');
  for (const p of [...evalModel, ...trainModel]) assert.ok(p.floats('check').every(Number.isFinite), 'parameters live outside arenas');
});

test('grad mode and the arena are restored when the scope throws, and nest', () => {
  const arena = new Arena();
  assert.throws(() => withArena(arena, () => noGrad(() => {
    assert.equal(currentArena(), arena);
    assert.equal(isGradEnabled(), false);
    assert.equal(withGrad(() => isGradEnabled()), true, 'withGrad records inside noGrad');
    assert.equal(isGradEnabled(), false, 'and restores noGrad after');
    assert.equal(withArena(null, () => currentArena()), null, 'an inner scope may switch the arena off');
    throw new Error('boom');
  })), /boom/);
  assert.equal(isGradEnabled(), true);
  assert.equal(currentArena(), null);
});

test('an async fn is refused: the scope would end at its first await', async () => {
  let inside: boolean | undefined;
  assert.throws(() => noGrad(async () => {
    await tick();
    inside = isGradEnabled();
  }), (e: unknown) => e instanceof ValueError && /^noGrad: fn returned a Promise/.test(e.message));
  assert.throws(() => withArena(new Arena(), () => Promise.resolve(1)), (e: unknown) => e instanceof ValueError && /^withArena:/.test(e.message));
  assert.equal(isGradEnabled(), true);
  await tick();
  await tick();
  assert.equal(inside, true, 'what ran after the await was indeed outside the scope — hence the refusal');
});
