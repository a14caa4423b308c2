#!/usr/bin/env node
// int8 and bf16 accuracy: last_hidden_state token vectors of a BERT folder on real text (Brown sentences), against
// float32, for tsbert (--dtype int8: every Linear int8, activations per row; --dtype bf16: every Linear on bfloat16
// weights and activations, float32 sums) and for onnxruntime-node's dynamic int8 of the same weights (per-tensor
// activations and weights: quantize_dynamic's form).
//
//   npm run build
//   /usr/bin/python3 /work/shared/tools/ort-quantize-dynamic.py MODEL.onnx MODEL-q8.onnx      # optional peer
//   node bench/int8-accuracy.mjs --model DIR [--onnx MODEL.onnx --onnx-q8 MODEL-q8.onnx] [--texts FILE.jsonl]
//     [--count 64] [--max-length 128] [--dtype int8|bf16] [--weight-bits 8|7] [--json]
//
// --texts: JSON lines {"text": ...} (default bench/results/brown-first-400.jsonl, from bench/pipeline-texts.mjs).
// Each sentence runs alone (batch 1, no padding). Per token, the relative error ‖int8 − fp32‖ / ‖fp32‖; printed:
// mean, median, 99th percentile and max over tokens, and the overall Frobenius ratio. The ONNX model must take
// input_ids, attention_mask (and token_type_ids when it lists them) and give last_hidden_state.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const tsbert = await import(join(here, '..', 'dist', 'src', 'index.js'));
const { BertModel, BertTokenizer, Tensor, applyModelDType, noGrad } = tsbert;

const { values: opts } = parseArgs({
  options: {
    model: { type: 'string' },
    onnx: { type: 'string' },
    'onnx-q8': { type: 'string' },
    texts: { type: 'string', default: join(here, 'results', 'brown-first-400.jsonl') },
    count: { type: 'string', default: '64' },
    'max-length': { type: 'string', default: '128' },
    dtype: { type: 'string', default: 'int8' },
    'weight-bits': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
if (opts.model === undefined) {
  process.stderr.write('node bench/int8-accuracy.mjs --model DIR [--onnx FILE --onnx-q8 FILE] [--texts FILE] [--count N]\n');
  process.exit(2);
}
const count = Number(opts.count);
const maxLength = Number(opts['max-length']);
const texts = readFileSync(opts.texts, 'utf8').split('\n').filter((l) => l.trim() !== '').slice(0, count).map((l) => JSON.parse(l).text);
const tokenizer = BertTokenizer.fromPretrained(opts.model);
const encodings = texts.map((text) => tokenizer.encode(text, undefined, { truncation: true, maxLength }));

/** last_hidden_state of every sentence, concatenated: Float32Array [Σ tokens, hidden]. */
function runTsbert(model) {
  const parts = [];
  noGrad(() => {
    for (const e of encodings) {
      const shape = [1, e.length];
      const out = model.forward({ inputIds: new Tensor(e.ids, shape), tokenTypeIds: new Tensor(e.typeIds, shape), attentionMask: new Tensor(e.attentionMask, shape) });
      parts.push(Float32Array.from(out.lastHiddenState.data));
    }
  });
  return concat(parts);
}

async function runOrt(path) {
  const require = createRequire(join(here, 'package.json'));
  const ort = require('onnxruntime-node');
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 2, graphOptimizationLevel: 'all' });
  const parts = [];
  const int64 = (a, n) => new ort.Tensor('int64', BigInt64Array.from(a, (v) => BigInt(v)), [1, n]);
  for (const e of encodings) {
    const feeds = { input_ids: int64(e.ids, e.length), attention_mask: int64(e.attentionMask, e.length) };
    if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = int64(e.typeIds, e.length);
    const out = await session.run(feeds);
    parts.push(Float32Array.from(out.last_hidden_state.data));
  }
  return concat(parts);
}

function concat(parts) {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Per-token relative errors of `approx` against `exact` ([tokens, hidden]), and the overall Frobenius ratio. */
function compare(approx, exact, hidden) {
  const errors = [];
  let num = 0, den = 0;
  for (let t = 0; t < exact.length / hidden; t++) {
    let d = 0, e = 0;
    for (let j = t * hidden; j < (t + 1) * hidden; j++) { d += (approx[j] - exact[j]) ** 2; e += exact[j] ** 2; }
    errors.push(Math.sqrt(d / e));
    num += d; den += e;
  }
  errors.sort((a, b) => a - b);
  const at = (q) => errors[Math.min(errors.length - 1, Math.floor(q * errors.length))];
  const mean = errors.reduce((s, v) => s + v, 0) / errors.length;
  return { tokens: errors.length, mean, median: at(0.5), p99: at(0.99), max: errors[errors.length - 1], overall: Math.sqrt(num / den) };
}

const fp32 = BertModel.fromPretrained(opts.model, { quiet: true });
const hidden = fp32.config.hiddenSize;
const reference = runTsbert(fp32);
const quantizeOptions = opts['weight-bits'] === undefined ? {} : { weightBits: Number(opts['weight-bits']) };
const reduced = runTsbert(applyModelDType(BertModel.fromPretrained(opts.model, { quiet: true }), opts.dtype, opts.model, quantizeOptions));
const rows = [{ engine: `tsbert ${opts.dtype} vs tsbert fp32`, ...compare(reduced, reference, hidden) }];
if (opts.onnx !== undefined && existsSync(opts.onnx)) {
  const ortFp32 = await runOrt(opts.onnx);
  rows.push({ engine: 'onnxruntime fp32 vs tsbert fp32', ...compare(ortFp32, reference, hidden) });
  if (opts['onnx-q8'] !== undefined) {
    const ortQ8 = await runOrt(opts['onnx-q8']);
    rows.push({ engine: 'onnxruntime q8 vs onnxruntime fp32', ...compare(ortQ8, ortFp32, hidden) });
  }
}
for (const row of rows) {
  const result = { model: opts.model, sentences: encodings.length, weightBits: quantizeOptions.weightBits ?? 'default', ...row };
  if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${row.engine}: ${row.tokens} tokens, relative error mean ${(100 * row.mean).toFixed(3)}%, median ${(100 * row.median).toFixed(3)}%, `
    + `p99 ${(100 * row.p99).toFixed(3)}%, max ${(100 * row.max).toFixed(3)}%, overall ${(100 * row.overall).toFixed(3)}%\n`);
}
