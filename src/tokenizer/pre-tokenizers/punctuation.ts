/**
 * Hugging Face's Punctuation pre-tokenizer (tokenizers/src/pre_tokenizers/punctuation.rs): splits at punctuation
 * (ASCII punctuation and Unicode P*, the class BertPreTokenizer isolates) with a SplitBehavior, `Isolated` by default.
 */
import { charFlags, F_PUNCT } from '../char-classes.js';
import type { JsonObject } from '../json-fields.js';
import type { NormalizedText } from '../normalized-text.js';
import type { WordBuilder } from '../word-builder.js';
import type { WordSink } from '../word-sink.js';
import type { PreTokenizer } from './pre-tokenizer.js';
import { splitOnClass, type SplitBehavior } from './split-behavior.js';

export class Punctuation implements PreTokenizer {
  private readonly flags = charFlags();

  constructor(readonly behavior: SplitBehavior = 'Isolated') {}

  preTokenize(input: NormalizedText, word: WordBuilder, sink: WordSink): void {
    splitOnClass(input, this.flags, F_PUNCT, this.behavior, word, sink);
  }

  toJSON(): JsonObject {
    return { type: 'Punctuation', behavior: this.behavior };
  }
}
