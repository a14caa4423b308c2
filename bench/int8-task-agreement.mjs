#!/usr/bin/env node
// int8 against float32 on what a fine-tuned model is used for (issue 13): for each fine-tuned folder, the task metric
// of both (tsbert evaluate's: POS token accuracy; spam accuracy and F1), the argmax agreement (share of labelled
// tokens, or of messages, given the same label by both) and the largest absolute logit difference; for a
// pre-trained folder, fill-mask top-1 agreement and the MLM loss of both on held-out sentences.
//
//   npm run build
//   node bench/int8-task-agreement.mjs [--showcase /work/showcase-60] [--dtype int8|bf16] [--weight-bits 8|7] [--mlm-sentences 400] [--json]
//
// --weight-bits: default, quantize's (7 on native AVX2, else 8). --dtype bf16: every Linear on bfloat16 weights and
// activations instead (docs/quantization.md, "bfloat16"); the rows' `int8` fields then hold the bf16 results.
//
// The folders are the showcase's: pos-{pretrained,random} (token-classification on data/pos-test.conll),
// spam-{pretrained,random} (classification on data/spam-test.jsonl), pretrain/final (MLM on the first
// --mlm-sentences sentences of data/pos-test.conll: Brown texts held out of the POS training split). The model is
// loaded once, run in float32, quantized in place (every Linear int8, as --dtype int8) and run again on the same
// features. MLM masking: 15 % of each sentence's word-piece positions (at least one), chosen by Rng(seed 13), all
// replaced by [MASK]; the loss is the mean −log p(original token) over the masked positions.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const dist = (path) => import(join(here, '..', 'dist', 'src', path));
const { BertForMaskedLM, BertTokenizer, Rng, Tensor, applyModelDType, defaultWeightBits, noGrad } = await dist('index.js');
const { prepareFinetuned } = await dist('cli/commands/finetune.js');
const { runOnFeatures } = await dist('finetune/run-features.js');

const { values: opts } = parseArgs({
  options: {
    showcase: { type: 'string', default: '/work/showcase-60' },
    dtype: { type: 'string', default: 'int8' },
    'weight-bits': { type: 'string', default: '' },
    'mlm-sentences': { type: 'string', default: '400' },
    'batch-size': { type: 'string', default: '32' },
    json: { type: 'boolean', default: false },
  },
});
const root = opts.showcase;
const batchSize = Number(opts['batch-size']);
const weightBits = opts['weight-bits'] === '' ? defaultWeightBits() : Number(opts['weight-bits']);
const IGNORE = -100;

const TASKS = [
  { name: 'pos-pretrained', task: 'token-classification', data: 'pos-test.conll' },
  { name: 'pos-random', task: 'token-classification', data: 'pos-test.conll' },
  { name: 'spam-pretrained', task: 'classification', data: 'spam-test.jsonl' },
  { name: 'spam-random', task: 'classification', data: 'spam-test.jsonl' },
];

function quantize(model, source) {
  return applyModelDType(model, opts.dtype, source, { weightBits });
}

/** Argmax of logits[offset, offset + classes). */
function argmax(logits, offset, classes) {
  let best = 0;
  for (let c = 1; c < classes; c++) if (logits[offset + c] > logits[offset + best]) best = c;
  return best;
}

async function taskAgreement({ name, task, data }) {
  const p = await prepareFinetuned({ task, model: join(root, name) }, join(root, 'data', data), true);
  const classes = p.context.scheme.labels.length;
  const run = () => runOnFeatures(p.runner, p.definition, p.features, p.context.scheme, batchSize, p.tokenizer.padTokenId).outputs;
  const fp32 = run();
  quantize(p.runner.model, name);
  const int8 = run();
  let compared = 0;
  let agreeing = 0;
  let maxDiff = 0;
  p.features.forEach((feature, f) => {
    const a = fp32[f].logits;
    const b = int8[f].logits;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    // Token level: the positions that carry a word's label (first sub-tokens); sequence level: the one row.
    const positions = a.length / classes;
    for (let t = 0; t < positions; t++) {
      if (feature.labels !== undefined && positions > 1 && feature.labels[t] === IGNORE) continue;
      compared++;
      if (argmax(a, t * classes, classes) === argmax(b, t * classes, classes)) agreeing++;
    }
  });
  // The task's headline metrics (seqeval's per-tag table left out).
  const metric = (outputs) => Object.fromEntries(Object.entries(p.definition.metrics(p.examples, p.features, outputs, p.context))
    .filter(([name]) => ['accuracy', 'f1', 'overall_accuracy'].includes(name)));
  return { model: name, task, units: compared, fp32: metric(fp32), int8: metric(int8), agreement: agreeing / compared, maxAbsLogitDiff: maxDiff };
}

function mlmAgreement() {
  const dir = join(root, 'pretrain', 'final');
  const model = BertForMaskedLM.fromPretrained(dir).eval();
  const tokenizer = BertTokenizer.fromPretrained(dir);
  const maskId = tokenizer.maskTokenId;
  // CoNLL: a sentence per blank-line-separated block, its words in the first column.
  const sentences = readFileSync(join(root, 'data', 'pos-test.conll'), 'utf8').split(/\n\s*\n/)
    .map((block) => block.split('\n').filter((l) => l.trim() !== '').map((l) => l.split(/\s+/)[0]).join(' '))
    .filter((s) => s !== '').slice(0, Number(opts['mlm-sentences']));
  const rng = new Rng(13);
  const inputs = sentences.map((text) => {
    const e = tokenizer.encode(text, undefined, { truncation: true, maxLength: 128 });
    const ids = Int32Array.from(e.ids);
    const inner = ids.length - 2; // [CLS] ... [SEP]
    const count = Math.max(1, Math.round(inner * 0.15));
    const chosen = new Set();
    while (chosen.size < Math.min(count, inner)) chosen.add(1 + rng.int(inner));
    const positions = [...chosen].sort((x, y) => x - y);
    const targets = positions.map((t) => ids[t]);
    for (const t of positions) ids[t] = maskId;
    return { ids, typeIds: Int32Array.from(e.typeIds), mask: Int32Array.from(e.attentionMask), positions, targets };
  });
  const run = () => noGrad(() => inputs.map((x) => {
    const shape = [1, x.ids.length];
    const out = model.forward({ inputIds: new Tensor(x.ids, shape), tokenTypeIds: new Tensor(x.typeIds, shape), attentionMask: new Tensor(x.mask, shape) });
    return Float32Array.from(out.logits.data);
  }));
  const fp32 = run();
  quantize(model, dir);
  const int8 = run();
  const vocab = model.config.vocabSize;
  let masked = 0;
  let agreeing = 0;
  const loss = { fp32: 0, int8: 0 };
  const correct = { fp32: 0, int8: 0 };
  inputs.forEach((x, s) => {
    x.positions.forEach((t, i) => {
      masked++;
      const top = { fp32: argmax(fp32[s], t * vocab, vocab), int8: argmax(int8[s], t * vocab, vocab) };
      if (top.fp32 === top.int8) agreeing++;
      for (const [kind, logits] of [['fp32', fp32[s]], ['int8', int8[s]]]) {
        loss[kind] += logSumExp(logits, t * vocab, vocab) - logits[t * vocab + x.targets[i]];
        if (top[kind] === x.targets[i]) correct[kind]++;
      }
    });
  });
  return {
    model: 'pretrain/final', task: 'fill-mask', units: masked, top1Agreement: agreeing / masked,
    fp32: { mlm_loss: loss.fp32 / masked, mlm_accuracy: correct.fp32 / masked },
    int8: { mlm_loss: loss.int8 / masked, mlm_accuracy: correct.int8 / masked },
  };
}

function logSumExp(logits, offset, n) {
  let max = -Infinity;
  for (let c = 0; c < n; c++) max = Math.max(max, logits[offset + c]);
  let sum = 0;
  for (let c = 0; c < n; c++) sum += Math.exp(logits[offset + c] - max);
  return max + Math.log(sum);
}

const rows = [];
for (const task of TASKS) rows.push(await taskAgreement(task));
rows.push(mlmAgreement());
if (opts.json) {
  for (const row of rows) process.stdout.write(`${JSON.stringify({ dtype: opts.dtype, weightBits, ...row })}\n`);
} else {
  const pct = (x) => `${(100 * x).toFixed(2)} %`;
  const metrics = (m) => Object.entries(m).map(([k, v]) => `${k} ${k.includes('loss') ? v.toFixed(4) : pct(v)}`).join(', ');
  process.stdout.write(opts.dtype === 'bf16' ? 'bfloat16 Linears (int8 below: bf16)\n' : `weights: ${weightBits}-bit\n`);
  for (const r of rows) {
    const agreement = r.agreement ?? r.top1Agreement;
    process.stdout.write(`${r.model} (${r.task}, ${r.units} compared): fp32 {${metrics(r.fp32)}} int8 {${metrics(r.int8)}} `
      + `argmax agreement ${pct(agreement)}${r.maxAbsLogitDiff === undefined ? '' : `, max |Δlogit| ${r.maxAbsLogitDiff.toFixed(4)}`}\n`);
  }
}
