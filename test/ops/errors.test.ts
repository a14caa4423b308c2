/** Bad input to an op is a typed error naming the op and the shapes — never a crash or silent garbage. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { DTypeError, ShapeError, ValueError } from '../../src/errors.js';
import * as ops from '../../src/ops/index.js';
import { Rng } from '../../src/tensor/rng.js';
import { backward, Tensor } from '../../src/tensor/tensor.js';

const f = (shape: number[]): Tensor => Tensor.zeros(shape);
const ids = (values: number[]): Tensor => Tensor.fromArray(values, [values.length], 'int32');

test('shape mismatches name the op and both shapes', () => {
  assert.throws(() => ops.matmul(f([2, 8, 32]), f([64, 16])), (e) => e instanceof ShapeError && e.message === 'matmul: inner sizes differ: a is [2, 8, 32], b is [64, 16]');
  assert.throws(() => ops.linear(f([3, 5]), f([4, 6]), null), (e) => e instanceof ShapeError && /linear: x is \[3, 5\] but weight is \[4, 6\]/.test(e.message));
  assert.throws(() => ops.linear(f([3, 5]), f([4, 5]), f([3])), (e) => e instanceof ShapeError && /bias is \[3\], expected \[4\]/.test(e.message));
  assert.throws(() => ops.add(f([2, 3]), f([3, 2])), (e) => e instanceof ShapeError && /add: shapes differ: \[2, 3\] and \[3, 2\]/.test(e.message));
  assert.throws(() => ops.layerNorm(f([2, 4]), f([3]), f([4]), 1e-12), (e) => e instanceof ShapeError && /layerNorm.*gamma is \[3\]/.test(e.message));
  assert.throws(() => ops.attention(f([1, 4, 6]), f([1, 4, 6]), f([1, 4, 6]), { heads: 4, mask: null, dropoutProb: 0, training: false, rng: new Rng(1) }),
    (e) => e instanceof ShapeError && /hidden size 6 is not divisible into 4 heads/.test(e.message));
  assert.throws(() => ops.crossEntropy(f([3, 5]), ids([1, 2])), (e) => e instanceof ShapeError && /3 rows but labels \[2\] have 2/.test(e.message));
  assert.throws(() => ops.reshape(f([2, 3]), [4, 2]), (e) => e instanceof ShapeError && /cannot view \[2, 3\] as \[4, 2\]/.test(e.message));
  assert.throws(() => new Tensor(new Float32Array(5), [2, 3]), ShapeError);
});

test('wrong dtypes are DTypeErrors', () => {
  assert.throws(() => ops.embedding(f([3]), f([10, 4])), (e) => e instanceof DTypeError && /embedding: expected an int32 tensor, got float32/.test(e.message));
  assert.throws(() => ops.gelu(ids([1, 2])), (e) => e instanceof DTypeError && /gelu: expected a float tensor/.test(e.message));
  assert.throws(() => ops.add(f([2]), new Tensor(new Float64Array(2), [2])), (e) => e instanceof DTypeError && /dtypes differ/.test(e.message));
});

test('values that would give garbage or NaN are ValueErrors', () => {
  assert.throws(() => ops.embedding(ids([1, 10]), f([10, 4])), (e) => e instanceof ValueError && /id 10 at position 1 is outside the table's 10 rows/.test(e.message));
  assert.throws(() => ops.embedding(ids([-1]), f([10, 4])), ValueError);
  assert.throws(() => ops.crossEntropy(f([2, 5]), ids([1, 5])), (e) => e instanceof ValueError && /label 5 at row 1 is outside \[0, 5\)/.test(e.message));
  assert.throws(() => ops.dropout(f([3]), 1, true, new Rng(1)), (e) => e instanceof ValueError && /\[0, 1\)/.test(e.message));
  assert.throws(() => ops.gatherRows(f([2, 3]), Int32Array.from([2])), ValueError);
  assert.throws(() => ops.scale(f([2]), NaN), /finite/);
});

test('backward refuses a non-scalar loss or one that needs no gradient', () => {
  assert.throws(() => backward(f([2])), (e) => e instanceof ShapeError && /single value/.test(e.message));
  assert.throws(() => backward(f([1])), (e) => e instanceof ShapeError && /does not depend/.test(e.message));
});
