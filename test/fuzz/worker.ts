/**
 * A fuzz worker thread: builds its targets, then mutates, writes and reads inputs until its deadline or quotas
 * are met, counting outcomes in shared memory and saving crashing inputs. Started by the supervisor (pool.ts);
 * it does nothing when run as a script of its own (node --test runs every file under dist/test/).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Rng } from '../../src/tensor/rng.js';
import { installAllocationGuard, withAllocationLimit } from './allocation-guard.js';
import { classify, crashSignature, describeError } from './classify.js';
import { saveFinding } from './findings.js';
import { pick } from './random.js';
import { Status } from './status.js';
import type { FuzzTarget, TargetFactory } from './target.js';
import type { WorkerConfig, WorkerMessage } from './worker-protocol.js';

/** Readers may allocate this much plus a multiple of the input (a file read whole, a copy per tensor). */
const ALLOCATION_BASE = 64 * 2 ** 20;
const ALLOCATION_PER_INPUT_BYTE = 64;
/** Saved examples per crash signature and worker; the rest are only counted. */
const EXAMPLES_PER_SIGNATURE = 3;

interface Prepared {
  target: FuzzTarget;
  dir: string;
  input: string;
  /** Digest of each seed, by seed label. */
  baselines: Map<string, string>;
}

function send(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

async function prepare(config: WorkerConfig): Promise<Prepared[]> {
  const { TARGETS } = (await import(config.targetsModule)) as { TARGETS: readonly TargetFactory[] };
  const prepared: Prepared[] = [];
  for (const name of config.targets) {
    const factory = TARGETS.find((t) => t.name === name);
    if (factory === undefined) throw new Error(`no fuzz target "${name}"`);
    const scratch = join(config.workDir, 'scratch', name);
    mkdirSync(scratch, { recursive: true });
    const target = factory.create(scratch);
    const dir = join(config.workDir, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, bytes] of Object.entries(target.companions)) writeFileSync(join(dir, file), bytes);
    const input = join(dir, target.fileName);
    const baselines = new Map<string, string>();
    for (const seed of target.seeds) {
      writeFileSync(input, seed.bytes);
      try {
        baselines.set(seed.label, await target.read(input));
      } catch (error) {
        throw new Error(`fuzz target ${name}: seed ${seed.label} does not read: ${describeError(error)}`);
      }
    }
    prepared.push({ target, dir, input, baselines });
  }
  return prepared;
}

function limitFor(bytes: Uint8Array): number {
  return ALLOCATION_BASE + ALLOCATION_PER_INPUT_BYTE * bytes.length;
}

async function fuzz(config: WorkerConfig, prepared: Prepared[], status: Status): Promise<void> {
  const rng = new Rng(config.seed);
  const left = [...config.quotas];
  const examples = new Map<string, number>();
  let t = -1;
  while (Date.now() < config.deadline) {
    // Round-robin over the targets that still have inputs to try.
    let next = -1;
    for (let k = 1; k <= prepared.length; k++) {
      const candidate = (t + k) % prepared.length;
      if ((left[candidate] as number) > 0) {
        next = candidate;
        break;
      }
    }
    if (next < 0) break;
    t = next;
    left[t] = (left[t] as number) - 1;
    const { target, input, baselines } = prepared[t] as Prepared;
    const seed = pick(rng, target.seeds);
    const mutation = target.mutate(seed, rng);
    status.begin(t, input, mutation.description);
    writeFileSync(input, mutation.bytes);
    const started = performance.now();
    const outcome = await withAllocationLimit(limitFor(mutation.bytes), () => classify(target, input, new Set([baselines.get(seed.label) as string])));
    status.raiseTo(t, 'slowestMs', Math.ceil(performance.now() - started));
    if (outcome.kind !== 'crash') {
      status.add(t, outcome.kind, 1);
      continue;
    }
    status.add(t, 'crashes', 1);
    const signature = crashSignature(target.name, outcome.reason, outcome.error);
    const seen = examples.get(signature) ?? 0;
    examples.set(signature, seen + 1);
    const saved = seen < EXAMPLES_PER_SIGNATURE
      ? saveFinding(config.findingsDir, { target: target.name, kind: 'crash', reason: outcome.reason, signature, description: mutation.description, bytes: mutation.bytes, worker: config.id, error: outcome.error })
      : undefined;
    send({ type: 'crash', target: target.name, signature, reason: outcome.reason, ...(saved !== undefined ? { saved } : {}) });
  }
}

async function replay(config: WorkerConfig, prepared: Prepared[], status: Status): Promise<void> {
  const { target, input, baselines } = prepared[0] as Prepared;
  const bytes = new Uint8Array(readFileSync(config.replayFile as string));
  status.begin(0, input, `replay of ${config.replayFile}`);
  writeFileSync(input, bytes);
  const outcome = await withAllocationLimit(limitFor(bytes), () => classify(target, input, new Set(baselines.values())));
  if (outcome.kind === 'crash') {
    const stack = outcome.error instanceof Error ? outcome.error.stack : String(outcome.error);
    send({ type: 'replay', outcome: 'crash', reason: outcome.reason, ...(stack !== undefined ? { stack } : {}) });
  } else {
    send({ type: 'replay', outcome: outcome.kind });
  }
}

async function main(config: WorkerConfig): Promise<void> {
  installAllocationGuard();
  const status = new Status(config.status);
  const prepared = await prepare(config);
  status.markReady();
  if (config.mode === 'replay') await replay(config, prepared, status);
  else await fuzz(config, prepared, status);
  send({ type: 'done' });
}

if (!isMainThread) await main(workerData as WorkerConfig);
