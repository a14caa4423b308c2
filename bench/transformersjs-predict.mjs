/**
 * transformers.js end to end, as `tsbert predict` runs: load the pipeline, read JSON lines, run them in batches of
 * --batch-size in input order (as a user calls `await pipe(texts)`; transformers.js pads each batch to its longest),
 * write one JSON line per input, in a fresh process. bench/pipeline-side-by-side.sh times the whole process.
 *
 *   node bench/transformersjs-predict.mjs --task text-classification|feature-extraction --model DIR --input F.jsonl
 *        [--output F] [--batch-size 32] [--pooling mean] [--threads 2]
 *
 * DIR is a transformers.js folder (reference/export_transformersjs.py). Per line: text-classification writes what
 * the pipeline returns for that text alone (`[{label, score}]`), feature-extraction the pooled vector. Prints one
 * JSON line: texts, load_s, run_s (tokenize + model + post-processing + writing), texts_per_s over the process's
 * whole life, peak_rss_mb.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { env, pipeline } from '@huggingface/transformers';

const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const task = flag('--task');
const model = resolve(flag('--model'));
const input = flag('--input');
const output = flag('--output', '/dev/null');
const batchSize = Number(flag('--batch-size', '32'));
const pooling = flag('--pooling', 'mean');
const threads = Number(flag('--threads', '2'));
if (!['text-classification', 'feature-extraction'].includes(task) || !input || !(batchSize >= 1)) {
  console.error('usage: node bench/transformersjs-predict.mjs --task text-classification|feature-extraction --model DIR --input F.jsonl [--output F] [--batch-size B]');
  process.exit(2);
}

env.allowRemoteModels = false;
env.localModelPath = `${dirname(model)}/`;
const pipe = await pipeline(task, basename(model), { dtype: 'fp32', device: 'cpu', session_options: { intraOpNumThreads: threads } });
const loaded = performance.now();

const texts = readFileSync(input, 'utf8').split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line).text);
const out = openSync(output, 'w');
for (let start = 0; start < texts.length; start += batchSize) {
  const batch = texts.slice(start, start + batchSize);
  let lines;
  if (task === 'text-classification') {
    // top_k 1 over an array: one {label, score} per text; a single text's result is [{label, score}].
    lines = (await pipe(batch)).map((result) => JSON.stringify([result]));
  } else {
    const vectors = await pipe(batch, { pooling, normalize: false }); // [batch, hidden]
    const hidden = vectors.dims[1];
    lines = batch.map((_, i) => JSON.stringify(Array.from(vectors.data.subarray(i * hidden, (i + 1) * hidden))));
  }
  writeSync(out, `${lines.join('\n')}\n`);
}
closeSync(out);
const end = performance.now();
console.log(JSON.stringify({
  engine: 'transformers.js', task, model, input: basename(input), batch: batchSize, threads, texts: texts.length,
  load_s: +(loaded / 1000).toFixed(3), run_s: +((end - loaded) / 1000).toFixed(3),
  texts_per_s: +(texts.length / (end / 1000)).toFixed(2), peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
}));
