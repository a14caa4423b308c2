#!/usr/bin/env node
// Where one BERT forward's time goes, per backend kernel: every kernel of the backend in use is wrapped with a timer
// (calls, total ms, share of the forward), int8Gemm and gemm also per (m, n, k) shape; "outside kernels" is the
// rest (tensor bookkeeping, JS glue). The model is bench forward's (BertForPreTraining's encoder, random weights).
//
//   npm run build
//   node bench/int8-profile.mjs [--dtype int8|fp32] [--weight-bits 8|7] [--config base] [--batch 8] [--seq 128] [--rounds 3]
//     [--threads 2] [--json]
//
// Each timed kernel call is synchronous, so the figures add up to the forward's wall time (median forward of
// `rounds` after one warm-up; the kernel totals are from that median round). cpu_ms is the process's CPU time for
// that forward: with --threads 1 it is the forward's work alone, which a busy machine's time slicing does not
// inflate (with more threads it counts the helpers' spinning too).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist', 'src');
const tsbert = await import(join(dist, 'index.js'));
const { randomPretrainBatch } = await import(join(dist, 'cli', 'commands', 'bench-model.js'));
const { Arena, BertForPreTraining, Rng, applyModelDType, backendInfo, bertConfigPreset, getBackend, noGrad, withArena } = tsbert;

const { values: opts } = parseArgs({
  options: {
    dtype: { type: 'string', default: 'int8' },
    'weight-bits': { type: 'string' },
    config: { type: 'string', default: 'base' },
    batch: { type: 'string', default: '8' },
    seq: { type: 'string', default: '128' },
    rounds: { type: 'string', default: '3' },
    threads: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const backend = getBackend();
if (opts.threads !== undefined) backend.setThreads(Number(opts.threads));
const config = bertConfigPreset(opts.config);
const batch = Number(opts.batch), seq = Number(opts.seq), rounds = Number(opts.rounds);
const quantizeOptions = opts['weight-bits'] === undefined ? {} : { weightBits: Number(opts['weight-bits']) };
const model = applyModelDType(new BertForPreTraining(config, { seed: 1 }).eval(), opts.dtype, 'int8-profile', quantizeOptions);
const inputs = randomPretrainBatch(config, batch, seq, new Rng(2));

/** name or name [m×n×k] → { calls, ms } for the current round. */
let totals = new Map();
function add(key, ms) {
  const entry = totals.get(key) ?? { calls: 0, ms: 0 };
  entry.calls += 1;
  entry.ms += ms;
  totals.set(key, entry);
}
const SHAPED = { int8Gemm: (args) => `${args[10]}×${args[11]}×${args[12]}`, int8GemmDynamic: (args) => `${args[8]}×${args[9]}×${args[10]}${args[11] ? ' gelu' : ''}`, gemm: (args) => `${args[3].m}×${args[3].n}×${args[3].k}${args[3].batch > 1 ? ` ×${args[3].batch}` : ''}` };
for (const name of Object.keys(backend)) {
  const fn = backend[name];
  if (typeof fn !== 'function' || ['getThreads', 'setThreads', 'supportedIsas', 'setIsa'].includes(name)) continue;
  backend[name] = (...args) => {
    const start = performance.now();
    const result = fn.apply(backend, args);
    const ms = performance.now() - start;
    add(name, ms);
    if (name in SHAPED) add(`${name} ${SHAPED[name](args)}`, ms);
    return result;
  };
}

const arena = new Arena();
const runs = [];
for (let round = 0; round <= rounds; round++) {
  totals = new Map();
  arena.reset();
  const start = performance.now(), cpuStart = process.cpuUsage();
  withArena(arena, () => noGrad(() => model.bert.forward(inputs)));
  const ms = performance.now() - start, cpu = process.cpuUsage(cpuStart);
  if (round > 0) runs.push({ ms, cpuMs: (cpu.user + cpu.system) / 1000, totals });
}
runs.sort((a, b) => a.ms - b.ms);
const { ms: forwardMs, cpuMs, totals: median } = runs[Math.floor(runs.length / 2)];
const kernelMs = [...median].filter(([key]) => !key.includes(' ')).reduce((s, [, e]) => s + e.ms, 0);
const rows = [...median].sort((a, b) => b[1].ms - a[1].ms)
  .map(([key, e]) => ({ kernel: key, calls: e.calls, ms: Math.round(e.ms * 10) / 10, share: Math.round((e.ms / forwardMs) * 1000) / 10 }));
rows.push({ kernel: 'outside kernels', calls: 0, ms: Math.round((forwardMs - kernelMs) * 10) / 10, share: Math.round(((forwardMs - kernelMs) / forwardMs) * 1000) / 10 });
const info = backendInfo();
const head = { dtype: opts.dtype, config: opts.config, batch, seq, backend: info.name, isa: info.isa, threads: info.threads, forward_ms: Math.round(forwardMs * 10) / 10, cpu_ms: Math.round(cpuMs * 10) / 10 };
if (opts.json) {
  process.stdout.write(`${JSON.stringify({ ...head, kernels: rows })}\n`);
} else {
  process.stdout.write(`${JSON.stringify(head)}\n| kernel | calls | ms | % of forward |\n|---|---:|---:|---:|\n`);
  for (const r of rows) process.stdout.write(`| ${r.kernel} | ${r.calls} | ${r.ms} | ${r.share} |\n`);
}
