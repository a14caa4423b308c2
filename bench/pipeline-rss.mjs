/**
 * Where the resident set of a long-running pipeline process goes (issue 12: "RSS flat over 10,000 calls"): calls
 * text-classification, feature-extraction and question-answering over test/pipelines/pipeline-models.ts's tiny
 * models, and every STEP rounds of the three prints, after a full GC, one JSON line: RSS, V8's heap by space
 * (v8.getHeapSpaceStatistics), typed-array and external memory (process.memoryUsage) and /proc/self/smaps_rollup.
 *
 *   node --expose-gc bench/pipeline-rss.mjs [--rounds 60000] [--step 2500]
 *
 * Needs `npm run build` (dist/, tests included). test/pipelines/memory.test.ts asserts what this shows.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';

const DIST = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'dist');
const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const rounds = flag('--rounds', 60000), step = flag('--step', 2500);
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const load = (path) => import(pathToFileURL(join(DIST, path)).href);
const { BertForQuestionAnswering } = await load('src/model/heads/question-answering.js');
const { BertForSequenceClassification } = await load('src/model/heads/sequence-classification.js');
const { BertModel } = await load('src/model/bert-model.js');
const { pipeline } = await load('src/pipelines/pipeline.js');
const { tinyConfig, tokenizer } = await load('test/pipelines/pipeline-models.js');

const MiB = 2 ** 20;
const mib = (bytes) => Math.round((bytes / MiB) * 10) / 10;
const classifier = await pipeline('text-classification', new BertForSequenceClassification(tinyConfig(), { seed: 1 }), { tokenizer });
const extractor = await pipeline('feature-extraction', new BertModel(tinyConfig(), { seed: 2 }), { tokenizer });
const qa = await pipeline('question-answering', new BertForQuestionAnswering(tinyConfig(), { seed: 3 }), { tokenizer });
const texts = ['the cat sat on the mat .', 'a much longer sentence about the weather in the north , which was cold and wet all week .', 'yes'];

/** smaps_rollup's kB lines as MiB. */
function smaps() {
  const fields = {};
  for (const line of readFileSync('/proc/self/smaps_rollup', 'utf8').split('\n')) {
    const match = /^(Rss|Anonymous|Private_Dirty|Shared_Clean):\s+(\d+) kB/.exec(line);
    if (match) fields[match[1]] = mib(Number(match[2]) * 1024);
  }
  return fields;
}

function report(round) {
  globalThis.gc();
  const m = process.memoryUsage();
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().filter((s) => s.space_size > 0).map((s) => [s.space_name, mib(s.space_size)]));
  console.log(JSON.stringify({ round, rss: mib(m.rss), heapTotal: mib(m.heapTotal), heapUsed: mib(m.heapUsed), arrayBuffers: mib(m.arrayBuffers),
    external: mib(m.external), rssLessArrayBuffers: mib(m.rss - m.arrayBuffers), spaces, smaps: smaps() }));
}

report(0);
for (let i = 0; i < rounds; i++) {
  const text = texts[i % texts.length];
  await classifier(text, { top_k: null });
  await extractor(text, { pooling: 'mean', normalize: true });
  await qa('where did the cat sit ?', text);
  if ((i + 1) % step === 0) report(i + 1);
}
