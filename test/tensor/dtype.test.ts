/**
 * Tensors carry their dtype: the descriptor table agrees with the arrays it names, data must match the stated
 * dtype, Uint16Array and Int8Array data need the dtype stated, int8 needs fitting scales, and an op given a dtype it
 * does not compute in throws a DTypeError naming the op and the dtype.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { DTypeError } from '../../src/errors.js';
import { toFloat32 } from '../../src/io/tensor-conversions.js';
import * as ops from '../../src/ops/index.js';
import { Arena } from '../../src/tensor/arena.js';
import { DTYPES, isDType, type DType } from '../../src/tensor/dtype.js';
import { Tensor } from '../../src/tensor/tensor.js';

const isDTypeError = (pattern: RegExp) => (e: unknown) => e instanceof DTypeError && pattern.test(e.message);

test('the dtype table: each entry is named by its key and its bytes are its array element size', () => {
  for (const [key, info] of Object.entries(DTYPES)) {
    assert.equal(info.name, key);
    assert.equal(info.bytes, new info.array(1).BYTES_PER_ELEMENT, key);
    assert.equal(info.computable, key === 'float32' || key === 'float64', `${key}: only the ComputeDTypes compute`);
    assert.equal(info.quantized, key === 'int8', key);
  }
  assert.ok(isDType('bfloat16') && !isDType('float8') && !isDType('toString'));
});

test('a recycled buffer poisons to a NaN of its dtype (the 16-bit patterns decode as NaN) or an invalid integer', () => {
  const arena = new Arena({ poisonOnReset: true });
  const bf16 = arena.allocate('bfloat16', 3, true), f16 = arena.allocate('float16', 3, true), i8 = arena.allocate('int8', 3, true);
  arena.reset();
  assert.ok(toFloat32({ dtype: 'BF16', shape: [3], data: bf16 }).every(Number.isNaN), 'bfloat16 poison decodes as NaN');
  assert.ok(toFloat32({ dtype: 'F16', shape: [3], data: f16 }).every(Number.isNaN), 'float16 poison decodes as NaN');
  assert.deepEqual([...i8], [-128, -128, -128]);
});

test('the dtype is inferred only from Float32Array, Float64Array and Int32Array; Uint16Array and Int8Array must state it', () => {
  assert.equal(new Tensor(new Float32Array(2), [2]).dtype, 'float32');
  assert.equal(new Tensor(new Float64Array(2), [2]).dtype, 'float64');
  assert.equal(new Tensor(new Int32Array(2), [2]).dtype, 'int32');
  assert.throws(() => new Tensor(new Uint16Array(2), [2]), isDTypeError(/Tensor: Uint16Array data may hold several dtypes.*state the dtype/));
  assert.throws(() => new Tensor(new Int8Array(2), [2]), isDTypeError(/Tensor: Int8Array data may hold several dtypes/));
  for (const dtype of ['bfloat16', 'float16'] as const) {
    const t = new Tensor(new Uint16Array(6), [2, 3], { dtype });
    assert.equal(t.dtype, dtype);
    assert.equal(t.scales, null);
  }
});

test('data that does not match the stated dtype is a DTypeError naming both', () => {
  const cases: [DType, Float32Array | Float64Array | Int32Array | Uint16Array, RegExp][] = [
    ['float32', new Float64Array(2), /float32 data must be Float32Array, got Float64Array/],
    ['int32', new Float32Array(2), /int32 data must be Int32Array, got Float32Array/],
    ['bfloat16', new Float32Array(2), /bfloat16 data must be Uint16Array, got Float32Array/],
    ['int8', new Uint16Array(2), /int8 data must be Int8Array, got Uint16Array/],
  ];
  for (const [dtype, data, pattern] of cases) assert.throws(() => new Tensor(data, [2], { dtype }), isDTypeError(pattern), dtype);
  const unknown: unknown = 'float8';
  assert.throws(() => Reflect.construct(Tensor, [new Float32Array(1), [1], { dtype: unknown }]), isDTypeError(/unknown dtype "float8"/));
});

test('int8 carries per-tensor or per-channel scales that fit its shape; other dtypes take none', () => {
  const data = Int8Array.from([1, -2, 3, -4, 5, -6]);
  const perTensor = new Tensor(data, [2, 3], { dtype: 'int8', scales: { values: Float32Array.from([0.5]), axis: null } });
  assert.equal(perTensor.scales?.values[0], 0.5);
  const perRow = new Tensor(data, [2, 3], { dtype: 'int8', scales: { values: Float32Array.from([0.5, 0.25]), axis: 0 } });
  assert.equal(perRow.scales?.axis, 0);
  assert.throws(() => new Tensor(data, [2, 3], { dtype: 'int8' }), isDTypeError(/int8 needs its scales/));
  assert.throws(() => new Tensor(data, [2, 3], { dtype: 'int8', scales: { values: new Float32Array(2), axis: 1 } }),
    isDTypeError(/axis 1 has 3 channels but there are 2 scales/));
  assert.throws(() => new Tensor(data, [2, 3], { dtype: 'int8', scales: { values: new Float32Array(2), axis: null } }),
    isDTypeError(/per-tensor scales hold 1 value, got 2/));
  assert.throws(() => new Tensor(data, [2, 3], { dtype: 'int8', scales: { values: new Float32Array(2), axis: 2 } }),
    isDTypeError(/scale axis 2 is outside a tensor of 2 dimensions/));
  assert.throws(() => new Tensor(new Float32Array(1), [1], { scales: { values: new Float32Array(1), axis: null } }),
    isDTypeError(/float32 takes no scales/));
});

test('only float32 and float64 tensors may require a gradient', () => {
  assert.ok(new Tensor(new Float64Array(1), [1], true).requiresGrad);
  assert.throws(() => new Tensor(new Int32Array(1), [1], true), isDTypeError(/int32 tensors cannot require a gradient/));
  assert.throws(() => new Tensor(new Uint16Array(1), [1], { dtype: 'bfloat16', requiresGrad: true }),
    isDTypeError(/bfloat16 tensors cannot require a gradient/));
});

test('an op given a dtype it does not compute in throws a DTypeError naming the op and the dtype', () => {
  const bf16 = new Tensor(new Uint16Array(6), [2, 3], { dtype: 'bfloat16' });
  const f16 = new Tensor(new Uint16Array(6), [2, 3], { dtype: 'float16' });
  const q = new Tensor(new Int8Array(6), [2, 3], { dtype: 'int8', scales: { values: Float32Array.from([1]), axis: null } });
  const w = new Tensor(new Float32Array(12), [4, 3]);
  assert.throws(() => ops.gelu(bf16), isDTypeError(/^gelu: expected a float tensor, got bfloat16 \[2, 3\] \(a storage type/));
  assert.throws(() => ops.tanh(f16), isDTypeError(/^tanh: expected a float tensor, got float16 \[2, 3\]/));
  assert.throws(() => ops.linear(q, w, null), isDTypeError(/^linear: .*int8/));
  assert.throws(() => ops.matmul(bf16, bf16, { transB: true }), isDTypeError(/^matmul: expected a float tensor, got bfloat16/));
  assert.throws(() => ops.embedding(bf16, w), isDTypeError(/^embedding: expected an int32 tensor, got bfloat16/));
  assert.throws(() => Tensor.zeros([2], 'int8'), isDTypeError(/int8 needs its scales/));
  assert.equal(Tensor.fromArray([0x3f80], [1], 'bfloat16').data[0], 0x3f80, 'fromArray keeps a storage dtype\'s bits');
});
