/**
 * The kernel table is the contract: the addon exports exactly its addon kernels plus the controls, each glue
 * function takes as many arguments as its table row, both backends implement every row, and a dtype a backend
 * does not run — or arrays of two dtypes in one call — is a DTypeError naming the backend, kernel and argument,
 * never a silent fallback. Declared fallbacks (float64 through the graph kernels on native) give the JS results.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { BackendError, DTypeError } from '../../src/errors.js';
import type { Backend } from '../../src/backend/backend.js';
import { checkedNativeKernels } from '../../src/backend/checked-kernels.js';
import { jsBackend, jsKernels } from '../../src/backend/js/js-backend.js';
import { ADDON_KERNEL_NAMES, KERNEL_NAMES, KERNELS } from '../../src/backend/kernel-table.js';
import { BINDING_FUNCTIONS } from '../../src/backend/native/native-binding.js';
import { backendCases } from '../helpers/backends.js';
import { nativeOrReason } from './native-harness.js';

const isDTypeError = (pattern: RegExp) => (e: unknown) => e instanceof DTypeError && pattern.test(e.message);

test('the addon exports exactly the kernel table\'s addon kernels and the controls', (t) => {
  const native = nativeOrReason();
  if ('reason' in native) return t.skip(native.reason);
  const exported = Object.keys(native.binding).sort();
  assert.deepEqual(exported, [...BINDING_FUNCTIONS].sort());
  for (const name of ADDON_KERNEL_NAMES) assert.ok(exported.includes(name), name);
});

test('each addon kernel\'s glue expects as many arguments as its table row (gemm, bf16Gemm: GemmParams spread into 17)', (t) => {
  const native = nativeOrReason();
  if ('reason' in native) return t.skip(native.reason);
  for (const name of ADDON_KERNEL_NAMES) {
    const expected = name === 'gemm' || name === 'bf16Gemm' ? 20 : KERNELS[name].args.length;
    assert.throws(() => Reflect.apply(native.binding[name], native.binding, []),
      (e: unknown) => e instanceof TypeError && e.message.includes(`native ${name}: expected ${expected} arguments, got 0`), name);
  }
});

test('the table lists every kernel the JS backend implements, and both backends expose each as a function', () => {
  assert.deepEqual([...KERNEL_NAMES].sort(), Object.keys(jsKernels).sort());
  for (const { name, backend } of backendCases()) {
    if (backend === undefined) continue;
    for (const kernel of KERNEL_NAMES) assert.equal(typeof backend[kernel], 'function', `${name} ${kernel}`);
  }
});

test('native float64 runs the JS kernel only where the table declares it; elsewhere it is a DTypeError', (t) => {
  const native = nativeOrReason();
  if ('reason' in native) return t.skip(native.reason);
  const backend = native.backend;
  for (const name of KERNEL_NAMES) assert.equal(KERNELS[name].native.float32, 'addon', `${name} runs float32 in the addon`);
  // Declared: axpby is a graph kernel (float64 finite-difference checks run through it).
  const y = Float64Array.from([1, 2, 3]), x = Float64Array.from([0.5, 0.25, 0.125]);
  const want = Float64Array.from(y);
  jsBackend.axpby(want, x, 3, 2, 1);
  backend.axpby(y, x, 3, 2, 1);
  assert.deepEqual(y, want);
  // Undeclared: the optimizer and metric kernels run float32 only on native.
  const p = new Float64Array(4), m = new Float64Array(4), v = new Float64Array(4), g = Float64Array.from([1, 2, 3, 4]);
  assert.equal(Object.hasOwn(KERNELS.adamwStep.native, 'float64'), false, 'the table declares no float64 route for adamwStep');
  assert.throws(() => backend.adamwStep(p, m, v, g, 4, 1e-3, 0.9, 0.999, 1e-8, 0, 1, 1),
    isDTypeError(/^native adamwStep: float64 is not supported \(it runs float32; see backend\/kernel-table\.ts\)/));
  assert.throws(() => backend.sumOfSquares(g, 4), isDTypeError(/^native sumOfSquares: float64 is not supported/));
  assert.throws(() => backend.argmaxRows(new Int32Array(1), g, 1, 4), isDTypeError(/^native argmaxRows: float64/));
  assert.deepEqual([...p], [0, 0, 0, 0], 'nothing was written before the refusal');
  jsBackend.adamwStep(p, m, v, g, 4, 1e-3, 0.9, 0.999, 1e-8, 0, 1, 1);
  assert.ok(p.every((value) => value < 0), 'the JS backend runs float64 AdamW (its first step moves each weight by -lr)');
  assert.equal(jsBackend.sumOfSquares(g, 4), 30);
});

test('arrays of two dtypes in one call, or of a class no kernel reads, are DTypeErrors on every backend', async (t) => {
  for (const { name, backend, skip } of backendCases()) {
    await t.test(name, (t) => {
      if (backend === undefined) return t.skip(skip);
      const f32 = new Float32Array(4), f64 = new Float64Array(4);
      assert.throws(() => backend.axpby(f32, f64, 4, 1, 1), isDTypeError(new RegExp(`^${name} axpby: x is float64 but the call's other arrays are float32`)));
      assert.throws(() => backend.layerNormForward(f64, f64, f64, f64, f64, f32, f64, f64, 1, 4, 1e-12),
        isDTypeError(/layerNormForward: residual is float32/));
      const bias = new Float64Array(2);
      assert.throws(() => backend.gemm(f32, f32, f32, { transA: false, transB: false, m: 2, n: 2, k: 2, lda: 2, ldb: 2, ldc: 2,
        alpha: 1, beta: 0, batch: 1, strideA: 0, strideB: 0, strideC: 0, epilogue: { bias } }),
        isDTypeError(/gemm: p\.epilogue\.bias is float64 but the call's other arrays are float32/));
      const halves: unknown = new Uint16Array(4);
      assert.throws(() => Reflect.apply(backend.tanhForward, backend, [f32, halves, 4]),
        isDTypeError(new RegExp(`^${name} tanhForward: x must be a Float32Array or Float64Array, got Uint16Array`)));
      const floatIds: unknown = new Float32Array(2);
      assert.throws(() => Reflect.apply(backend.embeddingForward, backend, [new Float32Array(4), f32, floatIds, 2, 2]),
        isDTypeError(/embeddingForward: ids must be an Int32Array, got Float32Array/));
    });
  }
});

test('a kernel the table routes to the addon but the addon lacks fails when the backend is built', () => {
  const { tanhForward: _dropped, ...partial } = jsKernels;
  assert.throws(() => checkedNativeKernels(partial, jsKernels),
    (e: unknown) => e instanceof BackendError && /native tanhForward: the kernel table routes float32 to the addon, which lacks it/.test(e.message));
  const complete: Partial<Backend> = jsKernels;
  assert.equal(typeof checkedNativeKernels(complete, jsKernels).tanhForward, 'function');
});
