// Byte-level BPE throughput, one thread each, on the same lines: tsbert (RobertaTokenizer) vs Hugging Face
// `tokenizers` (Rust, npm binding, encodeBatch, RAYON_NUM_THREADS=1) vs `@huggingface/tokenizers` (pure JS,
// bench/package.json), all loading the 2,000-token tokenizer.json of test/fixtures/tokenizer/bpe with <s>/</s> added.
// One quick in-process pass per engine after a warm-up (not the alternating rounds of bench/tokenizer.mjs).
// Run: npm run build && (cd bench && npm install) && RAYON_NUM_THREADS=1 node bench/tokenizer-bpe.mjs [--corpus brown|spam] [--lines N]
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = join(ROOT, 'test/fixtures/tokenizer/bpe/tokenizer.json');
const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const corpus = arg('--corpus', 'brown');
const c = await import(join(ROOT, 'dist/test/tokenizer/corpora.js'));
const lines = (corpus === 'spam' ? c.spamAssassinLines() : c.brownCorpus()).slice(0, Number(arg('--lines', Infinity)));
const mb = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0) / 1e6;

async function measure(name, encodeAll) {
  await encodeAll(lines.slice(0, 2000));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const tokens = await encodeAll(lines);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // CPU seconds (all threads) as well as wall: on a shared machine the wall figure says more about the load.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(JSON.stringify({ engine: name, corpus, lines: lines.length, mb: +mb.toFixed(2), seconds: +seconds.toFixed(2), mbPerS: +(mb / seconds).toFixed(2), cpuSeconds: +cpuSeconds.toFixed(2), mbPerCpuS: +(mb / cpuSeconds).toFixed(2), tokens }));
}

const { Tokenizer } = await import(join(ROOT, 'dist/src/index.js'));
const ours = Tokenizer.fromFile(FIXTURE);
await measure('tsbert', (batch) => {
  let n = 0;
  for (const line of batch) n += ours.encode(line).length;
  return n;
});

const hf = createRequire(join(ROOT, 'package.json'))('tokenizers');
const rust = hf.Tokenizer.fromFile(FIXTURE);
await measure('tokenizers (Rust)', async (batch) => {
  let n = 0;
  for (let i = 0; i < batch.length; i += 4096) for (const e of await rust.encodeBatch(batch.slice(i, i + 4096))) n += e.getLength();
  return n;
});

const js = join(ROOT, 'bench/node_modules/@huggingface/tokenizers/dist/tokenizers.mjs');
if (existsSync(js)) {
  const { Tokenizer: JsTokenizer } = await import(js);
  const tok = new JsTokenizer(JSON.parse(readFileSync(FIXTURE, 'utf8')), {});
  await measure('@huggingface/tokenizers (JS)', (batch) => {
    let n = 0;
    for (const line of batch) n += tok.encode(line).ids.length;
    return n;
  });
} else console.log(JSON.stringify({ engine: '@huggingface/tokenizers (JS)', skipped: `${js} not installed (cd bench && npm install)` }));
