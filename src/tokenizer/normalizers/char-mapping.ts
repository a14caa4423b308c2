/**
 * Hugging Face's per-character normalizers (tokenizers/src/normalizers/unicode.rs and strip.rs): NFKD, StripAccents
 * (drop combining marks) and Lowercase (Rust's `char::to_lowercase`, one character at a time — see CharNormalizer).
 * Each output unit spans the character it came from. NFKD decomposes each character on its own, so marks of two
 * neighbouring characters are not put in canonical order across them (ALBERT strips them right after).
 */
import { charFlags, F_MARK } from '../char-classes.js';
import { CharNormalizer } from '../char-normalizer.js';
import type { JsonObject } from '../json-fields.js';
import type { NormalizedText } from '../normalized-text.js';
import type { Normalizer } from './normalizer.js';

export const CHAR_MAPPINGS = ['NFKD', 'StripAccents', 'Lowercase'] as const;
export type CharMappingType = (typeof CHAR_MAPPINGS)[number];

export class CharMapping implements Normalizer {
  private readonly cache = new Map<number, string>();
  private readonly map: (cp: number) => string;

  constructor(readonly type: CharMappingType) {
    const flags = charFlags();
    const lower = new CharNormalizer({ lowercase: true, stripAccents: false });
    this.map =
      type === 'NFKD'
        ? (cp) => String.fromCodePoint(cp).normalize('NFKD')
        : type === 'StripAccents'
          ? (cp) => (((flags[cp] ?? 0) & F_MARK) !== 0 ? '' : String.fromCodePoint(cp))
          : (cp) => lower.map(cp);
  }

  normalize(input: NormalizedText, out: NormalizedText): void {
    out.clear();
    for (let k = 0; k < input.length; ) {
      const packed = input.codePointAt(k);
      const cp = packed >>> 2;
      const size = packed & 3;
      const start = input.starts[k] ?? 0;
      const end = input.ends[k + size - 1] ?? 0;
      k += size;
      if (cp < 0x80 && this.type !== 'Lowercase') {
        out.push(cp, start, end);
        continue;
      }
      let mapped = this.cache.get(cp);
      if (mapped === undefined) {
        mapped = this.map(cp);
        this.cache.set(cp, mapped);
      }
      for (let j = 0; j < mapped.length; j++) out.push(mapped.charCodeAt(j), start, end);
    }
  }

  toJSON(): JsonObject {
    return { type: this.type };
  }
}
