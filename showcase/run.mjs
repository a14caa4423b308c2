/**
 * `npm run showcase`: the BERT paper's central claim in miniature — pre-training helps — on two real tasks, in about
 * 30 minutes on two cores. BERT-mini is pre-trained by `npm start`'s recipe (masked LM + next sentence prediction)
 * on its corpus (Brown + nlp-corpus) and the spam training messages' text, for a fixed time (pretrainHere); then the
 * same architecture is fine-tuned from those
 * weights and from random initialisation, with identical data, flags, seed and time budget, on
 *   (a) part-of-speech tagging of the Brown corpus (brown-pos.mjs: whole texts held out), and
 *   (b) spam vs ham on the SpamAssassin corpus (spam.mjs: a seeded held-out split),
 * and each is scored on the held-out test split by `tsbert evaluate`, beside a non-neural baseline (baselines.mjs).
 * The table goes to stdout and to <output>/results.md.
 *
 * Re-running reuses finished steps: each records its command line and the SHA-256 of its inputs (data files, the
 * pre-trained model's record) in <output>/steps/<name>.json when it completes; a step whose record matches is not run
 * again. Pre-training stopped part way (Ctrl-C) resumes from its last checkpoint with the same schedule; a
 * fine-tuning run stopped part way starts over (its time budget is the comparison's).
 *
 * Options (defaults in parentheses): --pretrain-minutes (10), --finetune-minutes (4, per run), --seed (42), --lr (3e-4),
 * --pos-train-sentences (Brown training sentences kept, 10000), --output (showcase-run), --pretrained RUN (a finished
 * `npm start -- --steps N --output RUN` run to start from instead of pre-training here; pretrained-run.mjs),
 * --precision (fp32; bf16: pre-training and fine-tuning on bfloat16 products, docs/quantization.md).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_JOB_DEFAULTS } from '../dist/src/cli/commands/pretrain.js';
import { BUNDLED_VOCAB } from '../dist/src/cli/default-job.js';
import { writeFileAtomic } from '../dist/src/io/atomic-file.js';
import { classifierScores, mostFrequentTagTagger, naiveBayesClassifier, taggingAccuracy } from './baselines.mjs';
import { finalStep, lastJsonLine, runTsbert, stopped } from './child-command.mjs';
import { prepareData, sha256 } from './prepare-data.mjs';
import { readPretrainingRun } from './pretrained-run.mjs';
import { duration, machineLine, resultsMarkdown } from './results-table.mjs';

// A failure is one line (a data file that cannot be read, a bad option), as tsbert's own errors are.
process.on('uncaughtException', (error) => {
  process.stderr.write(`showcase: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

const { values: options } = parseArgs({
  options: {
    'pretrain-minutes': { type: 'string', default: '10' },
    'finetune-minutes': { type: 'string', default: '4' },
    'seed': { type: 'string', default: '42' },
    'lr': { type: 'string', default: '3e-4' },
    'pos-train-sentences': { type: 'string', default: '10000' },
    'output': { type: 'string', default: 'showcase-run' },
    'pretrained': { type: 'string' },
    'precision': { type: 'string', default: 'fp32' },
  },
});
/** @param {string} name  @param {{ integer?: boolean, min?: number }} [rule] */
function numberOption(name, { integer = false, min = Number.MIN_VALUE } = {}) {
  const value = Number(options[name]);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new Error(`--${name} must be ${integer ? 'an integer' : 'a number'} ${min === Number.MIN_VALUE ? '> 0' : `≥ ${min}`}, got "${options[name]}"`);
  }
  return value;
}
const pretrainMinutes = numberOption('pretrain-minutes');
const finetuneMinutes = numberOption('finetune-minutes');
const seed = numberOption('seed', { integer: true, min: 0 });
const lr = numberOption('lr');
const posTrainSentences = numberOption('pos-train-sentences', { integer: true, min: 1 });
const output = options.output;
const precision = options.precision;
if (precision !== 'fp32' && precision !== 'bf16') throw new Error(`--precision must be fp32 or bf16, got "${precision}"`);
// Passed on only when not the default, so the steps recorded by float32 runs keep their keys (and are reused).
const precisionFlags = precision === 'bf16' ? ['--precision', 'bf16'] : [];

// Fine-tuning flags shared by every run (the comparison's "fine-tuned identically"). The learning rate is from the grid of
// Turc et al. (2019, "Well-Read Students Learn Better"; the BERT miniatures' card: 3e-4, 1e-4, 5e-5, 3e-5, 4 epochs),
// chosen on the POS dev split: 3e-4 gave 88.8–88.9 % dev accuracy on both arms against 1e-4's 79.7–84.4 % (pre-trained) and
// 84.5–86.2 % (random; 3 and 4.7 epochs) (2026-12-02, Zen 5, a 30-minute pre-training, seeds 42 and 7); batches of 32 as BERT §4.
// The number of epochs is not fixed: a short probe times a step of each task (below), and the runs get the epochs
// (at most MAX_EPOCHS, the miniatures' 4) that fit the time budget, so the learning-rate schedule decays to 0 when the time ends —
// the default job's rule for pre-training (cli/default-job.ts, stepsForMinutes).
const BATCH_SIZE = 32;
const FINETUNE_FLAGS = ['--seed', String(seed), '--minutes', String(finetuneMinutes), '--lr', String(lr), '--batch-size', String(BATCH_SIZE),
  '--max-seq-length', '128', '--eval-every', 'epoch', '--keep-last', '1', ...precisionFlags];
const MAX_EPOCHS = 4;
// The share of the budget planned for training steps; the rest is loading, tokenizing and evaluating on dev.
const TRAINING_SHARE = 0.8;
// One mega-batch of the length-grouped order (Hugging Face's megabatch_mult, 50 batches sorted longest first): fewer
// steps time only the longest batches, and POS tagging's 10-step probe planned 1.7× the time its steps then took.
const PROBE_STEPS = 50;
const TASKS = [
  { name: 'pos', title: 'POS tagging (Brown)', flags: ['--task', 'token-classification', '--metric', 'overall_accuracy'] },
  { name: 'spam', title: 'Spam vs ham (SpamAssassin)', flags: ['--task', 'classification'] },
];

const stepsDir = join(output, 'steps');
mkdirSync(stepsDir, { recursive: true });
/** @param {string} name */
const stepFile = (name) => join(stepsDir, `${name}.json`);
/** @param {string} name */
function readStep(name) {
  try {
    return JSON.parse(readFileSync(stepFile(name), 'utf8'));
  } catch {
    return undefined;
  }
}
/** @param {string} name  @param {object} record */
const writeStep = (name, record) => writeFileAtomic(stepFile(name), `${JSON.stringify(record, null, 2)}\n`);

let stepNumber = 0;
const totalSteps = 2 + 3 * TASKS.length;
/** @param {string} what */
const announce = (what) => process.stderr.write(`\n=== showcase ${++stepNumber}/${totalSteps}: ${what}\n`);

/**
 * Runs `tsbert args` unless a record of it with the same key exists; records the result.
 * @param {string} name
 * @param {string} key
 * @param {() => Promise<object>} run
 */
async function step(name, key, run) {
  const record = readStep(name);
  if (record?.key === key && record.finished === true) {
    process.stderr.write(`reusing the finished run (${stepFile(name)})\n`);
    return record;
  }
  writeStep(name, { key, finished: false });
  const result = await run();
  const done = { key, finished: true, ...result };
  writeStep(name, done);
  return done;
}

/** @param {{ code: number }} result  @param {string} what */
function check(result, what) {
  if (stopped() || result.code === 130 || result.code === 143) {
    process.stderr.write(`showcase: stopped during ${what}. \`npm run showcase\` again continues: finished steps are reused\n`);
    process.exit(130);
  }
  if (result.code !== 0) {
    process.stderr.write(`showcase: ${what} failed (exit code ${result.code})\n`);
    process.exit(1);
  }
}

const started = new Date();
announce('data: Brown POS (CoNLL) and SpamAssassin (JSONL), and the baselines');
const data = prepareData(join(output, 'data'), { seed, posTrainSentences });
for (const line of data.summary) process.stderr.write(`${line}\n`);
let clock = performance.now();
const tagger = mostFrequentTagTagger(data.pos.splits.train);
const posBaseline = { metrics: taggingAccuracy(tagger, data.pos.splits.train, data.pos.splits.test), seconds: (performance.now() - clock) / 1000 };
clock = performance.now();
const spamLabels = ['ham', 'spam'];
const spamBaseline = { metrics: classifierScores(naiveBayesClassifier(data.spam.splits.train), data.spam.splits.test, spamLabels), seconds: (performance.now() - clock) / 1000 };
process.stderr.write(`baselines: most frequent tag ${(100 * posBaseline.metrics.accuracy).toFixed(2)}% (unknown words ${(100 * posBaseline.metrics.unknown_accuracy).toFixed(1)}%), `
  + `naive Bayes accuracy ${(100 * spamBaseline.metrics.accuracy).toFixed(2)}%, spam F1 ${(100 * spamBaseline.metrics.f1).toFixed(2)}%\n`);

const pretrainedRun = options.pretrained === undefined ? undefined : readPretrainingRun(options.pretrained);
const pretrain = pretrainedRun === undefined ? await pretrainHere() : pretrainedRun;
const pretrainedModel = pretrainedRun === undefined ? join(output, 'pretrain', 'final') : pretrainedRun.finalDir;
if (pretrainedRun !== undefined) {
  announce(`pre-trained BERT-mini from ${options.pretrained} (${pretrainedRun.steps} steps; not timed here)`);
}

/**
 * Step 2: `npm start`'s recipe (BERT-mini, masked LM + next sentence prediction, its batch, peak learning rate and
 * schedule; the steps that fit --pretrain-minutes) on the default corpus plus the spam training messages without their
 * labels: task-adaptive pre-training (Gururangan et al. 2020, "Don't Stop Pretraining"), since the default corpus holds
 * no e-mail while it already holds the Brown training texts. The held-out default-corpus documents measure it, as in
 * `npm start`. Masks are drawn afresh each time an instance is read (RoBERTa §4.1) over five pairings of the corpus
 * (google-research/bert's dupe_factor; `npm start` makes two, masked once): measured on the Zen 3, held-out MLM loss
 * 6.28 after 3,916 steps against 6.45–6.53 for the static masks' plateau. Resumed if a run with these settings stopped.
 */
async function pretrainHere() {
  announce(`pre-training BERT-mini, npm start's recipe on the default corpus + the spam training messages, ${pretrainMinutes} min`);
  const pretrainDir = join(output, 'pretrain');
  const instancesDir = join(output, 'pretrain-data');
  const instances = {
    defaultCorpus: join(instancesDir, 'default-corpus-d5.tsbpt'),
    spam: join(instancesDir, 'spam-train-d5.tsbpt'),
    heldOut: join(instancesDir, 'default-corpus-eval.tsbpt'),
  };
  const makeInstances = [
    [instances.defaultCorpus, ['--default-corpus', '--dupe-factor', '5']],
    [instances.spam, ['--input', data.spam.files.trainText, '--split-sentences', '--dupe-factor', '5']],
    [instances.heldOut, ['--default-corpus', 'eval', '--dupe-factor', '1']],
  ];
  const job = DEFAULT_JOB_DEFAULTS;
  const pretrainArgs = ['pretrain', '--vocab', BUNDLED_VOCAB, '--data', instances.defaultCorpus, instances.spam, '--eval-data', instances.heldOut,
    '--dynamic-masking', '--batch-size', job.batchSize, '--lr', job.lr, '--eval-every', job.evalEvery, '--save-every', job.saveEvery,
    '--steps', 'auto', '--minutes', String(pretrainMinutes), ...precisionFlags, '--output', pretrainDir];
  const pretrainKey = sha256(JSON.stringify({ makeInstances, pretrainArgs, input: data.digests[data.spam.files.trainText] }));
  // Read before step() marks the run as started: a stopped run with these settings continues.
  const previousPretrain = readStep('pretrain');
  return step('pretrain', pretrainKey, async () => {
    const hasCheckpoint = existsSync(pretrainDir) && readdirSync(pretrainDir).some((name) => /^checkpoint-\d+$/.test(name));
    // A run with these settings that was stopped continues (same remembered schedule and instance files); anything else starts over.
    const resume = previousPretrain?.key === pretrainKey && hasCheckpoint;
    mkdirSync(instancesDir, { recursive: true });
    for (const [file, source] of makeInstances) {
      if (resume && existsSync(file)) continue;
      check(await runTsbert(['create-pretraining-data', ...source, '--vocab', BUNDLED_VOCAB, '--output', file, '--no-progress']), `making ${file}`);
    }
    const result = await runTsbert([...pretrainArgs, resume ? '--resume' : '--overwrite'], { echoStdout: true });
    check(result, 'pre-training');
    // The last held-out evaluation, as for a run made apart (--pretrained): metrics.jsonl read by one reader.
    const { mlmAccuracy } = readPretrainingRun(pretrainDir);
    return { seconds: result.seconds, steps: finalStep(result.stderr), mlmAccuracy, finishedAt: new Date().toISOString() };
  });
}

/**
 * The epochs that fit the budget for a task: a random-init run of PROBE_STEPS steps logs every step's elapsed time;
 * the steps after the first two (which pay page faults) give the seconds per step.
 * @param {{ name: string, flags: string[] }} task
 * @param {{ train: string }} files
 * @param {number} examples  in the training file
 */
function probeEpochs(task, files, examples) {
  const dir = join(output, `probe-${task.name}`);
  const stepsPerEpoch = Math.ceil(examples / BATCH_SIZE);
  const args = ['finetune', ...task.flags, '--config', 'mini', '--vocab', BUNDLED_VOCAB, '--train', files.train, '--output', dir,
    ...FINETUNE_FLAGS, '--epochs', String(PROBE_STEPS / stepsPerEpoch), '--log-every', '1', '--overwrite'];
  return step(`probe-${task.name}`, sha256(JSON.stringify({ args, input: data.digests[files.train] })), async () => {
    const result = await runTsbert(args);
    check(result, `timing ${task.name}`);
    const logged = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line)).filter((e) => e.loss !== undefined && e.step > 2);
    if (logged.length < 2) throw new Error(`timing ${task.name}: ${logged.length} steps after the first two in ${finetuneMinutes} min; too slow to time`);
    const secondsPerStep = (logged.at(-1).elapsed_s - logged[0].elapsed_s) / (logged.at(-1).step - logged[0].step);
    rmSync(dir, { recursive: true, force: true });
    return { secondsPerStep, stepsPerEpoch };
  });
}

/** @param {{ secondsPerStep: number, stepsPerEpoch: number }} probe */
function epochsThatFit({ secondsPerStep, stepsPerEpoch }) {
  const fit = (TRAINING_SHARE * finetuneMinutes * 60) / (secondsPerStep * stepsPerEpoch);
  return Math.max(0.01, Math.min(MAX_EPOCHS, Math.floor(100 * fit) / 100));
}

/** @type {import('./results-table.mjs').Row[]} */
const rows = [];
for (const task of TASKS) {
  const files = task.name === 'pos' ? data.pos.files : data.spam.files;
  const baseline = task.name === 'pos' ? posBaseline : spamBaseline;
  rows.push({ task: task.title, model: task.name === 'pos' ? 'most frequent tag per word (baseline)' : 'naive Bayes, bag of words (baseline)',
    metrics: baseline.metrics, seconds: baseline.seconds });
  announce(`${task.title}: timing ${PROBE_STEPS} fine-tuning steps to fit ${finetuneMinutes} min`);
  const probe = await probeEpochs(task, files, (task.name === 'pos' ? data.pos.splits : data.spam.splits).train.length);
  const epochs = epochsThatFit(probe);
  process.stderr.write(`${task.title}: ${probe.secondsPerStep.toFixed(2)} s per step, ${probe.stepsPerEpoch} steps per epoch: ${epochs} epochs fit ${finetuneMinutes} min\n`);
  for (const init of ['pretrained', 'random']) {
    const name = `${task.name}-${init}`;
    announce(`${task.title}: BERT-mini from ${init === 'pretrained' ? 'the pre-trained weights' : 'random initialisation'}, ${finetuneMinutes} min`);
    const dir = join(output, name);
    const modelFlags = init === 'pretrained' ? ['--model', pretrainedModel] : ['--config', 'mini', '--vocab', BUNDLED_VOCAB];
    const args = ['finetune', ...task.flags, ...modelFlags, '--train', files.train, '--dev', files.dev, '--output', dir, ...FINETUNE_FLAGS,
      '--epochs', String(epochs), '--overwrite'];
    const inputs = [files.train, files.dev, files.test].map((path) => data.digests[path]);
    const key = sha256(JSON.stringify({ args, inputs, pretrained: init === 'pretrained' ? pretrain.key + pretrain.finishedAt : null }));
    const record = await step(name, key, async () => {
      const trained = await runTsbert(args);
      check(trained, `fine-tuning ${name}`);
      const evaluated = await runTsbert(['evaluate', '--task', task.flags[1], '--model', dir, '--data', files.test]);
      check(evaluated, `evaluating ${name}`);
      return { seconds: trained.seconds, steps: finalStep(trained.stderr), metrics: lastJsonLine(evaluated.stdout, `evaluate ${name}`) };
    });
    rows.push({ task: task.title, model: `BERT-mini, ${init === 'pretrained' ? 'pre-trained' : 'random init'}`, metrics: record.metrics, seconds: record.seconds,
      steps: record.steps, epochs });
  }
}
for (const row of rows) row.metrics = { ...row.metrics, accuracy: row.metrics.accuracy ?? row.metrics.overall_accuracy };

const header = [
  `**tsbert showcase**, ${started.toISOString().slice(0, 10)} — seed ${seed}; pre-training ${pretrainedRun === undefined ? `${pretrainMinutes} min on the default corpus + the spam training messages` : `from ${options.pretrained}`} `
    + `(${pretrain.steps ?? '?'} steps in ${duration(pretrain.seconds)}${pretrain.mlmAccuracy === undefined ? '' : `, held-out MLM accuracy ${(100 * pretrain.mlmAccuracy).toFixed(1)}%`}), `
    + `fine-tuning ${finetuneMinutes} min per run (lr ${lr}, batch 32, 128 tokens, the epochs that fit the time: column Epochs)`
    + (precision === 'bf16' ? '; bfloat16 products (--precision bf16) in both' : ''),
  `CPU: ${machineLine()}`,
  ...data.summary,
];
const markdown = resultsMarkdown({ rows, header, metricColumns: [['accuracy', 'Test accuracy'], ['f1', 'Test F1 (spam)']] });
writeFileAtomic(join(output, 'results.md'), markdown);
process.stdout.write(`\n${markdown}\nwritten to ${join(output, 'results.md')} (total ${duration((Date.now() - started.getTime()) / 1000)})\n`);
