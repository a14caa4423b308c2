/**
 * Every op's hand-written backward against central finite differences, in float64 (see helpers/finite-diff.ts
 * for the step and tolerance). Sizes are small and odd so tails and broadcasting are exercised.
 */
import test from 'node:test';
import * as ops from '../../src/ops/index.js';
import { Rng } from '../../src/tensor/rng.js';
import assert from 'node:assert/strict';
import { backward, Tensor } from '../../src/tensor/tensor.js';
import { checkGradients, randomTensor } from '../helpers/finite-diff.js';

const rng = new Rng(1234);

test('linear backward matches central differences', () => {
  const x = randomTensor(rng, [2, 3, 5]);
  const w = randomTensor(rng, [4, 5]);
  const b = randomTensor(rng, [4]);
  checkGradients('linear', [x, w, b], ([x, w, b]) => ops.linear(x!, w!, b!));
  checkGradients('linear without bias', [x, w], ([x, w]) => ops.linear(x!, w!, null));
});

test('linearGelu (bias and GELU fused into the GEMM) backward matches central differences and equals gelu(linear)', () => {
  const x = randomTensor(rng, [2, 3, 5], 2);
  const w = randomTensor(rng, [4, 5]);
  const b = randomTensor(rng, [4]);
  checkGradients('linearGelu erf', [x, w, b], ([x, w, b]) => ops.linearGelu(x!, w!, b!));
  checkGradients('linearGelu tanh', [x, w, b], ([x, w, b]) => ops.linearGelu(x!, w!, b!, 'tanh'));
  checkGradients('linearGelu without bias', [x, w], ([x, w]) => ops.linearGelu(x!, w!, null));
  const fused = ops.linearGelu(x, w, b).data, composed = ops.gelu(ops.linear(x, w, b)).data;
  for (let i = 0; i < fused.length; i++) assert.ok(Math.abs(fused[i]! - composed[i]!) <= 1e-12, `element ${i}`);
});

test('matmul backward matches central differences for every transpose and a shared B', () => {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      const a = randomTensor(rng, transA ? [2, 4, 3] : [2, 3, 4]);
      const b = randomTensor(rng, transB ? [2, 5, 4] : [2, 4, 5]);
      checkGradients(`matmul transA=${transA} transB=${transB}`, [a, b], ([a, b]) => ops.matmul(a!, b!, { transA, transB }));
      const shared = randomTensor(rng, transB ? [5, 4] : [4, 5]);
      checkGradients(`matmul shared B transA=${transA} transB=${transB}`, [a, shared], ([a, b]) => ops.matmul(a!, b!, { transA, transB }));
    }
  }
});

test('add, scale and biasAdd backward match central differences', () => {
  const a = randomTensor(rng, [3, 7]);
  const b = randomTensor(rng, [3, 7]);
  const bias = randomTensor(rng, [7]);
  checkGradients('add', [a, b], ([a, b]) => ops.add(a!, b!));
  checkGradients('add of a tensor to itself', [a], ([a]) => ops.add(a!, a!));
  checkGradients('scale', [a], ([a]) => ops.scale(a!, -2.5));
  checkGradients('biasAdd', [a, bias], ([a, bias]) => ops.biasAdd(a!, bias!));
});

test('layerNorm (plain and with residual) backward matches central differences', () => {
  const x = randomTensor(rng, [4, 9]);
  const r = randomTensor(rng, [4, 9]);
  const gamma = randomTensor(rng, [9]);
  const beta = randomTensor(rng, [9]);
  checkGradients('layerNorm', [x, gamma, beta], ([x, g, b]) => ops.layerNorm(x!, g!, b!, 1e-12));
  checkGradients('layerNorm with residual', [x, gamma, beta, r], ([x, g, b, r]) => ops.layerNorm(x!, g!, b!, 1e-5, r!));
  checkGradients('layerNorm with x as its own residual', [x, gamma, beta], ([x, g, b]) => ops.layerNorm(x!, g!, b!, 1e-5, x!));
  // x's gradient already holds something when the LayerNorm's backward runs (x used twice).
  checkGradients('layerNorm whose input is used again', [x, gamma, beta, r], ([x, g, b, r]) => ops.add(ops.layerNorm(x!, g!, b!, 1e-5, r!), ops.scale(x!, 3)));
  checkGradients('layerNorm whose residual is used again', [x, gamma, beta, r], ([x, g, b, r]) => ops.add(ops.layerNorm(x!, g!, b!, 1e-5, r!), ops.scale(r!, 3)));
});

test('gelu (erf and tanh) and tanh backward match central differences', () => {
  const x = randomTensor(rng, [5, 7], 2);
  checkGradients('gelu erf', [x], ([x]) => ops.gelu(x!));
  checkGradients('gelu tanh', [x], ([x]) => ops.gelu(x!, 'tanh'));
  checkGradients('tanh', [x], ([x]) => ops.tanh(x!));
});

test('maskedSoftmax backward matches central differences with a padding mask', () => {
  const scores = randomTensor(rng, [2, 3, 4, 5]);
  const mask = new Tensor(Float64Array.from([0, 0, 0, -1e4, -1e4, 0, 0, 0, 0, 0]), [2, 5]);
  checkGradients('maskedSoftmax', [scores], ([s]) => ops.maskedSoftmax(s!, mask, 0.7));
});

test('attention backward matches central differences (3 heads, padding, dropout)', () => {
  const [batch, seq, hidden] = [2, 5, 6];
  const q = randomTensor(rng, [batch, seq, hidden]);
  const k = randomTensor(rng, [batch, seq, hidden]);
  const v = randomTensor(rng, [batch, seq, hidden]);
  const mask = new Tensor(Float64Array.from([0, 0, 0, 0, 0, 0, 0, 0, -1e4, -1e4]), [batch, seq]);
  checkGradients('attention', [q, k, v], ([q, k, v]) =>
    ops.attention(q!, k!, v!, { heads: 3, mask, dropoutProb: 0, training: false, rng }).context);
  // Dropout needs the same mask on every evaluation: reseed per call.
  checkGradients('attention with dropout', [q, k, v], ([q, k, v]) =>
    ops.attention(q!, k!, v!, { heads: 3, mask, dropoutProb: 0.3, training: true, rng: new Rng(5) }).context);
});

test('embedding, gatherRows, reshape and dropout backward match central differences', () => {
  const table = randomTensor(rng, [6, 4]);
  const ids = Tensor.fromArray([1, 3, 1, 0, 5], [5], 'int32');
  checkGradients('embedding', [table], ([t]) => ops.embedding(ids, t!));
  const x = randomTensor(rng, [2, 3, 4]);
  checkGradients('gatherRows', [x], ([x]) => ops.gatherRows(x!, Int32Array.from([0, 3, 3, 5])));
  checkGradients('reshape', [x], ([x]) => ops.reshape(x!, [6, 4]));
  checkGradients('dropout', [x], ([x]) => ops.dropout(x!, 0.4, true, new Rng(9)));
});

test('embedding gives the padding row no gradient (nn.Embedding padding_idx), other rows unchanged', () => {
  const table = randomTensor(rng, [6, 4]);
  const ids = Tensor.fromArray([1, 5, 1, 5, 2], [5], 'int32');
  const gradFor = (paddingIdx: number): Float64Array => {
    table.grad = null;
    const out = ops.embedding(ids, table, paddingIdx);
    backward(ops.crossEntropy(out, Tensor.fromArray([0, 1, 2, 3, 0], [5], 'int32')));
    return Float64Array.from(table.grad!);
  };
  const plain = gradFor(-1);
  const padded = gradFor(5);
  for (let i = 0; i < plain.length; i++) {
    const row = Math.floor(i / 4);
    assert.equal(padded[i], row === 5 ? 0 : plain[i], `element ${i} (row ${row})`);
  }
  assert.ok(plain.slice(20, 24).some((g) => g !== 0), 'without padding_idx the row gets a gradient');
});

test('crossEntropy and mseLoss backward match central differences', () => {
  const logits = randomTensor(rng, [5, 7]);
  const labels = Tensor.fromArray([2, -100, 6, 0, -100], [5], 'int32');
  checkGradients('crossEntropy', [logits], ([l]) => ops.crossEntropy(l!, labels));
  const predictions = randomTensor(rng, [4]);
  const targets = randomTensor(rng, [4]);
  targets.requiresGrad = false;
  checkGradients('mseLoss', [predictions], ([p]) => ops.mseLoss(p!, targets));
});

test('relu: max(0, x), NaN passes through, backward matches central differences', () => {
  const x = randomTensor(rng, [4, 7], 2);
  checkGradients('relu', [x], ([x]) => ops.relu(x!));
  assert.deepEqual([...ops.relu(Tensor.fromArray([-1.5, 0, 2.5, Number.NaN], [4])).data], [0, 0, 2.5, Number.NaN]);
});

test('bceWithLogits: the stable form of BCE, finite at ±100, backward matches central differences', () => {
  const logits = randomTensor(rng, [3, 5], 3);
  const targets = new Tensor(Float64Array.from({ length: 15 }, (_, i) => (i % 3) / 2), [3, 5]);
  checkGradients('bceWithLogits', [logits], ([l]) => ops.bceWithLogits(l!, targets));
  const naive = (x: number, y: number): number => -(y * Math.log(1 / (1 + Math.exp(-x))) + (1 - y) * Math.log(1 - 1 / (1 + Math.exp(-x))));
  const values = ops.bceWithLogits(Tensor.fromArray([0.3, -2], [2]), Tensor.fromArray([1, 0.25], [2])).item();
  assert.ok(Math.abs(values - (naive(0.3, 1) + naive(-2, 0.25)) / 2) < 1e-6);
  // log(1 + e^100) would overflow written naively; BCE(100, 0) = 100 and BCE(-100, 0) = e^-100 ≈ 0.
  assert.ok(Math.abs(ops.bceWithLogits(Tensor.fromArray([100, -100], [2]), Tensor.fromArray([0, 0], [2])).item() - 50) < 1e-4);
});
