/**
 * BERT's normalizer (Hugging Face `BertNormalizer`, tokenizers/src/normalizers/bert.rs), in its order: clean text
 * (drop NUL, U+FFFD and control characters; whitespace becomes a space), put spaces around CJK ideographs, strip
 * accents, lowercase. The per-character part (accents, case) is CharNormalizer's; the character classes are
 * measured from the Rust library (char-classes.ts).
 *
 * BERT's tokenizer does not run this staged code: with BertPreTokenizer after it, the pipeline uses BasicTokenizer,
 * which fuses both stages into one pass. This is the same rule for other pre-tokenizers, and the reference the fused
 * pass is tested against.
 */
import { charFlags, F_CJK, F_CLEAN_SPACE, F_REMOVE } from '../char-classes.js';
import { CharNormalizer } from '../char-normalizer.js';
import type { JsonObject } from '../json-fields.js';
import type { NormalizedText } from '../normalized-text.js';
import type { Normalizer } from './normalizer.js';

export interface BertNormalizerOptions {
  /** Drop control characters, map whitespace to spaces. Default true. */
  cleanText?: boolean;
  /** Isolate CJK ideographs. Default true. */
  handleChineseChars?: boolean;
  /** Strip accents; null/undefined: same as `lowercase` (Hugging Face's rule). */
  stripAccents?: boolean | null;
  /** Default true. */
  lowercase?: boolean;
}

const SPACE = 0x20;

export class BertNormalizer implements Normalizer {
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  /** As configured (null: follows lowercase); `chars.stripAccents` is the effective setting. */
  readonly stripAccents: boolean | null;
  readonly lowercase: boolean;
  /** Accents and case, one code point at a time (cached). */
  readonly chars: CharNormalizer;
  private readonly flags = charFlags();

  constructor(options: BertNormalizerOptions = {}) {
    this.cleanText = options.cleanText ?? true;
    this.handleChineseChars = options.handleChineseChars ?? true;
    this.stripAccents = options.stripAccents ?? null;
    this.lowercase = options.lowercase ?? true;
    this.chars = new CharNormalizer({ lowercase: this.lowercase, stripAccents: this.stripAccents ?? this.lowercase });
  }

  normalize(input: NormalizedText, out: NormalizedText): void {
    out.clear();
    const flags = this.flags;
    for (let k = 0; k < input.length; ) {
      const packed = input.codePointAt(k);
      const cp = packed >>> 2;
      const units = packed & 3;
      const start = input.starts[k] ?? 0;
      const end = input.ends[k + units - 1] ?? 0;
      k += units;
      const f = flags[cp] ?? 0;
      if (this.cleanText && (f & F_REMOVE) !== 0) continue;
      if (this.cleanText && (f & F_CLEAN_SPACE) !== 0) {
        out.push(SPACE, start, end);
        continue;
      }
      const mapped = this.chars.map(cp);
      const isolate = this.handleChineseChars && (f & F_CJK) !== 0;
      if (isolate) out.push(SPACE, start, end);
      for (let j = 0; j < mapped.length; j++) out.push(mapped.charCodeAt(j), start, end);
      if (isolate) out.push(SPACE, start, end);
    }
  }

  toJSON(): JsonObject {
    return {
      type: 'BertNormalizer',
      clean_text: this.cleanText,
      handle_chinese_chars: this.handleChineseChars,
      strip_accents: this.stripAccents,
      lowercase: this.lowercase,
    };
  }
}
