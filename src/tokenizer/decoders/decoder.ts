/**
 * The last stage (Hugging Face `tokenizers`' Decoder): turns tokens back into text, undoing what the model and
 * pre-tokenizer did to words (WordPiece's `##`, byte-level BPE's byte characters, SentencePiece's ▁).
 */
import type { JsonObject } from '../json-fields.js';

export interface Decoder {
  /**
   * The text of `tokens`. `cleanup` overrides the decoder's own cleanup of tokenization spaces, where it has one
   * (transformers' clean_up_tokenization_spaces); decoders without it ignore it.
   */
  decode(tokens: readonly string[], cleanup?: boolean): string;
  /** The stage as tokenizer.json writes it. */
  toJSON(): JsonObject;
}
