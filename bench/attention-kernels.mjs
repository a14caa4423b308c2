#!/usr/bin/env node
// Where one layer's training attention goes: the fused kernels (attentionForward without dropout,
// attentionTrainForward, attentionBackward with and without a dropout mask) against their products alone (the same
// per-head GEMMs, batched per sequence as attention-gemms.ts has them), warm, on the backend in use. The difference
// between a kernel and its products is its softmax, dropout and memory.
//
//   npm run build
//   node bench/attention-kernels.mjs [--batch 32] [--heads 8] [--seq 128] [--head-dim 64] [--threads 2] [--rounds 15] [--json]
//
// Each round times every kernel once, in turn, so a noisy minute hits them alike; the median per kernel is printed.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist', 'src');
const { getBackend, backendInfo, Rng } = await import(join(dist, 'index.js'));
const { mixGemm, probsGradGemm, scoresGemm, sequenceBlock } = await import(join(dist, 'backend', 'attention-gemms.js'));

const { values: opts } = parseArgs({
  options: {
    batch: { type: 'string', default: '32' },
    heads: { type: 'string', default: '8' },
    seq: { type: 'string', default: '128' },
    'head-dim': { type: 'string', default: '64' },
    threads: { type: 'string' },
    rounds: { type: 'string', default: '15' },
    json: { type: 'boolean', default: false },
  },
});
const [batch, heads, seq, headDim, rounds] = [opts.batch, opts.heads, opts.seq, opts['head-dim'], opts.rounds].map(Number);
const backend = getBackend();
if (opts.threads !== undefined) backend.setThreads(Number(opts.threads));

const rng = new Rng(1);
const random = (n) => Float32Array.from({ length: n }, () => rng.normal());
const hidden = heads * headDim, rows = batch * seq * hidden, square = batch * heads * seq * seq;
const [q, k, v, dContext] = [random(rows), random(rows), random(rows), random(rows)];
const [context, dq, dk, dv] = [new Float32Array(rows), new Float32Array(rows), new Float32Array(rows), new Float32Array(rows)];
const [probs, dropMask, block] = [new Float32Array(square), new Float32Array(square), new Float32Array(square)];
const scale = 1 / Math.sqrt(headDim), p = 0.1;
const sizes = { seq, heads, headDim };
const rowBlock = seq * hidden, scoreBlock = heads * seq * seq;
const perSequence = (fn) => { for (let b = 0; b < batch; b++) fn(b); };
const at = sequenceBlock;

const kernels = {
  'attentionForward (no dropout)': () => backend.attentionForward(context, probs, q, k, v, null, batch, heads, seq, headDim, scale),
  attentionTrainForward: () => backend.attentionTrainForward(context, probs, dropMask, q, k, v, null, batch, heads, seq, headDim, scale, p, 1 / (1 - p), rng.stateWords()),
  'forward products (q·kᵀ, P·v)': () => perSequence((b) => {
    backend.gemm(at(block, b, scoreBlock), at(q, b, rowBlock), at(k, b, rowBlock), scoresGemm(sizes));
    backend.gemm(at(context, b, rowBlock), at(block, b, scoreBlock), at(v, b, rowBlock), mixGemm(sizes));
  }),
  'attentionBackward (mask)': () => backend.attentionBackward(dq, dk, dv, dContext, probs, dropMask, q, k, v, batch, heads, seq, headDim, scale),
  'attentionBackward (no mask)': () => backend.attentionBackward(dq, dk, dv, dContext, probs, null, q, k, v, batch, heads, seq, headDim, scale),
  'backward products (dContext·vᵀ, dv, dq, dk)': () => perSequence((b) => {
    backend.gemm(at(block, b, scoreBlock), at(dContext, b, rowBlock), at(v, b, rowBlock), probsGradGemm(sizes));
    backend.gemm(at(dv, b, rowBlock), at(probs, b, scoreBlock), at(dContext, b, rowBlock), mixGemm(sizes, true, 1));
    backend.gemm(at(dq, b, rowBlock), at(block, b, scoreBlock), at(k, b, rowBlock), mixGemm(sizes, false, 1));
    backend.gemm(at(dk, b, rowBlock), at(block, b, scoreBlock), at(q, b, rowBlock), mixGemm(sizes, true, 1));
  }),
};
const times = Object.fromEntries(Object.keys(kernels).map((name) => [name, []]));
for (let round = -1; round < rounds; round++) {
  for (const [name, run] of Object.entries(kernels)) {
    const start = performance.now();
    run();
    if (round >= 0) times[name].push(performance.now() - start);
  }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const flops = { forward: 2 * 2 * batch * heads * seq * seq * headDim, backward: 4 * 2 * batch * heads * seq * seq * headDim };
const result = {
  backend: backendInfo(), threads: backend.getThreads(), batch, heads, seq, headDim, rounds,
  median_ms: Object.fromEntries(Object.entries(times).map(([name, xs]) => [name, Number(median(xs).toFixed(3))])),
};
if (opts.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  process.stdout.write(`${batch} × ${heads} heads × ${seq} × ${headDim}, ${result.threads} threads, ${result.backend.name} (${result.backend.isa ?? '-'}), median of ${rounds}\n`);
  for (const [name, ms] of Object.entries(result.median_ms)) {
    const gflop = (name.startsWith('forward') || name.startsWith('attentionForward') || name === 'attentionTrainForward' ? flops.forward : flops.backward) / 1e9;
    process.stdout.write(`  ${name.padEnd(44)} ${ms.toFixed(2).padStart(8)} ms  ${(gflop / (ms / 1000)).toFixed(0).padStart(5)} GFLOP/s of its products\n`);
  }
}
