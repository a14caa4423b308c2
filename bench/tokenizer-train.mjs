// Vocabulary training through the CLI (`tsbert train-tokenizer`, streaming files): time and peak memory, and the
// quality of the 8,000-token vocabulary on held-out Brown (every 10th file held out; the rest is the training set).
// Also trains on the whole Brown corpus, and on Brown + nlp-corpus + SpamAssassin (~45 MB) to show streaming speed.
// Run: npm run build && node bench/tokenizer-train.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const c = await import(join(ROOT, 'dist/test/tokenizer/corpora.js'));
const { BertTokenizer } = await import(join(ROOT, 'dist/src/index.js'));
const dir = mkdtempSync(join(tmpdir(), 'tsbert-bench-train-'));

function train(name, files, vocabSize, cased) {
  const output = join(dir, `${name}.vocab.txt`);
  const args = [join(ROOT, 'dist/src/cli/main.js'), 'train-tokenizer', '--input', ...files, '--vocab-size', String(vocabSize), '--output', output, '--quiet'];
  if (cased) args.push('--cased');
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const seconds = (performance.now() - t) / 1000;
  const mb = files.reduce((sum, f) => sum + statSync(f).size, 0) / 1e6;
  const peakMb = Number(r.stderr.trim().split('\n').pop()) / 1024;
  return { output, seconds, mb, peakMb };
}

try {
  const files = c.brownFiles();
  const heldOut = files.filter((_, i) => i % 10 === 9).flatMap(c.brownSentences);
  const write = (name, lines) => {
    const path = join(dir, name);
    writeFileSync(path, lines.join('\n'));
    return path;
  };
  const trainFile = write('brown-train.txt', files.filter((_, i) => i % 10 !== 9).flatMap(c.brownSentences));
  const allBrown = write('brown-all.txt', c.brownCorpus());
  for (const cased of [false, true]) {
    const r = train(`brown-90-${cased}`, [trainFile], 8000, cased);
    const tok = BertTokenizer.fromVocabFile(r.output, { doLowerCase: !cased });
    let words = 0, tokens = 0, unk = 0;
    for (const s of heldOut) {
      words += tok.preTokenize(s).length;
      const ids = tok.encode(s, undefined, { addSpecialTokens: false }).ids;
      tokens += ids.length;
      for (const id of ids) if (id === tok.unkTokenId) unk++;
    }
    console.log(JSON.stringify({ bench: 'tokenizer-train', corpus: 'brown 90%', cased, vocabSize: 8000, mb: +r.mb.toFixed(2), seconds: +r.seconds.toFixed(2), peakMb: Math.round(r.peakMb), heldOutWords: words, tokensPerWord: +(tokens / words).toFixed(3), unkPercent: +((100 * unk) / tokens).toFixed(3) }));
  }
  const full = train('brown-all', [allBrown], 8000, false);
  console.log(JSON.stringify({ bench: 'tokenizer-train', corpus: 'brown 100%', vocabSize: 8000, mb: +full.mb.toFixed(2), seconds: +full.seconds.toFixed(2), peakMb: Math.round(full.peakMb) }));
  const big = [allBrown, write('nlp.txt', c.nlpCorpus()), write('spam.txt', c.spamAssassinLines())];
  const r = train('all', big, 30522, false);
  console.log(JSON.stringify({ bench: 'tokenizer-train', corpus: 'brown + nlp-corpus + spamassassin', vocabSize: 30522, mb: +r.mb.toFixed(2), seconds: +r.seconds.toFixed(2), mbPerS: +(r.mb / r.seconds).toFixed(2), peakMb: Math.round(r.peakMb) }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
