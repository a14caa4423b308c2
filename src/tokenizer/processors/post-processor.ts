/**
 * The fourth stage (Hugging Face `tokenizers`' PostProcessor): assembles the final Encoding from the tokens of one
 * text or a pair, adding special tokens and token type ids.
 */
import type { Encoding } from '../encoding.js';
import type { JsonObject } from '../json-fields.js';
import type { SequenceTokens } from '../sequence-tokens.js';

export interface PostProcessor {
  /** How many special tokens `process` adds (truncation leaves room for them). */
  addedTokens(isPair: boolean): number;
  /** The encoding of `a` (and `b`); without special tokens when `addSpecialTokens` is false. */
  process(a: SequenceTokens, b: SequenceTokens | undefined, addSpecialTokens: boolean): Encoding;
  /** The special tokens it may add, as [token, id] pairs (the tokenizer checks them against its vocabulary). */
  specialTokenIds(): Array<[string, number]>;
  /**
   * The processor a tokenizer runs, given its tokens' text (`tokenOf`); processors that read token text
   * (RobertaProcessing trims offsets at the spaces a token holds) bind to it here, the others need not have it;
   * `isAdded` tells the added tokens, whose text is their span of the input (they may have taken whitespace).
   */
  forTokens?(tokenOf: (id: number) => string | undefined, isAdded?: (id: number) => boolean): PostProcessor;
  /** The stage as tokenizer.json writes it. */
  toJSON(): JsonObject;
}
