/**
 * transformers.js's answers as goldens for tsbert's pipelines (issue 12, "same answers as transformers.js").
 *
 *   bash reference/make_transformersjs_goldens.sh      # models → exported folders → this script
 *   node bench/pipeline-goldens.mjs [--models bench/results/transformersjs] [--out test/fixtures/reference/transformersjs]
 *
 * Runs `@huggingface/transformers` (bench/node_modules; local folders only, fp32, cpu) on the folders that
 * reference/export_transformersjs.py wrote from test/fixtures/reference/transformersjs/models/, over real text:
 * Brown sentences and SpamAssassin messages (bench/pipeline-texts.mjs), for every pipeline and every option both
 * libraries have. Writes one compact JSON file per task under --out, `{ task, model, cases: [{ args, runs: [{
 * options, output }] }] }`: `args` as the pipeline was called (`[text]`, `[question, context]`, `[text, labels]`),
 * `output` what it returned, numbers to 8 significant digits; and manifest.json (versions, counts, checks).
 *
 * Beyond transformers.js's outputs (see test/pipelines/transformersjs-parity.test.ts for how each is used):
 * - question answering and token classification also get `start`/`end` (characters, UTF-16): transformers.js has
 *   none; the token spans are re-derived by its rules and checked against its output (bench/transformersjs-spans.mjs),
 *   and characters come from Hugging Face tokenizers' (Rust) offsets, whose ids must equal transformers.js's;
 * - `hf_python` for aggregation "simple": with the default ignore_labels, transformers.js drops "O" tokens before
 *   grouping, Hugging Face Python (tsbert's rule) groups first and then drops "O" groups; and Python's group word
 *   is the decoder's output alone (convert_tokens_to_string), where transformers.js's decode also applies
 *   clean_up_tokenization to the whole string. `hf_python` is built from transformers.js's own groups with
 *   ignore_labels [] and its decode with clean_up_tokenization_spaces false;
 * - sentence-pair classification: transformers.js's pipeline takes no pairs, so its tokenizer (`text_pair`), model
 *   and the pipeline's softmax/topk are called directly;
 * - `hf_python` for texts past the model's 512 tokens: transformers.js truncates the encoding after adding the
 *   special tokens (so its 512 tokens end without [SEP]); Hugging Face Python (tsbert) keeps [CLS] + 510 tokens +
 *   [SEP]. `hf_python` is transformers.js's pipeline called on the text's prefix that ends with the 510th token
 *   (cut by Hugging Face tokenizers' offsets), checked to encode to exactly those 512 tokens.
 * Texts holding an [UNK] token are left out of token classification and question answering (counted in the
 * manifest): transformers.js decodes [UNK] with skip_special_tokens (so drops it and never answers with it);
 * Hugging Face Python keeps it with the characters it covers.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { env, pipeline, softmax, Tensor, topk } from '@huggingface/transformers';
import { brownSentences, BROWN_CATEGORIES, evenlySpaced, spamTexts } from './pipeline-texts.mjs';
import { answerSpans, simpleGroups, utf16Index } from './transformersjs-spans.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { Tokenizer: RustTokenizer } = require('tokenizers');

const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const MODELS = resolve(flag('--models', join(ROOT, 'bench/results/transformersjs')));
const OUT = resolve(flag('--out', join(ROOT, 'test/fixtures/reference/transformersjs')));

env.allowRemoteModels = false;
env.localModelPath = `${MODELS}/`;
const LOAD = { dtype: 'fp32', device: 'cpu' };
/** onnxruntime vs PyTorch on the export check (float32, different summation orders: ~1e-6 expected). */
const EXPORT_TOLERANCE = 1e-4;

const round = (x) => Number(x.toPrecision(8));
const roundDeep = (v) => (typeof v === 'number' ? round(v) : Array.isArray(v) ? v.map(roundDeep)
  : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, roundDeep(x)])) : v);
const manifest = {
  command: 'bash reference/make_transformersjs_goldens.sh',
  models: 'models/: reference/make_transformersjs_models.py; exported by reference/export_transformersjs.py',
  files: {}, export_checks: {}, left_out: {}, hf_python_differs: {} };

// --- texts -------------------------------------------------------------------------------------------------------
const brown = brownSentences();
const words = (s) => s.text.split(' ').length;
const sentences = evenlySpaced(brown.filter((s) => words(s) >= 3 && words(s) <= 60), 300);
/** Spam messages, the longest in characters first (some pass 512 tokens: both libraries truncate there). */
const spam = evenlySpaced(spamTexts(), 600).sort((a, b) => b.length - a.length);

async function rustTokenizer(name) {
  return RustTokenizer.fromFile(join(MODELS, name, 'tokenizer.json'));
}

/** Loads `task` on the exported folder `name` and checks onnxruntime against PyTorch's export-check.json. */
async function load(task, name) {
  const pipe = await pipeline(task, name, LOAD);
  const check = JSON.parse(readFileSync(join(MODELS, name, 'export-check.json'), 'utf8'));
  const int64 = (rows) => new Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0].length]);
  const inputs = { input_ids: int64(check.input_ids), attention_mask: int64(check.attention_mask), token_type_ids: int64(check.token_type_ids) };
  const outputs = await pipe.model(inputs);
  manifest.versions.torch_export = check.torch;
  // Row 1 again alone, cut to its 7 real tokens: a graph that had baked the traced sequence length in would fail here.
  const real = check.attention_mask[1].filter((m) => m === 1).length;
  const cut = (rows) => [rows[1].slice(0, real)];
  const alone = await pipe.model({ input_ids: int64(cut(check.input_ids)), attention_mask: int64(cut(check.attention_mask)), token_type_ids: int64(cut(check.token_type_ids)) });
  let batchDiff = 0;
  let aloneDiff = 0;
  for (const [key, expected] of Object.entries(check.outputs)) {
    const got = outputs[key];
    if (!got || got.dims.join() !== expected.dims.join()) throw new Error(`${name}: output ${key} dims ${got?.dims} ≠ PyTorch's ${expected.dims}`);
    for (let i = 0; i < expected.data.length; i++) batchDiff = Math.max(batchDiff, Math.abs(got.data[i] - expected.data[i]));
    // The second row's first `real` positions (per-token outputs) or its one row (sequence outputs).
    const perRow = expected.data.length / expected.dims[0];
    const n = check.per_token ? (real * perRow) / expected.dims[1] : perRow;
    for (let i = 0; i < n; i++) aloneDiff = Math.max(aloneDiff, Math.abs(alone[key].data[i] - expected.data[perRow + i]));
  }
  manifest.export_checks[name] = { max_abs_diff_batch: batchDiff, max_abs_diff_row_alone: aloneDiff };
  if (!(batchDiff <= EXPORT_TOLERANCE && aloneDiff <= EXPORT_TOLERANCE)) {
    throw new Error(`${name}: onnxruntime differs from PyTorch by ${batchDiff} (batch), ${aloneDiff} (row alone)`);
  }
  return pipe;
}

function write(task, name, cases) {
  const path = join(OUT, `${task}.json`);
  const text = JSON.stringify({ task, model: `models/${name}`, cases: roundDeep(cases) });
  writeFileSync(path, `${text}\n`);
  manifest.files[`${task}.json`] = { model: `models/${name}`, cases: cases.length, runs: cases.reduce((n, c) => n + c.runs.length, 0), bytes: text.length + 1 };
}

async function runAll(pipe, args, optionSets) {
  const runs = [];
  for (const options of optionSets) runs.push({ options, output: await pipe(...args, options) });
  return runs;
}

/**
 * Texts whose tokens hold no [UNK] (see the header) and number at most `maxTokens`, each with its Rust encoding;
 * counts the rest.
 */
async function usable(task, rust, texts, encode, maxTokens = Infinity) {
  const unk = rust.tokenToId('[UNK]');
  const kept = [];
  const left = { with_unk: 0, too_long: 0 };
  for (const text of texts) {
    const encoding = await encode(text);
    if (encoding.getIds().includes(unk)) left.with_unk++;
    else if (encoding.getLength() > maxTokens) left.too_long++;
    else kept.push({ text, encoding });
  }
  manifest.left_out[task] = left;
  return kept;
}

/**
 * The prefix of `text` whose encoding is Hugging Face Python's truncation of the whole text to `maxLength` tokens
 * ([CLS], the first maxLength − 2 tokens, [SEP]); null when the text is not longer or the cut re-encodes otherwise.
 */
async function hfTruncatedPrefix(pipe, rust, text, maxLength = 512) {
  const whole = await rust.encode(text);
  if (whole.getLength() <= maxLength) return null;
  const last = maxLength - 2; // the last content token kept ([CLS] is token 0)
  const prefix = text.slice(0, utf16Index(text)[whole.getOffsets()[last][1]]);
  const expected = [...whole.getIds().slice(0, last + 1), whole.getIds().at(-1)];
  const ids = pipe.tokenizer(prefix).input_ids.tolist()[0].map(Number);
  return ids.join() === expected.join() ? prefix : null;
}

/** Adds `hf_python` (see the header) to the runs of a text past 512 tokens; returns whether it is one. */
async function addHfTruncation(pipe, rust, text, runs, shape = (x) => x) {
  const prefix = await hfTruncatedPrefix(pipe, rust, text);
  if (prefix === null) return false;
  for (const run of runs) run.hf_python = shape(await pipe(prefix, run.options));
  return true;
}

function sameIds(rustIds, jsIds, what) {
  if (rustIds.join() !== jsIds.join()) throw new Error(`${what}: tokenizers (Rust) and transformers.js disagree on the ids`);
}

// --- tasks -------------------------------------------------------------------------------------------------------
async function textClassification() {
  const pipe = await load('text-classification', 'text-classification');
  const rust = await rustTokenizer('text-classification');
  const cases = [];
  for (const text of sentences.map((s) => s.text)) {
    cases.push({ args: [text], runs: await runAll(pipe, [text], [{}, { top_k: 3 }, { top_k: null }]) });
  }
  // Texts past 512 tokens, with Hugging Face Python's truncation as `hf_python`.
  for (const text of spam) {
    if (cases.length === sentences.length + 10) break;
    const runs = await runAll(pipe, [text], [{}, { top_k: 3 }, { top_k: null }]);
    if (await addHfTruncation(pipe, rust, text, runs)) cases.push({ args: [text], runs });
  }
  // Pairs: consecutive sentences of one document; the pipeline's own scoring (softmax, topk) on the pair's logits.
  const pairs = evenlySpaced(brown.filter((s, i) => i > 0 && brown[i - 1].document === s.document), 100);
  for (const second of pairs) {
    const first = brown[brown.indexOf(second) - 1];
    const inputs = pipe.tokenizer(first.text, { text_pair: second.text, padding: true, truncation: true });
    const { logits } = await pipe.model(inputs);
    const probs = new Tensor('float32', softmax(logits[0].data), logits[0].dims);
    const runs = [];
    for (const topK of [1, null]) {
      const [values, indices] = await topk(probs, topK);
      const output = indices.tolist().map((id, i) => ({ label: pipe.model.config.id2label[id], score: values.tolist()[i] }));
      runs.push({ options: topK === 1 ? {} : { top_k: null }, output });
    }
    cases.push({ args: [{ text: first.text, text_pair: second.text }], runs });
  }
  write('text-classification', 'text-classification', cases);

  const multi = await load('text-classification', 'text-classification-multi-label');
  const multiCases = [];
  for (const { text } of evenlySpaced(sentences, 100)) {
    multiCases.push({ args: [text], runs: await runAll(multi, [text], [{}, { top_k: null }]) });
  }
  write('text-classification-multi-label', 'text-classification-multi-label', multiCases);
}

async function tokenClassification() {
  const pipe = await load('token-classification', 'token-classification');
  const rust = await rustTokenizer('token-classification');
  const texts = await usable('token-classification', rust, evenlySpaced(sentences, 200).map((s) => s.text), (t) => rust.encode(t));
  const cases = [];
  for (const { text, encoding } of texts) {
    sameIds(encoding.getIds(), pipe.tokenizer(text).input_ids.tolist()[0].map(Number), text);
    const units = utf16Index(text);
    const offsets = encoding.getOffsets();
    const span = (first, last) => ({ start: units[offsets[first][0]], end: units[offsets[last][1]] });
    const runs = await runAll(pipe, [text], [{}, { ignore_labels: [] }, { aggregation_strategy: 'simple', ignore_labels: [] }, { aggregation_strategy: 'simple' }]);
    for (const run of runs.slice(0, 2)) run.output = run.output.map((e) => ({ ...e, ...span(e.index, e.index) }));
    // Groups with their token indices, by transformers.js's rule over its own per-token output; must match its groups.
    const groups = simpleGroups(runs[1].output);
    const grouped = runs[2].output;
    if (groups.length !== grouped.length || groups.some((g, i) => g.tag !== grouped[i].entity_group)) {
      throw new Error(`token-classification: re-derived groups differ from transformers.js's on "${text}"`);
    }
    runs[2].output = grouped.map((g, i) => ({ ...g, ...span(groups[i].members[0].index, groups[i].members.at(-1).index) }));
    // Python's group word is convert_tokens_to_string (the decoder alone); transformers.js decodes, which also applies
    // clean_up_tokenization to the whole string ("atlanta ' s" → "atlanta's").
    const ids = encoding.getIds();
    const pythonWord = (group) => pipe.tokenizer.decode(group.members.map((m) => ids[m.index]), { skip_special_tokens: true, clean_up_tokenization_spaces: false });
    runs[2].hf_python = runs[2].output.map((g, i) => ({ ...g, word: pythonWord(groups[i]) }));
    runs[3].hf_python = runs[2].hf_python.filter((g) => g.entity_group !== 'O');
    cases.push({ args: [text], runs });
  }
  // How often the two rules give different entities (the test holds tsbert to hf_python).
  const entities = (groups) => JSON.stringify(groups.map((g) => [g.entity_group, g.word]));
  const differs = (k) => cases.filter((c) => entities(c.runs[k].output) !== entities(c.runs[k].hf_python)).length;
  manifest.hf_python_differs['token-classification, aggregation simple, ignore_labels []: texts'] = differs(2);
  manifest.hf_python_differs['token-classification, aggregation simple, default ignore_labels: texts'] = differs(3);
  write('token-classification', 'token-classification', cases);
}

const QUESTIONS = ['Who said it?', 'What happened?', 'Where was it?', 'When did it happen?', 'Why did they do it?', 'What is it about?'];

async function questionAnswering() {
  const pipe = await load('question-answering', 'question-answering');
  const rust = await rustTokenizer('question-answering');
  // Contexts: 1–3 consecutive sentences of one document (short: transformers.js has no windows).
  const starts = evenlySpaced(brown.filter((s, i) => brown[i + 2]?.document === s.document && words(s) >= 5), 150);
  const pairs = starts.map((s, i) => {
    const at = brown.indexOf(s);
    return { question: QUESTIONS[i % QUESTIONS.length], context: brown.slice(at, at + 1 + (i % 3)).map((x) => x.text).join(' ') };
  });
  // One window in tsbert (max_seq_len 384): transformers.js has none.
  const kept = await usable('question-answering', rust, pairs, (p) => rust.encode(p.question, p.context), 384);
  const specialIds = new Set(pipe.tokenizer.all_special_ids.map(Number));
  const cases = [];
  for (const { text: { question, context }, encoding } of kept) {
    const inputs = pipe.tokenizer(question, { text_pair: context, padding: true, truncation: true });
    const ids = inputs.input_ids.tolist()[0].map(Number);
    sameIds(encoding.getIds(), ids, question + context);
    const { start_logits, end_logits } = await pipe.model(inputs);
    const spans = answerSpans(ids, start_logits.data, end_logits.data, specialIds, Number(pipe.tokenizer.sep_token_id), softmax);
    const units = utf16Index(context);
    const offsets = encoding.getOffsets();
    const runs = await runAll(pipe, [question, context], [{}, { top_k: 3 }]);
    for (const run of runs) {
      const answers = Array.isArray(run.output) ? run.output : [run.output];
      const located = answers.map((a, k) => {
        const [s, e, score] = spans[k];
        const decoded = pipe.tokenizer.decode(ids.slice(s, e + 1), { skip_special_tokens: true });
        if (decoded !== a.answer || Math.abs(score - a.score) > 1e-12) throw new Error(`question-answering: re-derived span ${k} differs on "${context}"`);
        return { ...a, start: units[offsets[s][0]], end: units[offsets[e][1]], tokens: e - s + 1 };
      });
      run.output = Array.isArray(run.output) ? located : located[0];
    }
    cases.push({ args: [question, context], runs });
  }
  write('question-answering', 'question-answering', cases);
}

async function featureExtraction() {
  const pipe = await load('feature-extraction', 'feature-extraction');
  const rust = await rustTokenizer('feature-extraction');
  const tensor = (t) => ({ dims: t.dims, data: Array.from(t.data) });
  const pooled = [{ pooling: 'mean' }, { pooling: 'mean', normalize: true }, { pooling: 'cls' }, { pooling: 'cls', normalize: true }];
  const cases = [];
  const texts = evenlySpaced(sentences, 100).map((s) => s.text);
  const pooledRuns = async (text) => {
    const runs = [];
    for (const options of pooled) runs.push({ options, output: tensor(await pipe(text, options)) });
    return runs;
  };
  for (const text of texts) cases.push({ args: [text], runs: await pooledRuns(text) });
  for (const text of spam) {
    if (cases.length === texts.length + 5) break;
    const runs = await pooledRuns(text);
    if (await addHfTruncation(pipe, rust, text, runs, tensor)) cases.push({ args: [text], runs });
  }
  for (const { text } of evenlySpaced(sentences, 10)) {
    cases.push({ args: [text], runs: [{ options: { pooling: 'none' }, output: tensor(await pipe(text, { pooling: 'none' })) }] });
  }
  // Many texts in one call: [n, hidden] (transformers.js pads the batch; the mean skips the padding).
  const batch = texts.slice(0, 8);
  cases.push({ args: [batch], runs: [{ options: { pooling: 'mean', normalize: true }, output: tensor(await pipe(batch, { pooling: 'mean', normalize: true })) }] });
  write('feature-extraction', 'feature-extraction', cases);
}

/** `text` with its `k`-th alphabetic word (of those with at least 3 letters) replaced by [MASK]. */
function maskWords(text, count) {
  const tokens = text.split(' ');
  const candidates = tokens.map((t, i) => (/^[A-Za-z]{3,}$/.test(t) ? i : -1)).filter((i) => i >= 0);
  if (candidates.length < count) return null;
  for (let k = 0; k < count; k++) tokens[candidates[Math.floor(((k + 1) * candidates.length) / (count + 1))]] = '[MASK]';
  return tokens.join(' ');
}

async function fillMask() {
  const pipe = await load('fill-mask', 'fill-mask');
  const cases = [];
  const one = evenlySpaced(sentences, 200).map((s) => maskWords(s.text, 1)).filter((t) => t !== null);
  const two = evenlySpaced(sentences.slice(1), 100).map((s) => maskWords(s.text, 2)).filter((t) => t !== null);
  // Two masks: transformers.js answers for the first [MASK] only (and its `sequence` drops the second one).
  for (const text of [...one, ...two]) cases.push({ args: [text], runs: await runAll(pipe, [text], [{ top_k: 5 }]) });
  write('fill-mask', 'fill-mask', cases);
}

async function zeroShot() {
  const pipe = await load('zero-shot-classification', 'zero-shot-classification');
  const categories = Object.values(BROWN_CATEGORIES);
  const cases = [];
  for (const [i, s] of evenlySpaced(sentences, 100).entries()) {
    const others = categories.filter((c) => c !== s.category);
    const labels = [s.category, others[i % others.length], others[(i * 7 + 3) % others.length], others[(i * 5 + 1) % others.length]];
    const distinct = [...new Set(labels)];
    const optionSets = [{}, { multi_label: true }, { hypothesis_template: 'The topic of this text is {}.' }];
    cases.push({ args: [s.text, distinct], runs: await runAll(pipe, [s.text, distinct], optionSets) });
    if (i % 10 === 0) cases.push({ args: [s.text, [s.category]], runs: await runAll(pipe, [s.text, [s.category]], [{}]) });
  }
  write('zero-shot-classification', 'zero-shot-classification', cases);
}

mkdirSync(OUT, { recursive: true });
const bench = JSON.parse(readFileSync(join(ROOT, 'bench/node_modules/@huggingface/transformers/package.json'), 'utf8'));
const ort = JSON.parse(readFileSync(join(ROOT, 'bench/node_modules/onnxruntime-node/package.json'), 'utf8'));
manifest.versions = { transformers_js: bench.version, onnxruntime_node: ort.version, node: process.version };
await textClassification();
await tokenClassification();
await questionAnswering();
await featureExtraction();
await fillMask();
await zeroShot();
writeFileSync(join(OUT, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(JSON.stringify({ out: OUT, files: manifest.files, left_out: manifest.left_out, export_checks: manifest.export_checks }));
