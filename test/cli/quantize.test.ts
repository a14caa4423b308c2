/**
 * The int8 commands end to end (docs/quantization.md): `tsbert quantize` writes a folder that `predict` runs as is,
 * `bench forward --dtype int8` runs, and int8 where it does not belong is a one-line typed error, exit 1.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastJsonLine, runCli } from '../helpers/cli.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const TINY = join(ROOT, 'test', 'fixtures', 'reference', 'bert-tiny');
const SST = join(ROOT, 'test', 'fixtures', 'finetune', 'sst-tiny.jsonl');

test('quantize, predict on the quantized folder, and the errors of int8 where it does not belong', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-cli-int8-'));
  try {
    const quantized = join(dir, 'q');
    const made = await runCli(['quantize', '--model', TINY, '--output', quantized]);
    assert.equal(made.status, 0, made.stderr);
    const input = join(dir, 'texts.jsonl');
    writeFileSync(input, '{"text": "the [MASK] ran"}\n');
    const predicted = await runCli(['predict', '--task', 'fill-mask', '--model', quantized, '--input', input]);
    assert.equal(predicted.status, 0, predicted.stderr);
    assert.ok(Array.isArray(JSON.parse(predicted.stdout.trim().split('\n')[0]!)), 'one JSON line of candidates');

    const twice = await runCli(['predict', '--task', 'fill-mask', '--model', quantized, '--dtype', 'int8', '--input', input]);
    assert.equal(twice.status, 1);
    assert.match(twice.stderr, /^tsbert: ConfigError: .*already int8-quantized/m);
    const finetune = await runCli(['finetune', '--task', 'classification', '--model', quantized, '--train', SST, '--dev', SST,
      '--output', join(dir, 'ft'), '--epochs', '1']);
    assert.equal(finetune.status, 1);
    assert.match(finetune.stderr, /^tsbert: ConfigError: finetune: .*int8-quantized model/m);
    const badDtype = await runCli(['bench', 'forward', '--config', 'tiny', '--dtype', 'int4']);
    assert.equal(badDtype.status, 1);
    assert.match(badDtype.stderr, /--dtype must be one of fp32, int8, q8/);

    const bench = await runCli(['bench', 'forward', '--config', 'tiny', '--batch', '2', '--seq', '8', '--rounds', '1', '--dtype', 'q8', '--json']);
    assert.equal(bench.status, 0, bench.stderr);
    assert.equal(lastJsonLine(bench.stdout)['task'], 'forward-int8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
