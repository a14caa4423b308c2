/**
 * Hugging Face's Metaspace pre-tokenizer (tokenizers/src/pre_tokenizers/metaspace.rs), SentencePiece's word
 * boundary convention: every space becomes the replacement `▁` (escape_whitespaces), a `▁` is put before the text
 * (add_dummy_prefix; prepend_scheme "always", or "first": only before the text's first section, "never"), and with
 * `split` each `▁` starts a new word (MergedWithNext), so pieces never cross a word start.
 *
 * Spans: a replaced space keeps the space's span; the prepended `▁` takes the span of the first character, as the
 * reference's NormalizedString::prepend aligns it.
 */
import type { JsonObject } from '../json-fields.js';
import type { NormalizedText } from '../normalized-text.js';
import type { WordBuilder } from '../word-builder.js';
import type { WordSink } from '../word-sink.js';
import type { PreTokenizer } from './pre-tokenizer.js';

export const PREPEND_SCHEMES = ['always', 'first', 'never'] as const;
export type PrependScheme = (typeof PREPEND_SCHEMES)[number];

const SPACE = 0x20;

export class Metaspace implements PreTokenizer {
  readonly replacementUnit: number;

  constructor(
    readonly replacement = '\u2581',
    readonly prependScheme: PrependScheme = 'always',
    readonly split = true,
  ) {
    this.replacementUnit = replacement.charCodeAt(0);
  }

  preTokenize(input: NormalizedText, word: WordBuilder, sink: WordSink): void {
    const n = input.length;
    if (n === 0) return;
    const mark = this.replacementUnit;
    const first = input.units[0] ?? 0;
    // "first" prepends only to the section that begins the text (its first character came from offset 0).
    const prepend = first !== SPACE && first !== mark && (this.prependScheme === 'always' || (this.prependScheme === 'first' && input.starts[0] === 0));
    if (prepend) {
      const size = input.codePointAt(0) & 3;
      word.append(mark, input.starts[0] ?? 0, input.ends[size - 1] ?? 0, 1);
    }
    for (let k = 0; k < n; ) {
      const unit = input.units[k] ?? 0;
      if (unit === SPACE || unit === mark) {
        if (this.split) word.flush(sink);
        word.append(mark, input.starts[k] ?? 0, input.ends[k] ?? 0, 1);
        k++;
        continue;
      }
      const size = input.codePointAt(k) & 3;
      word.appendFrom(input, k, size);
      k += size;
    }
    word.flush(sink);
  }

  toJSON(): JsonObject {
    return { type: 'Metaspace', replacement: this.replacement, prepend_scheme: this.prependScheme, split: this.split };
  }
}
