/**
 * The per-character part of BERT's normalizer (Hugging Face `BertNormalizer`), for characters that survive
 * clean-text: strip accents (NFD, then drop nonspacing marks), then lowercase, each code point on its own.
 *
 * Order and granularity follow the reference: accents are stripped before lowercasing, and lowercasing is Rust's
 * per-character `char::to_lowercase`, so a word-final Σ becomes σ (JavaScript's String#toLowerCase would give ς)
 * and İ becomes i (its U+0307 dot is already gone) when accents are stripped.
 */
import { charFlags, F_MARK, F_NO_NFD } from './char-classes.js';

export interface CharNormalizerOptions {
  lowercase: boolean;
  stripAccents: boolean;
}

export class CharNormalizer {
  readonly lowercase: boolean;
  readonly stripAccents: boolean;
  /** ASCII code unit → its normalized code unit (ASCII has no accents; only A-Z change). */
  readonly ascii: Uint16Array;
  private readonly cache = new Map<number, string>();
  private readonly flags = charFlags();

  constructor(options: CharNormalizerOptions) {
    this.lowercase = options.lowercase;
    this.stripAccents = options.stripAccents;
    this.ascii = new Uint16Array(128);
    for (let c = 0; c < 128; c++) this.ascii[c] = this.lowercase && c >= 65 && c <= 90 ? c + 32 : c;
  }

  /** The normalized text of one code point ('' when it is only a mark and accents are stripped). */
  map(cp: number): string {
    let out = this.cache.get(cp);
    if (out === undefined) {
      out = this.compute(cp);
      this.cache.set(cp, out);
    }
    return out;
  }

  private compute(cp: number): string {
    const flags = this.flags;
    let text = String.fromCodePoint(cp);
    if (this.stripAccents) {
      const decomposed = ((flags[cp] ?? 0) & F_NO_NFD) !== 0 ? text : text.normalize('NFD');
      text = '';
      for (const ch of decomposed) {
        const c = ch.codePointAt(0) ?? 0;
        if (((flags[c] ?? 0) & F_MARK) === 0) text += ch;
      }
    }
    if (this.lowercase) {
      let lowered = '';
      for (const ch of text) lowered += ch.toLowerCase();
      text = lowered;
    }
    return text;
  }
}
