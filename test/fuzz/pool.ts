/**
 * The supervisor: starts fuzz workers (worker threads with memory limits), watches their heartbeats, terminates
 * a worker whose input runs past the per-input time limit and saves that input as a hang, treats a worker that
 * dies (out of memory, say) as a crash of its current input, restarts workers until the time or the input quotas
 * are used up, and sums the counts every worker left in shared memory.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { saveFinding } from './findings.js';
import { COUNTERS, newStatusBuffers, Status, type Counter } from './status.js';
import type { WorkerConfig, WorkerMessage } from './worker-protocol.js';

export const DEFAULT_TARGETS_MODULE = new URL('./targets/index.js', import.meta.url).href;
const WORKER_SCRIPT = new URL('./worker.js', import.meta.url);
/** Building seeds takes well under a second; this only bounds a worker that never gets going. */
const STARTUP_LIMIT_MS = 120_000;
const POLL_MS = 50;
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 64, stackSizeMb: 4 };

export interface FuzzOptions {
  targets: string[];
  seed: number;
  /** Stop after this long (ms) ... */
  durationMs?: number;
  /** ... or after this many inputs per target, split over the workers (deterministic for a given seed). */
  inputsPerTarget?: number;
  workers: number;
  timeoutMs: number;
  findingsDir: string;
  targetsModule?: string;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

export type TargetStats = Record<Counter | 'hangs', number>;

export interface CrashSummary {
  target: string;
  reason: string;
  count: number;
  saved: string[];
}

export interface FuzzReport {
  stats: Map<string, TargetStats>;
  crashes: Map<string, CrashSummary>;
  elapsedMs: number;
}

/** A place for the workers' input files: memory-backed where available, since every input is written. */
function scratchRoot(): string {
  try {
    return mkdtempSync('/dev/shm/tsbert-fuzz-');
  } catch {
    return mkdtempSync(join(tmpdir(), 'tsbert-fuzz-'));
  }
}

function emptyStats(): TargetStats {
  return { inputs: 0, identical: 0, changed: 0, rejected: 0, crashes: 0, slowestMs: 0, hangs: 0 };
}

/** Splits `total` inputs over `workers` so that worker k gets its share (the first ones one more). */
function share(total: number, workers: number, k: number): number {
  return Math.floor(total / workers) + (k < total % workers ? 1 : 0);
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const deadline = options.durationMs === undefined ? Infinity : started + options.durationMs;
  const root = scratchRoot();
  const stats = new Map(options.targets.map((name) => [name, emptyStats()]));
  const crashes = new Map<string, CrashSummary>();
  const log = options.log ?? ((): void => {});
  try {
    const slots = Array.from({ length: options.workers }, (_, k) => k);
    await Promise.all(slots.map(async (k) => {
      let quotas = options.targets.map(() => (options.inputsPerTarget === undefined ? Infinity : share(options.inputsPerTarget, options.workers, k)));
      for (let generation = 0; ; generation++) {
        if (Date.now() >= deadline || quotas.every((q) => q <= 0)) return;
        const run = await runWorker({
          mode: 'fuzz',
          targets: options.targets,
          targetsModule: options.targetsModule ?? DEFAULT_TARGETS_MODULE,
          // A fresh stream per worker and per restart, all fixed by the run's seed.
          seed: (options.seed * 1_000_003 + k * 7919 + generation * 104_729) >>> 0,
          id: k,
          deadline,
          quotas,
          workDir: join(root, `w${k}-${generation}`),
          findingsDir: options.findingsDir,
          status: newStatusBuffers(options.targets.length),
        }, options.timeoutMs, (message) => recordCrash(crashes, message));
        options.targets.forEach((name, t) => {
          const total = stats.get(name) as TargetStats;
          for (const counter of COUNTERS) {
            const value = run.status.count(t, counter);
            total[counter] = counter === 'slowestMs' ? Math.max(total[counter], value) : total[counter] + value;
          }
        });
        quotas = quotas.map((q, t) => q - run.status.count(t, 'inputs'));
        if (run.stopped === undefined) return;
        // The worker was stopped on an input: that input is a hang or a crash, and the worker starts afresh.
        const t = run.status.currentTarget;
        const name = options.targets[t] as string;
        const total = stats.get(name) as TargetStats;
        if (run.stopped.kind === 'hang') total.hangs += 1;
        else total.crashes += 1;
        const reason = run.stopped.reason;
        const signature = `${name} | ${run.stopped.kind} | ${reason.replace(/\d+/g, '#')}`;
        const saved = saveStoppedInput(options.findingsDir, run.config, name, run.stopped.kind, reason, signature, run.status);
        log(`${run.stopped.kind} in ${name}: ${reason}${saved === undefined ? '' : ` (saved ${saved})`}`);
        recordCrash(crashes, { type: 'crash', target: name, signature, reason: `${run.stopped.kind}: ${reason}`, ...(saved !== undefined ? { saved } : {}) });
      }
    }));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return { stats, crashes, elapsedMs: Date.now() - started };
}

export interface ReplayResult {
  outcome: string;
  reason?: string;
  stack?: string;
}

/** Reads one saved input with one target, under the same time and allocation limits as a fuzz run. */
export async function replayInput(target: string, file: string, timeoutMs: number, targetsModule = DEFAULT_TARGETS_MODULE): Promise<ReplayResult> {
  const root = scratchRoot();
  try {
    const run = await runWorker({
      mode: 'replay', targets: [target], targetsModule, seed: 0, id: 0, deadline: Infinity, quotas: [1], workDir: root,
      findingsDir: root, status: newStatusBuffers(1), replayFile: file,
    }, timeoutMs, () => {});
    if (run.stopped !== undefined) return { outcome: run.stopped.kind, reason: run.stopped.reason };
    if (run.replay?.type !== 'replay') return { outcome: 'crash', reason: 'the worker ended without a result' };
    const { outcome, reason, stack } = run.replay;
    return { outcome, ...(reason !== undefined ? { reason } : {}), ...(stack !== undefined ? { stack } : {}) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function recordCrash(crashes: Map<string, CrashSummary>, message: WorkerMessage): void {
  if (message.type !== 'crash') return;
  const summary = crashes.get(message.signature) ?? { target: message.target, reason: message.reason, count: 0, saved: [] };
  summary.count += 1;
  if (message.saved !== undefined) summary.saved.push(message.saved);
  crashes.set(message.signature, summary);
}

function saveStoppedInput(findingsDir: string, config: WorkerConfig, target: string, kind: 'hang' | 'crash', reason: string, signature: string, status: Status): string | undefined {
  const { path, description } = status.current;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch {
    return undefined;
  }
  return saveFinding(findingsDir, { target, kind, reason, signature, description, bytes, worker: config.id });
}

interface WorkerRun {
  config: WorkerConfig;
  status: Status;
  /** Set when the supervisor had to stop the worker mid-input. */
  stopped?: { kind: 'hang' | 'crash'; reason: string };
  replay?: WorkerMessage;
}

/** Runs one worker to its end; resolves with its status, and why it was stopped if it did not finish. */
function runWorker(config: WorkerConfig, timeoutMs: number, onMessage: (message: WorkerMessage) => void): Promise<WorkerRun> {
  const status = new Status(config.status);
  const run: WorkerRun = { config, status };
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SCRIPT, { workerData: config, resourceLimits: RESOURCE_LIMITS });
    const startedAt = Date.now();
    let lastBeat = -1;
    let lastBeatAt = Date.now();
    let settled = false;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      if (error !== undefined) reject(error);
      else resolve(run);
    };
    const timer = setInterval(() => {
      if (!status.ready) {
        if (Date.now() - startedAt > STARTUP_LIMIT_MS) {
          void worker.terminate();
          finish(new Error(`fuzz worker ${config.id} did not start within ${STARTUP_LIMIT_MS / 1000} s`));
        }
        return;
      }
      const beat = status.heartbeat;
      if (beat !== lastBeat) {
        lastBeat = beat;
        lastBeatAt = Date.now();
      } else if (beat > 0 && Date.now() - lastBeatAt > timeoutMs) {
        run.stopped = { kind: 'hang', reason: `no result after ${timeoutMs} ms` };
        clearInterval(timer);
        void worker.terminate();
      }
    }, POLL_MS);
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'replay') run.replay = message;
      onMessage(message);
    });
    worker.on('error', (error) => {
      if (!status.ready) {
        finish(error);
        return;
      }
      // The worker died on an input: out of memory under resourceLimits, or a stack overflow that escaped.
      run.stopped ??= { kind: 'crash', reason: `worker died: ${error.message}` };
    });
    worker.on('exit', () => finish());
  });
}
