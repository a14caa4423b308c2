/**
 * The fuzz harness's own checks, on targets that misbehave on purpose (self-test-targets.ts): a TypeError and an
 * 8 GiB allocation are crashes, a proper CheckpointError is a rejection, a reader that never returns is a hang the
 * supervisor stops and restarts from; each bad input is saved and replays to the same verdict.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayInput, runFuzz } from './pool.js';

const SELF_TEST = new URL('./self-test-targets.js', import.meta.url).href;

test('crashes, unbounded allocations and hangs are caught, counted and saved; rejections and reads are not', async () => {
  const findings = mkdtempSync(join(tmpdir(), 'tsbert-fuzz-findings-'));
  try {
    const report = await runFuzz({
      targets: ['reads', 'rejects', 'throws', 'allocates', 'hangs'],
      seed: 1, inputsPerTarget: 2, workers: 1, timeoutMs: 500, findingsDir: findings, targetsModule: SELF_TEST,
    });
    const stats = (name: string): Record<string, number> => report.stats.get(name) as Record<string, number>;
    assert.deepEqual([stats('reads')['inputs'], stats('reads')['identical'], stats('reads')['crashes']], [2, 2, 0]);
    assert.deepEqual([stats('rejects')['rejected'], stats('rejects')['crashes']], [2, 0]);
    assert.equal(stats('throws')['crashes'], 2);
    assert.equal(stats('allocates')['crashes'], 2);
    // Each hang stops the worker; a new one takes the remaining input.
    assert.deepEqual([stats('hangs')['inputs'], stats('hangs')['hangs']], [2, 2]);
    const reasons = [...report.crashes.values()].map((c) => `${c.target}: ${c.reason}`).join('\n');
    assert.match(reasons, /throws: untyped error: TypeError: cannot read properties of undefined/);
    assert.match(reasons, /allocates: unbounded allocation: new Uint8Array\(8589934592\)/);
    assert.match(reasons, /hangs: hang: no result after 500 ms/);

    const saved = readdirSync(findings).filter((f) => f.endsWith('.bin'));
    for (const name of ['throws', 'allocates', 'hangs']) assert.ok(saved.some((f) => f.startsWith(`${name}-`)), `a saved ${name} input`);
    const hang = saved.find((f) => f.startsWith('hangs-')) as string;
    const record = JSON.parse(readFileSync(join(findings, hang.replace(/\.bin$/, '.json')), 'utf8')) as { input: string; replay: string };
    assert.equal(record.input, 'zero: byte 0 = 1');
    assert.match(record.replay, /--replay .*hangs-.*\.bin --reader hangs/);

    const throws = join(findings, saved.find((f) => f.startsWith('throws-')) as string);
    assert.ok(existsSync(throws));
    const replay = await replayInput('throws', throws, 1000, SELF_TEST);
    assert.equal(replay.outcome, 'crash');
    assert.match(replay.stack ?? '', /TypeError: cannot read properties of undefined/);
    assert.equal((await replayInput('hangs', join(findings, hang), 300, SELF_TEST)).outcome, 'hang');
  } finally {
    rmSync(findings, { recursive: true, force: true });
  }
});
