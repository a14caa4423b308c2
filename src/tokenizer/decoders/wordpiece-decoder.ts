/**
 * Hugging Face's WordPiece decoder (tokenizers/src/decoders/wordpiece.rs): pieces joined with spaces, continuations
 * (`##`) glued to the previous piece, and optionally the cleanup of spaces before punctuation and in contractions —
 * applied token by token, as the Rust library does, so the output matches it exactly.
 */
import type { JsonObject } from '../json-fields.js';
import { cleanUpSpaces } from './clean-up-spaces.js';
import type { Decoder } from './decoder.js';

export class WordPieceDecoder implements Decoder {
  constructor(
    readonly prefix = '##',
    readonly cleanup = true,
  ) {}

  decode(tokens: readonly string[], cleanup = this.cleanup): string {
    let out = '';
    for (let i = 0; i < tokens.length; i++) {
      let token = tokens[i] ?? '';
      if (i > 0) token = token.startsWith(this.prefix) ? token.slice(this.prefix.length) : ' ' + token;
      if (cleanup) token = cleanUpSpaces(token, 'tokenizers');
      out += token;
    }
    return out;
  }

  toJSON(): JsonObject {
    return { type: 'WordPiece', prefix: this.prefix, cleanup: this.cleanup };
  }
}
