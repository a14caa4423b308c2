/**
 * scripts/build-native.mjs never fails an install: run from a scratch copy of the package layout (so the real
 * build/ and .native-build-error.txt are untouched), each way of not building exits 0 and records why.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../../scripts/build-native.mjs', import.meta.url));

function runInScratch(env: NodeJS.ProcessEnv): { status: number | null; recorded: string; stderr: string } {
  const root = mkdtempSync(join(tmpdir(), 'tsbert-build-native-'));
  try {
    mkdirSync(join(root, 'scripts'));
    copyFileSync(SCRIPT, join(root, 'scripts', 'build-native.mjs'));
    const run = spawnSync(process.execPath, [join(root, 'scripts', 'build-native.mjs')], { env, encoding: 'utf8' });
    return { status: run.status, recorded: readFileSync(join(root, '.native-build-error.txt'), 'utf8'), stderr: run.stderr };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('TSBERT_SKIP_NATIVE=1 skips the build, exits 0 and records why', () => {
  const result = runInScratch({ ...process.env, TSBERT_SKIP_NATIVE: '1' });
  assert.equal(result.status, 0);
  assert.match(result.recorded, /TSBERT_SKIP_NATIVE=1/);
  assert.match(result.stderr, /JS backend will be used/);
});

test('with no C++ compiler on PATH the build exits 0 and records the reason', () => {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: '/nonexistent' };
  delete env['CXX'];
  delete env['TSBERT_SKIP_NATIVE'];
  const result = runInScratch(env);
  assert.equal(result.status, 0);
  assert.match(result.recorded, /no C\+\+ compiler found/);
});

test('a failing node-gyp build (no binding.gyp here) exits 0 and records the error', () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['TSBERT_SKIP_NATIVE'];
  const result = runInScratch(env);
  assert.equal(result.status, 0);
  assert.ok(result.recorded.length > 0);
});
