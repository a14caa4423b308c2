/**
 * Hugging Face's Whitespace pre-tokenizer (tokenizers/src/pre_tokenizers/whitespace.rs): the matches of the regex
 * `\w+|[^\w\s]+` — runs of word characters, and runs of other non-space characters — with whitespace dropped. The
 * word class is the one its regex engine uses, measured (unicode-tables.ts WORD).
 */
import { charFlags, F_SPACE, F_WORD } from '../char-classes.js';
import type { JsonObject } from '../json-fields.js';
import type { NormalizedText } from '../normalized-text.js';
import type { WordBuilder } from '../word-builder.js';
import type { WordSink } from '../word-sink.js';
import type { PreTokenizer } from './pre-tokenizer.js';

const NONE = 0;
const WORD = 1;
const OTHER = 2;

export class Whitespace implements PreTokenizer {
  private readonly flags = charFlags();

  preTokenize(input: NormalizedText, word: WordBuilder, sink: WordSink): void {
    const flags = this.flags;
    let run = NONE;
    for (let k = 0; k < input.length; ) {
      const packed = input.codePointAt(k);
      const units = packed & 3;
      const f = flags[packed >>> 2] ?? 0;
      const kind = (f & F_WORD) !== 0 ? WORD : (f & F_SPACE) !== 0 ? NONE : OTHER;
      if (kind !== run) word.flush(sink);
      if (kind !== NONE) word.appendFrom(input, k, units);
      run = kind;
      k += units;
    }
    word.flush(sink);
  }

  toJSON(): JsonObject {
    return { type: 'Whitespace' };
  }
}
