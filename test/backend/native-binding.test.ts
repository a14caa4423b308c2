/**
 * The addon's guard rails: bad arguments throw JS errors (never a crash or an out-of-bounds access), the ISA and
 * thread controls work, and TSBERT_ISA / TSBERT_THREADS are honoured at start-up (checked in child processes,
 * since both are read once).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nativeOrReason } from './native-harness.js';

const LOADER = fileURLToPath(new URL('../../src/backend/native/load-native.js', import.meta.url));

function bindingOrSkip(t: test.TestContext) {
  const native = nativeOrReason();
  if ('reason' in native) {
    t.skip(native.reason);
    return undefined;
  }
  return native.binding;
}

test('gemm rejects arrays too short for the sizes, bad leading dimensions and wrong array types', (t) => {
  const binding = bindingOrSkip(t);
  if (binding === undefined) return;
  const a = new Float32Array(6), b = new Float32Array(6), c = new Float32Array(4);
  const call = (cc: Float32Array, aa: Float32Array, bb: Float32Array, lda = 3, batch = 1, strideA = 6) =>
    binding.gemm(cc, aa, bb, false, false, 2, 2, 3, lda, 2, 2, 1, 0, batch, strideA, 6, 4, null, 0, null);
  call(c, a, b); // the well-formed call works
  assert.throws(() => call(new Float32Array(3), a, b), /c has 3 elements, the sizes need 4/);
  assert.throws(() => call(c, new Float32Array(5), b), /a has 5 elements/);
  assert.throws(() => call(c, a, new Float32Array(5)), /b has 5 elements/);
  assert.throws(() => call(c, a, b, 2), /lda is smaller/);
  assert.throws(() => call(c, a, b, 3, 2), /a has 6 elements, the sizes need 12/);
  assert.throws(() => call(c, a.subarray(1), b), /a has 5 elements/);
  const wrong: unknown = new Float64Array(6);
  assert.throws(() => Reflect.apply(binding.gemm, binding, [c, wrong, b, false, false, 2, 2, 3, 3, 2, 2, 1, 0, 1, 0, 0, 0, null, 0, null]),
    /a must be a Float32Array/);
  assert.throws(() => Reflect.apply(binding.gemm, binding, [c, a, b]), /expected 20 arguments/);
  assert.throws(() => binding.gemm(c, a, b, false, false, -2, 2, 3, 3, 2, 2, 1, 0, 1, 0, 0, 0, null, 0, null), /m must be >= 0/);
  assert.throws(() => binding.gemm(c, a, b, false, false, 1.5, 2, 3, 3, 2, 2, 1, 0, 1, 0, 0, 0, null, 0, null), /m must be an integer/);
});

test('gemm checks its epilogue: bias and pre-activation lengths, the activation code, batch 1 and beta 0 only', (t) => {
  const binding = bindingOrSkip(t);
  if (binding === undefined) return;
  const a = new Float32Array(6), b = new Float32Array(6), c = new Float32Array(4);
  const call = (bias: Float32Array | null, activation: number, pre: Float32Array | null, beta = 0, batch = 1) =>
    binding.gemm(c, a, b, false, false, 2, 2, 3, 3, 2, 2, 1, beta, batch, 0, 0, 0, bias, activation, pre);
  call(new Float32Array(2), 1, new Float32Array(4)); // the well-formed call works
  assert.throws(() => call(new Float32Array(1), 0, null), /bias has 1 elements, the sizes need 2/);
  assert.throws(() => call(null, 1, new Float32Array(3)), /preActivation has 3 elements, the sizes need 4/);
  assert.throws(() => call(null, 3, null), /activation must be 0/);
  assert.throws(() => call(new Float32Array(2), 0, null, 1), /needs beta = 0/);
  assert.throws(() => call(new Float32Array(2), 0, null, 0, 2), /needs batch = 1/);
});

test('fused kernels reject short arrays, out-of-range ids and labels, and wrong array types', (t) => {
  const binding = bindingOrSkip(t);
  if (binding === undefined) return;
  const x = new Float32Array(12);
  assert.throws(() => binding.geluForward(new Float32Array(11), x, 12, false), /out has 11 elements/);
  assert.throws(() => binding.addBiasInPlace(x, new Float32Array(3), 3, 4), /bias has 3 elements/);
  assert.throws(() => binding.axpby(new Float32Array(11), x, 12, 1, 1), /y has 11 elements/);
  assert.throws(() => binding.multiplyAccumulate(x, x, new Float32Array(5), 12, 0), /b has 5 elements/);
  assert.throws(() => binding.sumOfSquares(new Float32Array(3), 4), /x has 3 elements/);
  assert.throws(() => binding.argmaxRows(new Int32Array(2), x, 3, 4), /out has 2 elements/);
  assert.throws(() => binding.argmaxRows(new Int32Array(3), x, 3, 0), /cols must be >= 1/);
  assert.throws(() => binding.layerNormForward(x, x, new Float32Array(2), new Float32Array(3), x, null,
    new Float32Array(4), new Float32Array(4), 3, 4, 1e-12), /mean has 2 elements/);
  assert.throws(() => binding.softmaxForward(x, x, new Float32Array(3), 1, 1, 3, 4, 1), /mask has 3 elements/);
  const table = new Float32Array(8); // 4 rows of 2
  assert.throws(() => binding.embeddingForward(new Float32Array(4), table, Int32Array.from([1, 4]), 2, 2), /ids\[1\] = 4/);
  assert.throws(() => binding.embeddingBackward(table, new Float32Array(4), Int32Array.from([-1, 0]), 2, 2, -1), /ids\[0\] = -1/);
  assert.throws(() => binding.crossEntropyForward(x, x, Int32Array.from([0, 4, 1]), 3, 4, -100), /labels\[1\] = 4/);
  const ints: unknown = new Int32Array(12);
  assert.throws(() => Reflect.apply(binding.tanhForward, binding, [x, ints, 12]), /x must be a Float32Array/);
  const floats: unknown = new Float32Array(2);
  assert.throws(() => Reflect.apply(binding.embeddingForward, binding, [new Float32Array(4), table, floats, 2, 2]),
    /ids must be an Int32Array/);
  // Ignored labels may be anything; a well-formed call still works after all the rejections.
  const probs = new Float32Array(12);
  const result = binding.crossEntropyForward(probs, x, Int32Array.from([0, -100, 3]), 3, 4, -100);
  assert.equal(result.count, 2);
  assert.ok(Math.abs(result.lossSum - 2 * Math.log(4)) < 1e-6);
});

test('setIsa switches among the supported ISAs and rejects the rest; setThreads round-trips', (t) => {
  const binding = bindingOrSkip(t);
  if (binding === undefined) return;
  const start = binding.getIsa();
  const supported = binding.supportedIsas().split(',');
  assert.ok(supported.includes('generic'));
  assert.equal(supported[0], start);
  for (const isa of supported) {
    binding.setIsa(isa);
    assert.equal(binding.getIsa(), isa);
  }
  assert.throws(() => binding.setIsa('sse9'), /not supported/);
  binding.setIsa(start);
  const threads = binding.getThreads();
  binding.setThreads(1);
  assert.equal(binding.getThreads(), 1);
  binding.setThreads(threads);
  assert.throws(() => binding.setThreads(0), /threads must be in/);
});

test('TSBERT_ISA and TSBERT_THREADS choose the start-up ISA and thread count', (t) => {
  const binding = bindingOrSkip(t);
  if (binding === undefined) return;
  const script = `import(${JSON.stringify(LOADER)}).then(({ loadNative }) => { const b = loadNative(); ` +
    'console.log(JSON.stringify({ isa: b.isa, threads: b.getThreads() })); })';
  for (const isa of binding.supportedIsas().split(',')) {
    const run = spawnSync(process.execPath, ['-e', script], {
      env: { ...process.env, TSBERT_ISA: isa, TSBERT_THREADS: '3' }, encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { isa, threads: 3 });
  }
  const best = binding.supportedIsas().split(',')[0];
  const unknown = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, TSBERT_ISA: 'sse9' }, encoding: 'utf8' });
  assert.equal(unknown.status, 0, unknown.stderr);
  const reported: unknown = JSON.parse(unknown.stdout);
  assert.deepEqual(reported, { isa: best, threads: binding.getThreads() });
  assert.match(unknown.stderr, /TSBERT_ISA=sse9 is not available/);
});
