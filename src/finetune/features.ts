/**
 * What a fine-tuning example becomes after tokenization: one sequence (classification, tagging, a QA window) or one
 * per choice (multiple choice), unpadded — batches are padded to their own longest sequence (dynamic padding).
 */
import type { Encoding } from '../tokenizer/encoding.js';

/** Token ids and segment ids of one sequence, special tokens included. */
export interface EncodedSequence {
  ids: Int32Array;
  typeIds: Int32Array;
}

export interface Feature {
  /** One sequence, or one per choice. */
  sequences: readonly EncodedSequence[];
  /** The longest sequence's length: what the feature costs in a batch, and the key of length grouping. */
  length: number;
}

/** A copy of an encoding's ids and type ids (encodings are views into shared slabs). */
export function encodedSequence(encoding: Encoding): EncodedSequence {
  return { ids: encoding.ids.slice(), typeIds: encoding.typeIds.slice() };
}

export function featureOf<Extra extends object>(sequences: readonly EncodedSequence[], extra: Extra): Feature & Extra {
  return { sequences, length: Math.max(...sequences.map((s) => s.ids.length)), ...extra };
}
