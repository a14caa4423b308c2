/**
 * The first stage (Hugging Face `tokenizers`' Normalizer): rewrites the text — cleans, lowercases, strips accents —
 * keeping for every unit the span of the original character it came from, so offsets still point into the raw text.
 */
import type { JsonObject } from '../json-fields.js';
import type { NormalizedText } from '../normalized-text.js';

export interface Normalizer {
  /** Writes the normalized form of `input` to `out` (cleared first), each unit with its original span. */
  normalize(input: NormalizedText, out: NormalizedText): void;
  /** The stage as tokenizer.json writes it: `{ "type": ..., ...options }`. */
  toJSON(): JsonObject;
}
