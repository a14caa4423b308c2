/**
 * transformers.js's answers for a tiny RoBERTa, as goldens for tsbert's pipelines with the RoBERTa family (issue 14).
 *
 *   /usr/bin/python3 reference/make_roberta_transformersjs.py     # folders (committed) + ONNX exports (bench/results)
 *   npm run build && node bench/roberta-goldens.mjs                # → test/fixtures/reference/transformersjs/roberta/goldens.json
 *
 * Runs `@huggingface/transformers` (bench/node_modules; local folders, fp32, cpu) on the exports of
 * test/fixtures/reference/transformersjs/roberta/<task>/ for fill-mask (`<mask>`), text-classification (every label)
 * and token-classification (every token), over Brown sentences. The tokenizer.json it reads is tsbert's
 * RobertaTokenizer of the folder; a sentence whose ids transformers.js's tokenizer gives differently is left out
 * (counted). onnxruntime's logits are checked against PyTorch's (export-check.json) before any golden is written.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { env, pipeline, Tensor } from '@huggingface/transformers';
import { RobertaTokenizer } from '../dist/src/index.js';
import { brownSentences, evenlySpaced } from './pipeline-texts.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FOLDERS = join(ROOT, 'test/fixtures/reference/transformersjs/roberta');
const EXPORTED = join(ROOT, 'bench/results/transformersjs-roberta');
const TASKS = ['fill-mask', 'text-classification', 'token-classification'];
/** onnxruntime vs PyTorch, float32 with different summation orders. */
const EXPORT_TOLERANCE = 1e-4;

env.allowRemoteModels = false;
env.localModelPath = `${EXPORTED}/`;
const round = (x) => Number(x.toPrecision(8));
const roundDeep = (v) => (typeof v === 'number' ? round(v) : Array.isArray(v) ? v.map(roundDeep)
  : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, roundDeep(x)])) : v);

const words = (s) => s.text.split(' ').length;
const sentences = evenlySpaced(brownSentences().filter((s) => words(s) >= 4 && words(s) <= 30), 80).map((s) => s.text);

/** `text` with its middle alphabetic word (3+ letters) replaced by <mask>, or null. */
function masked(text) {
  const tokens = text.split(' ');
  const candidates = tokens.map((t, i) => (/^[A-Za-z]{3,}$/.test(t) ? i : -1)).filter((i) => i >= 0);
  if (candidates.length === 0) return null;
  tokens[candidates[Math.floor(candidates.length / 2)]] = '<mask>';
  return tokens.join(' ');
}

const manifest = { command: 'node bench/roberta-goldens.mjs', export_checks: {}, left_out: {}, cases: {} };
const goldens = {};
for (const task of TASKS) {
  const tsbert = RobertaTokenizer.fromPretrained(join(FOLDERS, task));
  writeFileSync(join(EXPORTED, task, 'tokenizer.json'), tsbert.toJSONString());
  const pipe = await pipeline(task, task, { dtype: 'fp32', device: 'cpu' });
  const check = JSON.parse(readFileSync(join(EXPORTED, task, 'export-check.json'), 'utf8'));
  const int64 = (rows) => new Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0].length]);
  const { logits } = await pipe.model({ input_ids: int64(check.input_ids), attention_mask: int64(check.attention_mask) });
  const expected = check.logits.flat(Infinity);
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff = Math.max(diff, Math.abs(logits.data[i] - expected[i]));
  manifest.export_checks[task] = { max_abs_diff: diff };
  if (!(diff <= EXPORT_TOLERANCE) || logits.data.length !== expected.length) throw new Error(`${task}: onnxruntime differs from PyTorch by ${diff}`);

  const texts = task === 'fill-mask' ? sentences.map(masked).filter((t) => t !== null) : sentences;
  const cases = [];
  let differentIds = 0;
  for (const text of texts) {
    const theirs = pipe.tokenizer(text).input_ids.tolist()[0].map(Number);
    if (theirs.join() !== Array.from(tsbert.encode(text).ids).join()) {
      differentIds++;
      continue;
    }
    const options = task === 'fill-mask' ? { top_k: 5 } : task === 'text-classification' ? { top_k: null } : { ignore_labels: [] };
    cases.push({ text, options, output: await pipe(text, options) });
  }
  manifest.left_out[task] = { different_ids: differentIds };
  manifest.cases[task] = cases.length;
  goldens[task] = roundDeep(cases);
}
const bench = JSON.parse(readFileSync(join(ROOT, 'bench/node_modules/@huggingface/transformers/package.json'), 'utf8'));
manifest.transformers_js = bench.version;
writeFileSync(join(FOLDERS, 'goldens.json'), `${JSON.stringify({ manifest, goldens })}\n`);
console.log(JSON.stringify(manifest));
