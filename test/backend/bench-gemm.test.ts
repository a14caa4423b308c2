/**
 * `tsbert bench gemm`: prints one JSON object with the keys the side-by-side script joins on, and refuses to time
 * a kernel whose result disagrees with the JS reference.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { GemmParams } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/js/js-backend.js';
import { checkGemm } from '../../src/cli/commands/bench.js';
import { BackendError } from '../../src/errors.js';
import { nativeOrReason } from './native-harness.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function bench(args: string[]): Record<string, unknown> {
  const run = spawnSync(process.execPath, [CLI, 'bench', 'gemm', ...args, '--seconds', '0.02', '--json'], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `one JSON object expected, got: ${run.stdout}`);
  const parsed: unknown = JSON.parse(lines[0]!);
  assert.ok(typeof parsed === 'object' && parsed !== null);
  return Object.fromEntries(Object.entries(parsed));
}

test('bench gemm prints one JSON object with backend, isa, threads, sizes and gflops', () => {
  const native = nativeOrReason();
  const result = bench(['--m', '33', '--k', '17', '--n', '65', '--trans-b']);
  for (const key of ['bench', 'backend', 'isa', 'threads', 'm', 'k', 'n', 'transB', 'gflops', 'check_rel_error']) {
    assert.ok(key in result, `missing ${key}`);
  }
  const expected = process.env['TSBERT_BACKEND'] === 'js' || 'reason' in native ? 'js' : 'native';
  assert.equal(result['backend'], expected);
  assert.deepEqual([result['m'], result['k'], result['n'], result['transB']], [33, 17, 65, true]);
  assert.ok(typeof result['gflops'] === 'number' && result['gflops'] > 0);
  const js = bench(['--m', '5', '--k', '6', '--n', '7', '--backend', 'js']);
  assert.deepEqual([js['backend'], js['isa'], js['threads']], ['js', 'js', 1]);
});

test('bench gemm --attention times heads strided products and names them', (t) => {
  if ('reason' in nativeOrReason()) {
    t.skip('native addon unavailable (the JS run is covered above)');
    return;
  }
  const result = bench(['--m', '16', '--k', '8', '--n', '16', '--attention', '--heads', '3']);
  assert.deepEqual([result['bench'], result['batch'], result['transB']], ['gemm-attention', 3, true]);
});

test('the pre-timing check throws BackendError on a wrong result', () => {
  const m = 30, n = 5, k = 4;
  const a = Float32Array.from({ length: m * k }, (_, i) => (i % 7) - 3);
  const b = Float32Array.from({ length: k * n }, (_, i) => (i % 5) - 2);
  const p: GemmParams = {
    transA: false, transB: false, m, n, k, lda: k, ldb: n, ldc: n, alpha: 1, beta: 0, batch: 1,
    strideA: 0, strideB: 0, strideC: 0,
  };
  const c = new Float32Array(m * n);
  jsBackend.gemm(c, a, b, p);
  assert.equal(checkGemm(c, a, b, p).error, 0);
  c[(m - 1) * n + 2] = c[(m - 1) * n + 2]! + 100; // the last row is always among the sampled ones
  assert.throws(() => checkGemm(c, a, b, p), BackendError);
});
