// Tokenizer throughput, side by side on the same text, one thread each: tsbert vs Hugging Face `tokenizers` (Rust,
// npm binding, encodeBatch, RAYON_NUM_THREADS=1) vs `@huggingface/tokenizers` (pure JS, bench/package.json).
// In-process: every engine encodes every line of the Brown corpus (tags stripped) with [CLS]/[SEP].
// End to end: read a text file, encode each line, write JSONL (tsbert tokenize vs the same loop around each peer).
// Each measurement runs in a fresh child process; engines alternate over rounds; medians are quoted.
// Run: npm run build && (cd bench && npm install) && node bench/tokenizer.mjs [--rounds 5] [--corpus brown|spam]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VOCAB = join(ROOT, 'assets/bert-base-uncased-vocab.txt');
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};

async function loadLines(corpus) {
  const c = await import(join(ROOT, 'dist/test/tokenizer/corpora.js'));
  return corpus === 'spam' ? c.spamAssassinLines() : c.brownCorpus();
}

// ---- child: one measurement --------------------------------------------------------------------------------
async function child(engine, mode, textFile, workDir) {
  const text = readFileSync(textFile, 'utf8');
  const lines = text.split('\n');
  const bytes = Buffer.byteLength(text);
  const t0 = performance.now();
  let tokens = 0;
  if (engine === 'tsbert') {
    const { BertTokenizer } = await import(join(ROOT, 'dist/src/index.js'));
    if (mode === 'e2e') {
      const t = performance.now();
      const r = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'tokenize', '--vocab', VOCAB, '--input', textFile, '--output', join(workDir, 'tsbert.jsonl')]);
      if (r.status !== 0) throw new Error(r.stderr.toString());
      return { seconds: (performance.now() - t) / 1000, bytes };
    }
    const tok = BertTokenizer.fromVocabFile(VOCAB);
    const start = performance.now();
    for (const line of lines) tokens += tok.encode(line).length;
    return { seconds: (performance.now() - start) / 1000, bytes, tokens, loadSeconds: (start - t0) / 1000 };
  }
  if (engine === 'rust') {
    const require = createRequire(join(ROOT, 'package.json'));
    const hf = require('tokenizers');
    const tok = hf.Tokenizer.fromFile(join(workDir, 'pretrained/tokenizer.json'));
    const out = mode === 'e2e' ? createWriteStream(join(workDir, 'rust.jsonl')) : undefined;
    const start = performance.now();
    const src = mode === 'e2e' ? readFileSync(textFile, 'utf8').split('\n') : lines;
    for (let i = 0; i < src.length; i += 1000) {
      const encodings = await tok.encodeBatch(src.slice(i, i + 1000));
      if (out) {
        let chunk = '';
        for (const e of encodings) chunk += JSON.stringify({ ids: e.getIds(), type_ids: e.getTypeIds(), offsets: e.getOffsets() }) + '\n';
        if (!out.write(chunk)) await once(out, 'drain');
      } else for (const e of encodings) tokens += e.getLength();
    }
    if (out) {
      out.end();
      await once(out, 'finish');
    }
    return { seconds: (performance.now() - (mode === 'e2e' ? t0 : start)) / 1000, bytes, tokens };
  }
  if (engine === 'hf-js') {
    const { Tokenizer } = await import(join(ROOT, 'bench/node_modules/@huggingface/tokenizers/dist/tokenizers.mjs'));
    const tok = new Tokenizer(JSON.parse(readFileSync(join(workDir, 'pretrained/tokenizer.json'), 'utf8')), JSON.parse(readFileSync(join(workDir, 'pretrained/tokenizer_config.json'), 'utf8')));
    const out = mode === 'e2e' ? createWriteStream(join(workDir, 'hfjs.jsonl')) : undefined;
    const start = performance.now();
    const src = mode === 'e2e' ? readFileSync(textFile, 'utf8').split('\n') : lines;
    let chunk = '';
    for (const line of src) {
      const e = tok.encode(line, { return_token_type_ids: true });
      if (out) {
        // It has no offsets: it writes less than the others do.
        chunk += JSON.stringify({ ids: e.ids, type_ids: e.token_type_ids }) + '\n';
        if (chunk.length > 1 << 20) {
          if (!out.write(chunk)) await once(out, 'drain');
          chunk = '';
        }
      } else tokens += e.ids.length;
    }
    if (out) {
      out.end(chunk);
      await once(out, 'finish');
    }
    return { seconds: (performance.now() - (mode === 'e2e' ? t0 : start)) / 1000, bytes, tokens };
  }
  throw new Error(`unknown engine ${engine}`);
}

if (args[0] === '--child') {
  const [, engine, mode, textFile, workDir] = args;
  const cpu0 = process.cpuUsage();
  const result = await child(engine, mode, textFile, workDir);
  const cpu = process.cpuUsage(cpu0);
  // CPU seconds of this process over its measured wall time: ~1 means one thread (the e2e tsbert row runs the CLI in
  // a grandchild, so it reads ~0 there).
  result.cpuPerWall = +((cpu.user + cpu.system) / 1e6 / result.seconds).toFixed(2);
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}

// ---- parent: rounds -------------------------------------------------------------------------------------------
const { existsSync } = await import('node:fs');
for (const [path, fix] of [
  ['dist/src/index.js', 'npm run build'],
  ['bench/node_modules/@huggingface/tokenizers/package.json', 'cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm install'],
]) {
  if (!existsSync(join(ROOT, path))) {
    console.error(`bench/tokenizer.mjs: ${path} is missing; run: ${fix}`);
    process.exit(1);
  }
}
const rounds = Number(arg('--rounds', '5'));
const corpus = arg('--corpus', 'brown');
const workDir = mkdtempSync(join(tmpdir(), 'tsbert-bench-tok-'));
try {
  const { BertTokenizer } = await import(join(ROOT, 'dist/src/index.js'));
  const tsbert = BertTokenizer.fromVocabFile(VOCAB);
  tsbert.savePretrained(join(workDir, 'pretrained'));
  const lines = await loadLines(corpus);
  const textFile = join(workDir, `${corpus}.txt`);
  writeFileSync(textFile, lines.join('\n'));
  const bytes = Buffer.byteLength(lines.join('\n'));

  // Sanity: the three agree on ids before we time them (hf-js on a sample: it is the slowest).
  const { Tokenizer } = await import(join(ROOT, 'bench/node_modules/@huggingface/tokenizers/dist/tokenizers.mjs'));
  const js = new Tokenizer(JSON.parse(readFileSync(join(workDir, 'pretrained/tokenizer.json'), 'utf8')), JSON.parse(readFileSync(join(workDir, 'pretrained/tokenizer_config.json'), 'utf8')));
  let jsMismatch = 0;
  const sample = lines.filter((_, i) => i % 10 === 0);
  for (const line of sample) if (JSON.stringify(js.encode(line).ids) !== JSON.stringify(Array.from(tsbert.encode(line).ids))) jsMismatch++;
  console.log(JSON.stringify({ bench: 'tokenizer-sanity', corpus, lines: lines.length, mb: +(bytes / 1e6).toFixed(2), hfJsIdMismatches: jsMismatch, hfJsLinesChecked: sample.length, cpu: cpus()[0]?.model, node: process.version }));

  const engines = ['tsbert', 'rust', 'hf-js'];
  const results = {};
  for (let round = 0; round < rounds; round++) {
    for (const mode of ['in-process', 'e2e']) {
      const order = round % 2 === 0 ? engines : [...engines].reverse();
      for (const engine of order) {
        const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', engine, mode, textFile, workDir], {
          env: { ...process.env, RAYON_NUM_THREADS: '1', RAYON_RS_NUM_CPUS: '1', TOKENIZERS_PARALLELISM: 'false' },
          maxBuffer: 1 << 26,
        });
        if (r.status !== 0) throw new Error(`${engine} ${mode}: ${r.stderr}`);
        const m = JSON.parse(r.stdout.toString().trim().split('\n').pop());
        const mbps = m.bytes / 1e6 / m.seconds;
        console.log(JSON.stringify({ bench: 'tokenizer', corpus, mode, engine, round, seconds: +m.seconds.toFixed(3), mbPerS: +mbps.toFixed(2), tokens: m.tokens, cpuPerWall: m.cpuPerWall }));
        ((results[mode] ??= {})[engine] ??= []).push(mbps);
      }
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  for (const mode of Object.keys(results)) {
    const med = Object.fromEntries(Object.entries(results[mode]).map(([e, xs]) => [e, median(xs)]));
    console.log(JSON.stringify({ bench: 'tokenizer-median', corpus, mode, rounds, mbPerS: Object.fromEntries(Object.entries(med).map(([e, v]) => [e, +v.toFixed(2)])), tsbertVsRust: +(med.tsbert / med.rust).toFixed(2), tsbertVsHfJs: +(med.tsbert / med['hf-js']).toFixed(2) }));
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
