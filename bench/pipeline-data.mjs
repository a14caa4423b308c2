/**
 * The real mixed-length text of the pipeline speed comparison (issue 12), as `tsbert predict`'s JSON lines:
 *
 *   node bench/pipeline-data.mjs [--out bench/results]
 *
 * - spam-2000.jsonl: 2,000 SpamAssassin messages spread over the corpus (headers stripped, cut at 2,000
 *   characters: bench/pipeline-texts.mjs); both libraries truncate them at the model's 512 tokens;
 * - brown-20000.jsonl: 20,000 Brown sentences spread over the corpus.
 * One `{"text": ...}` per line. Prints each file's lines and characters. Needs `npm run build` (dist/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brownSentences, evenlySpaced, spamTexts } from './pipeline-texts.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const OUT = resolve(args.includes('--out') ? args[args.indexOf('--out') + 1] : join(ROOT, 'bench/results'));

mkdirSync(OUT, { recursive: true });
const sets = {
  'spam-2000.jsonl': evenlySpaced(spamTexts(), 2000),
  'brown-20000.jsonl': evenlySpaced(brownSentences().map((s) => s.text), 20000),
};
for (const [name, texts] of Object.entries(sets)) {
  writeFileSync(join(OUT, name), texts.map((text) => `${JSON.stringify({ text })}\n`).join(''));
  const chars = texts.reduce((n, t) => n + t.length, 0);
  console.log(JSON.stringify({ file: join(OUT, name), lines: texts.length, chars }));
}
