/**
 * Hugging Face's Metaspace decoder (tokenizers/src/decoders, the Metaspace pre-tokenizer's decode_chain): each `▁`
 * becomes a space, and the space the pre-tokenizer prepended is dropped from the first token (unless the prepend
 * scheme is "never").
 */
import type { JsonObject } from '../json-fields.js';
import type { PrependScheme } from '../pre-tokenizers/metaspace.js';
import type { Decoder } from './decoder.js';

export class MetaspaceDecoder implements Decoder {
  constructor(
    readonly replacement = '\u2581',
    readonly prependScheme: PrependScheme = 'always',
    readonly split = true,
  ) {}

  decode(tokens: readonly string[]): string {
    let out = '';
    for (let i = 0; i < tokens.length; i++) {
      const token = (tokens[i] ?? '').split(this.replacement).join(' ');
      out += i === 0 && this.prependScheme !== 'never' && token.startsWith(' ') ? token.slice(1) : token;
    }
    return out;
  }

  toJSON(): JsonObject {
    return { type: 'Metaspace', replacement: this.replacement, prepend_scheme: this.prependScheme, split: this.split };
  }
}
