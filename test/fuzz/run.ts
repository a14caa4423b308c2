/**
 * `npm run fuzz -- [--seconds N] [--seed N] [--reader NAME[,NAME]]... [--workers N] [--timeout-ms N] [--findings DIR]`
 * fuzzes the file readers and prints a table per reader; it exits 1 when any input crashed or hung a reader (the
 * inputs are saved in the findings folder). `npm run fuzz -- --replay FILE --reader NAME` reads one saved input again
 * and prints what happened, with the stack. Docs: docs/fuzzing.md.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatCrashes, formatTable } from './report.js';
import { replayInput, runFuzz } from './pool.js';
import { TARGETS } from './targets/index.js';

const USAGE = `usage: npm run fuzz -- [--seconds N] [--seed N] [--reader NAME[,NAME]]... [--workers N] [--timeout-ms N] [--findings DIR]
       npm run fuzz -- --replay FILE --reader NAME
readers:
${TARGETS.map((t) => `  ${t.name.padEnd(20)}${t.summary}`).join('\n')}`;

function fail(message: string): never {
  process.stderr.write(`fuzz: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function integer(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}, got ${value}`);
  return n;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        seconds: { type: 'string' },
        seed: { type: 'string' },
        reader: { type: 'string', multiple: true },
        workers: { type: 'string' },
        'timeout-ms': { type: 'string' },
        findings: { type: 'string' },
        replay: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    fail((error as Error).message);
  }
  if (parsed.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const known = TARGETS.map((t) => t.name);
  const readers = (parsed.reader ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()).filter((r) => r !== '');
  for (const reader of readers) if (!known.includes(reader)) fail(`unknown reader "${reader}"`);
  const timeoutMs = integer(parsed['timeout-ms'], 'timeout-ms', 5000, 100);

  if (parsed.replay !== undefined) {
    if (readers.length !== 1) fail('--replay needs exactly one --reader');
    const result = await replayInput(readers[0] as string, resolve(parsed.replay), timeoutMs);
    process.stdout.write(`${readers[0]}: ${result.outcome}${result.reason === undefined ? '' : ` — ${result.reason}`}\n`);
    if (result.stack !== undefined) process.stdout.write(`${result.stack}\n`);
    return result.outcome === 'crash' || result.outcome === 'hang' ? 1 : 0;
  }

  const seconds = integer(parsed.seconds, 'seconds', 60, 1);
  const seed = integer(parsed.seed, 'seed', Math.floor(Math.random() * 2 ** 31), 0);
  const workers = integer(parsed.workers, 'workers', Math.max(1, Math.min(2, availableParallelism())), 1);
  const findingsDir = resolve(parsed.findings ?? 'fuzz-findings');
  const targets = readers.length > 0 ? known.filter((name) => readers.includes(name)) : known;
  process.stderr.write(`fuzz: ${targets.length} readers, ${seconds} s, seed ${seed}, ${workers} workers, ${timeoutMs} ms per input\n`);
  const report = await runFuzz({
    targets, seed, durationMs: seconds * 1000, workers, timeoutMs, findingsDir,
    log: (line) => process.stderr.write(`fuzz: ${line}\n`),
  });
  process.stdout.write(`${formatTable(report)}\n`);
  process.stdout.write(`${(report.elapsedMs / 1000).toFixed(1)} s, seed ${seed}\n`);
  if (report.crashes.size === 0) return 0;
  process.stdout.write(`\n${report.crashes.size} distinct crash${report.crashes.size === 1 ? '' : 'es'} (inputs in ${findingsDir}):\n${formatCrashes(report)}\n`);
  return 1;
}

// node --test runs every file under dist/test/ as a test; this one is a command, so it does nothing there.
if (process.env['NODE_TEST_CONTEXT'] === undefined) process.exitCode = await main();
