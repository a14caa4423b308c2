/**
 * Character classes of BERT's text rules (and the Whitespace pre-tokenizer's), as one flag byte per code point.
 *
 * The sets come from unicode-tables.ts, measured on Hugging Face `tokenizers` (the reference); the CJK ranges are
 * BERT's own (`_is_chinese_char` in google-research/bert tokenization.py, same in tokenizers' BertNormalizer).
 * Lowercasing is per code point, as Rust's `char::to_lowercase` (no final-sigma rule): see CharNormalizer.
 */
import { CLEAN_REMOVE, CLEAN_SPACE, MARK, NO_NFD, PUNCT, SPLIT_SPACE, WORD } from './unicode-tables.js';

/** Dropped by clean-text (controls, format characters, private use, NUL, U+FFFD). */
export const F_REMOVE = 1;
/** Becomes a space under clean-text. */
export const F_CLEAN_SPACE = 2;
/** Splits words (Rust `char::is_whitespace`). */
export const F_SPACE = 4;
/** A word of its own (ASCII symbols and Unicode P*). */
export const F_PUNCT = 8;
/** Removed by strip-accents after NFD. */
export const F_MARK = 16;
/** CJK ideograph: isolated when tokenize_chinese_chars is on. */
export const F_CJK = 32;
/** Kept whole by the reference's NFD although this runtime decomposes it. */
export const F_NO_NFD = 64;
/** A word character (\w) of the Whitespace pre-tokenizer. */
export const F_WORD = 128;

/** BERT's CJK Unified Ideographs blocks (not Hangul, Hiragana or Katakana). */
const CJK_RANGES: readonly number[] = [
  0x4e00, 0x9fff, 0x3400, 0x4dbf, 0x20000, 0x2a6df, 0x2a700, 0x2b73f, 0x2b740, 0x2b81f, 0x2b920, 0x2ceaf, 0xf900,
  0xfaff, 0x2f800, 0x2fa1f,
];

function fill(table: Uint8Array, ranges: readonly number[], flag: number): void {
  for (let i = 0; i + 1 < ranges.length; i += 2) {
    const first = ranges[i] ?? 0;
    const last = ranges[i + 1] ?? -1;
    if (last - first > 256 && table.subarray(first, last + 1).every((f) => f === 0)) table.fill(flag, first, last + 1);
    else for (let c = first; c <= last; c++) table[c] = (table[c] ?? 0) | flag;
  }
}

function buildFlags(): Uint8Array {
  const table = new Uint8Array(0x110000);
  fill(table, CLEAN_REMOVE, F_REMOVE);
  fill(table, CLEAN_SPACE, F_CLEAN_SPACE);
  fill(table, SPLIT_SPACE, F_SPACE);
  fill(table, PUNCT, F_PUNCT);
  fill(table, MARK, F_MARK);
  fill(table, CJK_RANGES, F_CJK);
  fill(table, NO_NFD, F_NO_NFD);
  fill(table, WORD, F_WORD);
  return table;
}

/** Flags of every code point, indexed by code point (1.1 MB, built once on first use). */
let flagsTable: Uint8Array | undefined;
export function charFlags(): Uint8Array {
  flagsTable ??= buildFlags();
  return flagsTable;
}
