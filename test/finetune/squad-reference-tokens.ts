/**
 * Hugging Face `tokenizers` (npm) encodings of question/context pairs, whole (no truncation), for
 * reference/make_qa_goldens.py, which windows them itself: `node dist/test/finetune/squad-reference-tokens.js VOCAB`
 * reads `[[question, context], ...]` as JSON on stdin and writes, per pair, ids, code point offsets and sequence ids.
 * (The npm binding cuts a sequence to maxLength before windowing it, so its own overflowing windows stop early; see
 * test/tokenizer/encode-options.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { referenceTokenizer } from '../tokenizer/reference.js';

export interface ReferenceTokens {
  ids: number[];
  offsets: Array<[number, number]>;
  sequenceIds: Array<number | null>;
}

export async function referenceQaTokens(vocab: string, pairs: ReadonlyArray<readonly [string, string]>): Promise<ReferenceTokens[]> {
  const tokenizer = await referenceTokenizer(vocab, { lowercase: true });
  const out: ReferenceTokens[] = [];
  for (const [question, context] of pairs) {
    const encoding = await tokenizer.encode(question, context);
    out.push({
      ids: encoding.getIds(),
      offsets: encoding.getOffsets() as Array<[number, number]>,
      sequenceIds: encoding.getSequenceIds().map((s) => s ?? null),
    });
  }
  return out;
}

// Run as a script with a vocabulary (`node --test dist/test/` also loads this file, with no arguments: then nothing).
const vocab = process.argv[2];
if (process.argv[1] === fileURLToPath(import.meta.url) && vocab !== undefined) {
  const pairs = JSON.parse(readFileSync(0, 'utf8')) as Array<[string, string]>;
  process.stdout.write(`${JSON.stringify(await referenceQaTokens(vocab, pairs))}\n`);
}
