/**
 * The third stage (Hugging Face `tokenizers`' Model: WordPiece, BPE, Unigram, WordLevel): turns one word into tokens.
 * A word arrives as the pre-tokenizer built it — normalized UTF-16 units, each with the [start, end) of the original
 * character it came from — and leaves as token ids with their spans in the original text, appended to a TokenBuffer.
 * Nothing is allocated per word or per character on this path.
 *
 * A model that works on bytes (byte-level BPE) or on whole strings (Unigram's lattice) reads the same units; a
 * token that covers units i..j spans [starts[i], ends[j]).
 */
import type { JsonObject } from '../json-fields.js';
import type { TokenBuffer } from '../token-buffer.js';

export interface Model {
  /**
   * Units of a word the model must see; longer words reach it cut to this many, with their full span (the last
   * unit's end) and their full length in code points. WordPiece needs 2·max_input_chars_per_word + 2; a model
   * without such a limit says Infinity.
   */
  readonly maxWordUnits: number;
  /** Ids run from 0 to vocabSize - 1. */
  readonly vocabSize: number;
  /** The id given to what the vocabulary cannot express, if the model has one. */
  readonly unkTokenId: number | undefined;
  /**
   * Appends the tokens of one word to `out`: units[0..length) with per-unit original spans, `codePoints` the word's
   * length in code points (it may be longer than the units passed), `word` the word index to record.
   */
  tokenizeWord(
    units: Uint16Array,
    starts: Int32Array,
    ends: Int32Array,
    length: number,
    codePoints: number,
    word: number,
    out: TokenBuffer,
  ): void;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  /** The model as tokenizer.json writes it, vocabulary included. */
  toJSON(): JsonObject;
}
