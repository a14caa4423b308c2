/**
 * `npm test`'s share of the fuzzing (the long runs are `npm run fuzz`): every reader gets a fixed number of mutants
 * from a fixed seed, so the run is the same each time, and none may crash or hang. The mutators must also reach
 * both sides of each reader: some mutants read, some are rejected.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/tensor/rng.js';
import { runFuzz } from './pool.js';
import { formatCrashes, formatTable } from './report.js';
import { TARGETS } from './targets/index.js';

const INPUTS_PER_READER = 100;

test(`every reader reads or rejects ${INPUTS_PER_READER} fixed-seed mutants without a crash or hang`, async () => {
  const findings = mkdtempSync(join(tmpdir(), 'tsbert-fuzz-findings-'));
  try {
    // A generous per-input limit: this checks for real hangs, not for a slow machine.
    const report = await runFuzz({ targets: TARGETS.map((t) => t.name), seed: 20_240_901, inputsPerTarget: INPUTS_PER_READER, workers: 2, timeoutMs: 30_000, findingsDir: findings });
    const table = formatTable(report);
    assert.equal(report.crashes.size, 0, `${table}\n${formatCrashes(report)}`);
    for (const [name, stats] of report.stats) {
      assert.equal(stats.inputs, INPUTS_PER_READER, `${name}\n${table}`);
      assert.equal(stats.crashes + stats.hangs, 0, `${name}\n${table}`);
      assert.ok(stats.rejected > 0 && stats.identical + stats.changed > 0, `${name} reaches both outcomes\n${table}`);
    }
  } finally {
    rmSync(findings, { recursive: true, force: true });
  }
});

test('mutants are reproducible from the seed', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'tsbert-fuzz-scratch-'));
  try {
    for (const factory of TARGETS) {
      mkdirSync(join(scratch, factory.name));
      const target = factory.create(join(scratch, factory.name));
      const draw = (): string[] => {
        const rng = new Rng(7);
        return Array.from({ length: 20 }, () => {
          const mutation = target.mutate(target.seeds[rng.int(target.seeds.length)]!, rng);
          return `${mutation.description} ${createHash('sha1').update(mutation.bytes).digest('hex')}`;
        });
      };
      assert.deepEqual(draw(), draw(), factory.name);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
