/**
 * BERT's pre-tokenizer (Hugging Face `BertPreTokenizer`, tokenizers/src/pre_tokenizers/bert.rs): split on whitespace
 * (Rust `char::is_whitespace`, which drops it) and make every punctuation character (ASCII symbols and Unicode P*)
 * a word of its own.
 *
 * After BertNormalizer the pipeline runs BasicTokenizer instead, which fuses both stages; this staged form serves
 * every other normalizer (or none).
 */
import { charFlags, F_PUNCT, F_SPACE } from '../char-classes.js';
import type { JsonObject } from '../json-fields.js';
import type { NormalizedText } from '../normalized-text.js';
import type { WordBuilder } from '../word-builder.js';
import type { WordSink } from '../word-sink.js';
import type { PreTokenizer } from './pre-tokenizer.js';

export class BertPreTokenizer implements PreTokenizer {
  private readonly flags = charFlags();

  preTokenize(input: NormalizedText, word: WordBuilder, sink: WordSink): void {
    const flags = this.flags;
    for (let k = 0; k < input.length; ) {
      const packed = input.codePointAt(k);
      const units = packed & 3;
      const f = flags[packed >>> 2] ?? 0;
      if ((f & F_SPACE) !== 0) word.flush(sink);
      else {
        const punct = (f & F_PUNCT) !== 0;
        if (punct) word.flush(sink);
        word.appendFrom(input, k, units);
        if (punct) word.flush(sink);
      }
      k += units;
    }
    word.flush(sink);
  }

  toJSON(): JsonObject {
    return { type: 'BertPreTokenizer' };
  }
}
