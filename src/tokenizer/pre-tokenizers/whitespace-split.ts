/**
 * Hugging Face's WhitespaceSplit (tokenizers/src/pre_tokenizers/whitespace.rs): words are the runs between
 * whitespace (Rust `char::is_whitespace`), which is dropped.
 */
import { charFlags, F_SPACE } from '../char-classes.js';
import type { JsonObject } from '../json-fields.js';
import type { NormalizedText } from '../normalized-text.js';
import type { WordBuilder } from '../word-builder.js';
import type { WordSink } from '../word-sink.js';
import type { PreTokenizer } from './pre-tokenizer.js';
import { splitOnClass } from './split-behavior.js';

export class WhitespaceSplit implements PreTokenizer {
  private readonly flags = charFlags();

  preTokenize(input: NormalizedText, word: WordBuilder, sink: WordSink): void {
    splitOnClass(input, this.flags, F_SPACE, 'Removed', word, sink);
  }

  toJSON(): JsonObject {
    return { type: 'WhitespaceSplit' };
  }
}
