// SentencePiece Unigram throughput, one thread each, on the same lines: tsbert (SentencePieceTokenizer from the
// .model file) vs Hugging Face `tokenizers` (Rust, npm binding, encodeBatch, RAYON_NUM_THREADS=1) on the tokenizer.json
// tsbert converts it to, vs `@huggingface/tokenizers` (pure JS, transformers.js's; bench/node_modules) on the same
// tokenizer.json, vs Debian's python3-sentencepiece (ids only, EncodeAsIds per line, one child process). The
// model is the nmt_nfkc 3,000-piece one of test/fixtures/reference/unigram. Rounds alternate the engines; medians.
// Run: npm run build && RAYON_NUM_THREADS=1 node bench/tokenizer-unigram.mjs [--rounds 3]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MODEL = join(ROOT, 'test/fixtures/reference/unigram/nfkc-3000.model');
const rounds = Number(process.argv.includes('--rounds') ? process.argv[process.argv.indexOf('--rounds') + 1] : 3);
const { brownCorpus } = await import(join(ROOT, 'dist/test/tokenizer/corpora.js'));
const { SentencePieceTokenizer } = await import(join(ROOT, 'dist/src/index.js'));
const lines = brownCorpus();
const mb = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0) / 1e6;

const work = mkdtempSync(join(tmpdir(), 'tsbert-unigram-'));
const tsbert = SentencePieceTokenizer.fromModelFile(MODEL);
const tokenizerJson = join(work, 'tokenizer.json');
writeFileSync(tokenizerJson, tsbert.toJSONString());
const linesFile = join(work, 'lines.txt');
writeFileSync(linesFile, `${lines.join('\n')}\n`);
const { Tokenizer } = createRequire(join(ROOT, 'package.json'))('tokenizers');
const rust = Tokenizer.fromFile(tokenizerJson);
const JS_TOKENIZERS = join(ROOT, 'bench/node_modules/@huggingface/tokenizers/dist/tokenizers.mjs');
if (!existsSync(JS_TOKENIZERS)) console.log(JSON.stringify({ engine: '@huggingface/tokenizers (JS)', skipped: `${JS_TOKENIZERS} not installed (cd bench && npm install)` }));

const PYTHON = `
import sys, time, sentencepiece as spm
sp = spm.SentencePieceProcessor(model_file=sys.argv[1])
lines = open(sys.argv[2], encoding="utf-8").read().split("\\n")[:-1]
for l in lines[:2000]: sp.EncodeAsIds(l)
t = time.process_time(); n = sum(len(sp.EncodeAsIds(l)) for l in lines); print(time.process_time() - t, n)
`;

const engines = {
  tsbert: () => {
    for (const l of lines.slice(0, 2000)) tsbert.encode(l);
    const t = process.cpuUsage();
    let tokens = 0;
    for (const l of lines) tokens += tsbert.encode(l).length;
    const u = process.cpuUsage(t);
    return { cpuSeconds: (u.user + u.system) / 1e6, tokens };
  },
  'tokenizers (Rust)': async () => {
    await rust.encodeBatch(lines.slice(0, 2000));
    const t = process.cpuUsage();
    const encodings = await rust.encodeBatch(lines);
    const u = process.cpuUsage(t);
    return { cpuSeconds: (u.user + u.system) / 1e6, tokens: encodings.reduce((n, e) => n + e.getIds().length, 0) };
  },
  ...(existsSync(JS_TOKENIZERS) ? { '@huggingface/tokenizers (JS)': async () => {
    const { Tokenizer: JsTokenizer } = await import(JS_TOKENIZERS);
    const tok = new JsTokenizer(JSON.parse(readFileSync(tokenizerJson, 'utf8')), {});
    for (const l of lines.slice(0, 2000)) tok.encode(l);
    const t = process.cpuUsage();
    let tokens = 0;
    for (const l of lines) tokens += tok.encode(l).ids.length;
    const u = process.cpuUsage(t);
    return { cpuSeconds: (u.user + u.system) / 1e6, tokens };
  } } : {}),
  'sentencepiece (Python)': () => {
    const out = spawnSync('/usr/bin/python3', ['-c', PYTHON, MODEL, linesFile], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(out.stderr);
    const [seconds, tokens] = out.stdout.trim().split(' ').map(Number);
    return { cpuSeconds: seconds, tokens };
  },
};

const results = Object.fromEntries(Object.keys(engines).map((name) => [name, []]));
for (let r = 0; r < rounds; r++) {
  for (const [name, run] of Object.entries(engines)) {
    const { cpuSeconds, tokens } = await run();
    results[name].push(mb / cpuSeconds);
    console.log(JSON.stringify({ round: r + 1, engine: name, mb: Number(mb.toFixed(2)), cpuSeconds: Number(cpuSeconds.toFixed(3)), tokens }));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, xs] of Object.entries(results)) console.log(`${name}: ${median(xs).toFixed(2)} MB per CPU second (median of ${xs.length})`);
rmSync(work, { recursive: true, force: true });
