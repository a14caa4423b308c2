#!/usr/bin/env node
// onnxruntime-node peer for tsbert's `bench forward`: BERT inference throughput on the CPU.
//
//   cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm install          # once; benchmark-only dependency
//   /usr/bin/python3 bench/model-export-onnx.py --config base --out bench/results/bert-base.onnx
//   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE GLIBC_TUNABLES=glibc.malloc.hugetlb=1 \
//     node bench/model-ort.mjs --onnx bench/results/bert-base.onnx --config base --batch 8 --seq 128 --json
//
// Session: CPU execution provider, intra-op threads --threads (2), graph optimization 'all', sequential execution,
// memory arena and patterns on (onnxruntime's defaults). Inputs are full length (mask all ones), random ids
// ≥ 1000, segment A then B, as tsbert's bench. Timing: --warmup runs, then --rounds timed runs; the median.
//
// Before timing, checks the model against PyTorch on the input stored beside it by model-export-onnx.py
// (OUT.check.safetensors) and prints the max abs difference of last_hidden_state and pooler_output.
//
// Prints (with --json) one JSON object:
// {"engine":"onnxruntime-node","task":"forward","config","batch","seq","threads","tokens_per_s","ms_per_iter",
//  "peak_rss_mb",...}
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, 'package.json'));
let ort;
try {
  ort = require('onnxruntime-node');
} catch (err) {
  process.stderr.write(`onnxruntime-node is not installed: cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm install\n(${err.message})\n`);
  process.exit(2);
}

const { values: opts } = parseArgs({
  options: {
    onnx: { type: 'string' },
    config: { type: 'string', default: 'base' },
    batch: { type: 'string', default: '8' },
    seq: { type: 'string', default: '128' },
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    vocab: { type: 'string', default: '30522' }, // vocab_size of the exported model (random ids stay below it)
    'opt-level': { type: 'string', default: 'all' },
    'save-optimized': { type: 'string' },
    'no-check': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  process.stdout.write('node bench/model-ort.mjs --onnx FILE [--config base] [--batch 8] [--seq 128] [--threads 2] [--rounds 3] [--warmup 1] [--opt-level all] [--save-optimized FILE] [--no-check] [--json]\n');
  process.exit(0);
}
const onnxPath = opts.onnx ?? join(here, 'results', `bert-${opts.config}.onnx`);
if (!existsSync(onnxPath)) {
  process.stderr.write(`${onnxPath} not found: /usr/bin/python3 bench/model-export-onnx.py --config ${opts.config} --out ${onnxPath}\n`);
  process.exit(2);
}
const int = (name) => {
  const n = Number(opts[name]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${opts[name]}`);
  return n;
};
const batch = int('batch'), seq = int('seq'), threads = int('threads'), rounds = int('rounds'), warmup = Number(opts.warmup);
const vocab = int('vocab');

const sessionOptions = {
  executionProviders: ['cpu'],
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  graphOptimizationLevel: opts['opt-level'],
  executionMode: 'sequential',
  enableCpuMemArena: true,
  enableMemPattern: true,
};
if (opts['save-optimized']) sessionOptions.optimizedModelFilePath = opts['save-optimized'];
const session = await ort.InferenceSession.create(onnxPath, sessionOptions);

/** Minimal safetensors reader (u64 header length, JSON header, raw little-endian data): F32 and I64 only. */
function readSafetensors(path) {
  const buf = readFileSync(path);
  const len = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + len).toString('utf8'));
  const base = 8 + len;
  const out = {};
  for (const [name, e] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [b, end] = e.data_offsets;
    const bytes = buf.buffer.slice(buf.byteOffset + base + b, buf.byteOffset + base + end); // copy: aligned
    if (e.dtype === 'F32') out[name] = { data: new Float32Array(bytes), shape: e.shape };
    else if (e.dtype === 'I64') out[name] = { data: new BigInt64Array(bytes), shape: e.shape };
    else throw new Error(`${path}: ${name} has dtype ${e.dtype}`);
  }
  return { tensors: out, metadata: header.__metadata__ ?? {} };
}

let check = null;
const checkPath = `${onnxPath}.check.safetensors`;
if (!opts['no-check'] && existsSync(checkPath)) {
  const { tensors: t } = readSafetensors(checkPath);
  const feeds = {};
  for (const k of ['input_ids', 'token_type_ids', 'attention_mask']) feeds[k] = new ort.Tensor('int64', t[k].data, t[k].shape);
  const out = await session.run(feeds);
  const diff = (name) => {
    const a = out[name].data, b = t[name].data;
    if (a.length !== b.length) throw new Error(`${name}: ${a.length} values from onnxruntime, ${b.length} from PyTorch`);
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  };
  check = {
    input: t.input_ids.shape.join('x'),
    last_hidden_state_max_abs_diff: diff('last_hidden_state'),
    pooler_output_max_abs_diff: diff('pooler_output'),
  };
  const worst = Math.max(check.last_hidden_state_max_abs_diff, check.pooler_output_max_abs_diff);
  if (!(worst < 1e-3)) {
    process.stderr.write(`onnxruntime and PyTorch disagree: ${JSON.stringify(check)}\n`);
    process.exit(1);
  }
  if (!opts.json) process.stdout.write(`check vs PyTorch (${check.input}): last_hidden_state max |Δ| ${check.last_hidden_state_max_abs_diff.toExponential(2)}, pooler_output ${check.pooler_output_max_abs_diff.toExponential(2)}\n`);
}

// Random full-length inputs (a fixed LCG so runs are repeatable).
let state = 12345;
const rand = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
const n = batch * seq;
const low = vocab > 2000 ? 1000 : 5; // as model-torch.py: past the special tokens
const ids = new BigInt64Array(n), types = new BigInt64Array(n), mask = new BigInt64Array(n).fill(1n);
for (let b = 0; b < batch; b++) {
  for (let s = 0; s < seq; s++) {
    ids[b * seq + s] = BigInt(low + Math.floor(rand() * (vocab - low)));
    types[b * seq + s] = s < seq / 2 ? 0n : 1n;
  }
}
const feeds = {
  input_ids: new ort.Tensor('int64', ids, [batch, seq]),
  token_type_ids: new ort.Tensor('int64', types, [batch, seq]),
  attention_mask: new ort.Tensor('int64', mask, [batch, seq]),
};

for (let i = 0; i < warmup; i++) await session.run(feeds);
const times = [];
for (let i = 0; i < rounds; i++) {
  const start = performance.now();
  const out = await session.run(feeds);
  times.push(performance.now() - start);
  if (out.last_hidden_state.dims[1] !== seq) throw new Error('unexpected output shape');
}
const sorted = [...times].sort((a, b) => a - b);
const ms = rounds % 2 ? sorted[(rounds - 1) / 2] : (sorted[rounds / 2 - 1] + sorted[rounds / 2]) / 2;
const result = {
  engine: 'onnxruntime-node',
  task: 'forward',
  config: opts.config,
  batch,
  seq,
  threads,
  tokens_per_s: Math.round((batch * seq) / (ms / 1000)),
  ms_per_iter: Math.round(ms * 10) / 10,
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  rounds,
  ms_all: times.map((t) => Math.round(t * 10) / 10),
  outputs: 'last_hidden_state+pooler_output',
  onnx: onnxPath,
  opt_level: opts['opt-level'],
  ort: require('onnxruntime-node/package.json').version,
  check,
  env: Object.fromEntries(['GLIBC_TUNABLES', 'OMP_WAIT_POLICY', 'OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'].filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]])),
};
if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else process.stdout.write(`onnxruntime-node forward ${opts.config} ${batch}×${seq}: ${result.tokens_per_s} tokens/s (${result.ms_per_iter} ms/iter, ${threads} threads, peak RSS ${result.peak_rss_mb} MB)\n`);
