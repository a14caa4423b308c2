/**
 * The second stage (Hugging Face `tokenizers`' PreTokenizer): cuts normalized text into words, the units the model
 * tokenizes one at a time and that word ids count. Words go out through `word` (a WordBuilder the caller owns, sized
 * for its model) into `sink`.
 */
import type { JsonObject } from '../json-fields.js';
import type { NormalizedText } from '../normalized-text.js';
import type { WordBuilder } from '../word-builder.js';
import type { WordSink } from '../word-sink.js';

export interface PreTokenizer {
  /** Splits `input` into words, building each in `word` and flushing it to `sink`. */
  preTokenize(input: NormalizedText, word: WordBuilder, sink: WordSink): void;
  /** The stage as tokenizer.json writes it. */
  toJSON(): JsonObject;
}
