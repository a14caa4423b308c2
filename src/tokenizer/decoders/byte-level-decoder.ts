/**
 * Hugging Face's ByteLevel decoder (tokenizers/src/pre_tokenizers/byte_level.rs, decode_chain): the tokens' byte
 * characters back to bytes, all tokens together, read as UTF-8 with invalid sequences as U+FFFD (Rust's
 * from_utf8_lossy; TextDecoder replaces the same maximal subparts). A token with a character outside the byte
 * alphabet (an added token such as "<mask>" is within it) counts as its own UTF-8 bytes, as there. Its options are
 * the pre-tokenizer's, kept for tokenizer.json; decoding does not use them.
 */
import { UNIT_TO_BYTE, utf8Bytes } from '../byte-level-alphabet.js';
import type { JsonObject } from '../json-fields.js';
import type { Decoder } from './decoder.js';

export class ByteLevelDecoder implements Decoder {
  // ignoreBOM: a leading EF BB BF is text here, not a marker to drop (from_utf8_lossy keeps it).
  private readonly utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

  constructor(
    readonly addPrefixSpace = true,
    readonly trimOffsets = true,
    readonly useRegex = true,
  ) {}

  decode(tokens: readonly string[]): string {
    let total = 0;
    for (const token of tokens) total += 4 * token.length;
    const bytes = new Uint8Array(total);
    let n = 0;
    for (const token of tokens) {
      const start = n;
      let inAlphabet = true;
      for (let k = 0; k < token.length && inAlphabet; k++) {
        const unit = token.charCodeAt(k);
        const byte = unit < UNIT_TO_BYTE.length ? (UNIT_TO_BYTE[unit] ?? -1) : -1;
        if (byte < 0) inAlphabet = false;
        else bytes[n++] = byte;
      }
      if (inAlphabet) continue;
      n = start;
      for (const ch of token) {
        const cp = ch.codePointAt(0) ?? 0xfffd;
        n += utf8Bytes(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp, bytes, n); // a lone surrogate: what Rust would hold
      }
    }
    return this.utf8.decode(bytes.subarray(0, n));
  }

  toJSON(): JsonObject {
    return { type: 'ByteLevel', add_prefix_space: this.addPrefixSpace, trim_offsets: this.trimOffsets, use_regex: this.useRegex };
  }
}
