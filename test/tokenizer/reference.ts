/**
 * The oracle: Hugging Face `tokenizers` (Rust, npm binding) set up as BertTokenizerFast sets itself up from a
 * vocab.txt (BertNormalizer, BertPreTokenizer, WordPiece, BertProcessing, the five special tokens as added tokens).
 * Rust offsets count code points; ours count UTF-16 units — compare through toCodePointOffsets.
 */
import { createRequire } from 'node:module';
import type * as HfTokenizers from 'tokenizers';
import type { Encoding, Tokenizer } from '../../src/tokenizer/index.js';
import '../helpers/node-runtime.js';

const require = createRequire(import.meta.url);
export const hf = require('tokenizers') as typeof HfTokenizers;

export interface ReferenceOptions {
  lowercase: boolean;
  stripAccents?: boolean;
}

export async function referenceTokenizer(vocabPath: string, options: ReferenceOptions): Promise<HfTokenizers.Tokenizer> {
  const wordPiece = await hf.WordPiece.fromFile(vocabPath, { unkToken: '[UNK]' });
  const tokenizer = new hf.Tokenizer(wordPiece);
  tokenizer.setNormalizer(
    hf.bertNormalizer({
      cleanText: true,
      handleChineseChars: true,
      lowercase: options.lowercase,
      stripAccents: options.stripAccents ?? options.lowercase,
    }),
  );
  tokenizer.setPreTokenizer(hf.bertPreTokenizer());
  const sep = tokenizer.tokenToId('[SEP]');
  const cls = tokenizer.tokenToId('[CLS]');
  if (sep === null || cls === null) throw new Error(`${vocabPath}: no [SEP]/[CLS]`);
  tokenizer.setPostProcessor(hf.bertProcessing(['[SEP]', sep], ['[CLS]', cls]));
  tokenizer.setDecoder(hf.wordPieceDecoder('##', true));
  tokenizer.addSpecialTokens(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
  return tokenizer;
}

/** Maps UTF-16 offsets of `text` to code point offsets (a lone surrogate counts as one, as U+FFFD does in Rust). */
export function toCodePointOffsets(text: string, offsets: Int32Array): number[] {
  if (!/[\ud800-\udfff]/.test(text)) return Array.from(offsets);
  const cpAt = new Int32Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    cpAt[i] = cp;
    const c = text.charCodeAt(i);
    const d = text.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
      cpAt[i + 1] = cp;
      i++;
    }
    cp++;
  }
  cpAt[text.length] = cp;
  return Array.from(offsets, (o) => cpAt[o] ?? -1);
}

export interface ParityReport {
  compared: number;
  mismatches: number;
  examples: string[];
}

type Input = string | [string, string];

function sameArray(a: ArrayLike<number>, b: ArrayLike<number | null | undefined>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== (b[i] ?? -1)) return false;
  return true;
}

/** Encodes every input with both tokenizers and compares ids, type ids, offsets and word ids. */
export async function compareWithReference(
  mine: Tokenizer,
  reference: HfTokenizers.Tokenizer,
  inputs: readonly Input[],
  chunk = 4096,
): Promise<ParityReport> {
  const report: ParityReport = { compared: 0, mismatches: 0, examples: [] };
  for (let from = 0; from < inputs.length; from += chunk) {
    const batch = inputs.slice(from, from + chunk);
    // The npm binding's encodeBatch takes single strings only; pairs go through encode().
    const theirs = batch.every((input) => typeof input === 'string')
      ? await reference.encodeBatch(batch)
      : await Promise.all(batch.map((input) => (typeof input === 'string' ? reference.encode(input) : reference.encode(input[0], input[1]))));
    batch.forEach((input, k) => {
      const ours = typeof input === 'string' ? mine.encode(input) : mine.encode(input[0], input[1]);
      const ref = theirs[k];
      report.compared++;
      if (ref === undefined || !sameEncoding(ours, ref, input)) {
        report.mismatches++;
        if (report.examples.length < 5) {
          report.examples.push(
            `${JSON.stringify(input).slice(0, 300)}\n  ours:   ${JSON.stringify(mine.convertIdsToTokens(ours.ids))} ${JSON.stringify(Array.from(ours.offsets))}\n  theirs: ${JSON.stringify(ref?.getTokens())} ${JSON.stringify(ref?.getOffsets())}`,
          );
        }
      }
    });
  }
  return report;
}

function sameEncoding(ours: Encoding, ref: HfTokenizers.Encoding, input: Input): boolean {
  if (!sameArray(ours.ids, ref.getIds()) || !sameArray(ours.typeIds, ref.getTypeIds())) return false;
  if (!sameArray(ours.wordIds, ref.getWordIds())) return false;
  const refOffsets = ref.getOffsets().flat();
  const seqIds = ours.sequenceIds;
  const [a, b] = typeof input === 'string' ? [input, ''] : input;
  // Offsets are relative to each sequence's own text.
  const oursA = toCodePointOffsets(a, ours.offsets);
  const oursB = b === '' ? oursA : toCodePointOffsets(b, ours.offsets);
  for (let i = 0; i < refOffsets.length; i++) {
    const mineOffset = seqIds[i >> 1] === 1 ? oursB[i] : oursA[i];
    if (mineOffset !== refOffsets[i]) return false;
  }
  return refOffsets.length === ours.offsets.length;
}
