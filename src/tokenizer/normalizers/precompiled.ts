/**
 * Hugging Face's Precompiled normalizer (tokenizers/src/normalizers/precompiled.rs): SentencePiece's compiled
 * normalization rules (nmt_nfkc: NFKC plus sentencepiece's own — control characters dropped, whitespace variants to
 * a space, ...), read from the model's precompiled_charsmap. Applied as sentencepiece's normalizer applies them
 * (normalizer.cc, Normalizer::Normalize): at each position the longest rule that matches replaces the text it
 * covers; text no rule matches is kept. Output characters take the spans of the consumed characters in order (the
 * reference's alignment: "ﬁ" → "f" and "i" both span the ligature, "e" + U+0301 → "é" spans the "e").
 *
 * Whitespace (sentencepiece's remove_extra_whitespaces, add_dummy_prefix, escape_whitespaces) is not this stage's:
 * in a Hugging Face pipeline it is the Strip and Replace normalizers and the Metaspace pre-tokenizer.
 */
import { base64Decode, base64Encode } from '../base64.js';
import type { JsonObject } from '../json-fields.js';
import type { NormalizedText } from '../normalized-text.js';
import { PrecompiledCharsMap } from '../sentencepiece/charsmap.js';
import type { Normalizer } from './normalizer.js';

export class Precompiled implements Normalizer {
  readonly charsMap: PrecompiledCharsMap;

  /** `source` names the model file or tokenizer.json in errors about a malformed map. */
  constructor(charsMap: Uint8Array | PrecompiledCharsMap, source = 'precompiled_charsmap') {
    this.charsMap = charsMap instanceof PrecompiledCharsMap ? charsMap : new PrecompiledCharsMap(charsMap, source);
  }

  /** tokenizer.json's form: the map in base64. */
  static fromBase64(text: string, source: string): Precompiled {
    return new Precompiled(base64Decode(text, `${source}: precompiled_charsmap`), source);
  }

  normalize(input: NormalizedText, out: NormalizedText): void {
    out.clear();
    const { units, starts, ends, length } = input;
    const map = this.charsMap;
    for (let k = 0; k < length; ) {
      const match = map.longestMatch(units, k, length);
      if (match < 0) {
        const size = input.codePointAt(k) & 3;
        for (let j = 0; j < size; j++) out.push(units[k + j] ?? 0, starts[k + j] ?? 0, ends[k + j] ?? 0);
        k += size;
        continue;
      }
      const consumed = match & 63;
      const text = map.normalized(Math.floor(match / 64));
      // Output character j takes the span of consumed character j (the last one's when the output is longer), as
      // the reference's transformations align them: 1:1 in order, inserted characters after the last.
      let from = k;
      for (let j = 0; j < text.length; ) {
        const size = input.codePointAt(from) & 3;
        const start = starts[from] ?? 0;
        const end = ends[from + size - 1] ?? 0;
        const c = text.charCodeAt(j);
        const pair = c >= 0xd800 && c <= 0xdbff && j + 1 < text.length;
        out.push(c, start, end);
        if (pair) out.push(text.charCodeAt(j + 1), start, end);
        j += pair ? 2 : 1;
        if (from + size < k + consumed) from += size;
      }
      k += consumed;
    }
  }

  toJSON(): JsonObject {
    return { type: 'Precompiled', precompiled_charsmap: base64Encode(this.charsMap.bytes) };
  }
}
