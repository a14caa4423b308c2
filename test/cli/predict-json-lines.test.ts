/**
 * `tsbert predict`'s streaming path (src/cli/commands/predict-json-lines.ts) over a fake pipeline
 * (test/helpers/fake-batch-pipeline.ts): output lines in input order, batches as the length planner cuts them
 * (inference/length-batches.ts is the oracle), progress per window, blank lines skipped, options and the padding
 * mode passed through; a bad line names file and line and leaves --output as it was; stdout streams; peak RSS does
 * not grow with the input (2,000 vs 20,000 lines, child processes); Ctrl-C exits 130 leaving no file.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { predictJsonLines, type PredictionProgress } from '../../src/cli/commands/predict-json-lines.js';
import { DataError } from '../../src/errors.js';
import { planLengthBatches } from '../../src/inference/length-batches.js';
import { Rng } from '../../src/tensor/rng.js';
import { FakeBatchPipeline, type FakeResult } from '../helpers/fake-batch-pipeline.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'predict-child.js');
const work = mkdtempSync(join(tmpdir(), 'tsbert-predict-stream-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

/** `n` texts of 1–`maxWords` words (a few much longer), seeded; word i of text k is `w<k>.<i>`. */
function texts(n: number, seed: number, maxWords = 40): string[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, k) => {
    const words = 1 + rng.int(rng.random() < 0.03 ? maxWords * 10 : maxWords);
    return Array.from({ length: words }, (_, i) => `w${k}.${i}`).join(' ');
  });
}

function jsonlFile(name: string, lines: readonly string[]): string {
  const path = join(work, name);
  writeFileSync(path, lines.map((text) => `${JSON.stringify({ text })}\n`).join(''));
  return path;
}

const readResults = (path: string): FakeResult[] => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as FakeResult);

test('results in input order; batches are the planner\'s (window, count, padded budget); progress per window', async () => {
  const inputs = texts(300, 1);
  const input = jsonlFile('ordered.jsonl', inputs);
  const output = join(work, 'ordered.out.jsonl');
  const pipeline = new FakeBatchPipeline({ record: true });
  const plan = { window: 50, maxBatchSize: 8, tokenBudget: 100 };
  const progress: PredictionProgress[] = [];
  const done = await predictJsonLines(pipeline, { input, output, options: pipeline.checkOptions({ suffix: '!' }), plan, padding: 'max', onProgress: (p) => progress.push(p) });

  const results = readResults(output);
  assert.deepEqual(results.map((r) => r.text), inputs.map((t) => `${t}!`), 'input order, the option applied');
  const lengths = inputs.map((t) => t.split(' ').length);
  const expected = planLengthBatches(lengths, plan).map((batch) => batch.map((i) => lengths[i]!));
  assert.deepEqual(pipeline.batches, expected, 'the batches run are the planned ones, in order');
  for (const { batch } of results) {
    assert.ok(batch.size <= 8 && (batch.size === 1 || batch.size * batch.longest <= 100), JSON.stringify(batch));
    assert.equal(batch.padding, 'max', 'runBatch ran inside the padding scope');
  }
  assert.deepEqual(progress.map((p) => p.lines), [50, 100, 150, 200, 250, 300]);
  assert.equal(done.lines, 300);
  assert.equal(done.bytesRead, done.bytesTotal);
  assert.equal(done.bytesTotal, readFileSync(input).length);
});

test('blank lines are skipped; a file of only blank lines is an error naming it', async () => {
  const input = join(work, 'blanks.jsonl');
  writeFileSync(input, '\n{"text": "a b"}\n   \n{"text": "c"}\r\n\n');
  const output = join(work, 'blanks.out.jsonl');
  const pipeline = new FakeBatchPipeline();
  const plan = { window: 4, maxBatchSize: 4, tokenBudget: 100 };
  await predictJsonLines(pipeline, { input, output, options: pipeline.checkOptions({}), plan, padding: 'none' });
  assert.deepEqual(readResults(output).map((r) => [r.text, r.batch.padding]), [['a b', 'none'], ['c', 'none']]);
  const empty = join(work, 'empty.jsonl');
  writeFileSync(empty, '\n\n');
  await assert.rejects(predictJsonLines(pipeline, { input: empty, output: join(work, 'never.jsonl'), options: pipeline.checkOptions({}), plan, padding: 'none' }),
    (e: unknown) => e instanceof DataError && e.message.includes('empty.jsonl'));
  assert.ok(!existsSync(join(work, 'never.jsonl')));
});

test('a bad line (not JSON, a missing field) is one DataError naming file and line; --output keeps what it held', async () => {
  const output = join(work, 'kept.jsonl');
  writeFileSync(output, 'the previous predictions\n');
  const pipeline = new FakeBatchPipeline();
  const plan = { window: 2, maxBatchSize: 2, tokenBudget: 100 };
  const cases: Array<[string, RegExp]> = [
    ['{"text": "a"}\n{"text": "b"}\n{"text": oops}\n', /not-json\.jsonl:3: not JSON/],
    // Line 5 comes after two windows were written to the temporary file.
    ['{"text": "a"}\n{"text": "b"}\n{"text": "c"}\n\n{"txet": "d"}\n', /missing-field\.jsonl:5: "text": missing/],
    ['{"text": "a"}\n[1, 2]\n', /not-object\.jsonl:2: expected a JSON object/],
  ];
  for (const [text, pattern] of cases) {
    const name = pattern.source.split('\\.')[0]!;
    const input = join(work, `${name}.jsonl`);
    writeFileSync(input, text);
    await assert.rejects(predictJsonLines(pipeline, { input, output, options: pipeline.checkOptions({}), plan, padding: 'none' }),
      (e: unknown) => e instanceof DataError && pattern.test(e.message) && !e.message.includes('\n'));
    assert.equal(readFileSync(output, 'utf8'), 'the previous predictions\n');
  }
  assert.deepEqual(readdirSync(work).filter((name) => name.includes('.tmp-')), [], 'no temporary file left');
});

interface ChildRun { status: number | null; stdout: string; stderr: string }

function runChild(args: string[], onStderr?: (text: string, kill: () => void) => void, nodeFlags: string[] = []): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(stderr, () => child.kill('SIGINT'));
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const report = (run: ChildRun): { lines: number; maxRssKb: number } => JSON.parse(run.stderr.trim().split('\n').at(-1)!) as { lines: number; maxRssKb: number };

test('memory: peak RSS for 20,000 lines stays near that for 2,000 (one window in memory), output in input order', async () => {
  // Lines of ~2 KB (40+ MB of input): keeping the results alone adds > 50 MB of peak RSS (measured with a fake that
  // keeps them: +54 MB), streaming adds ~13 MB (the heap settling in).
  const big = texts(20_000, 2, 400);
  const runs: Array<{ lines: number; maxRssKb: number }> = [];
  for (const n of [2_000, 20_000]) {
    const input = jsonlFile(`memory-${n}.jsonl`, big.slice(0, n));
    const output = join(work, `memory-${n}.out.jsonl`);
    // V8 grows its young generation with the length of a run whatever is kept; fixing its size, and bounding the old
    // one (a run that kept everything fails for memory), leaves what the program holds.
    const run = await runChild([input, output], undefined, ['--max-semi-space-size=1', '--max-old-space-size=96']);
    assert.equal(run.status, 0, run.stderr);
    runs.push(report(run));
    assert.deepEqual(readResults(output).map((r) => r.text), big.slice(0, n));
  }
  const [small, large] = runs as [{ lines: number; maxRssKb: number }, { lines: number; maxRssKb: number }];
  assert.deepEqual([small.lines, large.lines], [2_000, 20_000]);
  const growthMb = (large.maxRssKb - small.maxRssKb) / 1024;
  assert.ok(growthMb < 30, `peak RSS ${small.maxRssKb} KB for 2,000 lines, ${large.maxRssKb} KB for 20,000 (+${growthMb.toFixed(1)} MB)`);
});

test('without --output the lines stream to stdout', async () => {
  const inputs = texts(600, 3);
  const run = await runChild([jsonlFile('stdout.jsonl', inputs), '-']);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.stdout.trim().split('\n').map((l) => (JSON.parse(l) as FakeResult).text), inputs);
});

test('Ctrl-C exits 130 and leaves neither the output nor a temporary file', async () => {
  const input = jsonlFile('interrupted.jsonl', texts(4_000, 4));
  const output = join(work, 'interrupted.out.jsonl');
  let killed = false;
  // 20 ms per batch: the run lasts seconds; interrupt after the first window is written.
  const run = await runChild([input, output, '20'], (stderr, kill) => {
    if (!killed && /progress \d+/.test(stderr)) {
      killed = true;
      kill();
    }
  });
  assert.equal(run.status, 130, run.stderr);
  assert.match(run.stderr, /aborted by SIGINT/);
  assert.ok(!existsSync(output));
  assert.deepEqual(readdirSync(work).filter((name) => name.includes('interrupted.out')), []);
});
