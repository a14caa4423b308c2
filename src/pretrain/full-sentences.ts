/**
 * RoBERTa's FULL-SENTENCES inputs (Liu et al. 2019 §4.2): "each input is packed with full sentences sampled
 * contiguously from one or more documents, such that the total length is at most 512 tokens. Inputs may cross
 * document boundaries. When we reach the end of one document, we begin sampling sentences from the next document and
 * add an extra separator token between documents." No NSP: one segment, `<s> text </s>`.
 *
 * The rule here, greedy in document order:
 * - an instance holds up to `maxSeqLength - 2` tokens between `<s>` and the final `</s>`;
 * - sentences are kept whole: one that does not fit closes the instance and opens the next;
 * - where the next sentence starts a new document and joins a non-empty instance, a `</s>` goes before it;
 * - a sentence longer than a whole instance (rare: 126 tokens at 128) is the only thing cut, into consecutive
 *   pieces that each fill an instance, so no token is dropped.
 * Every sentence of every document lands in exactly one place, in order.
 */
import { ValueError } from '../errors.js';
import type { TokenizedDocument } from './instances.js';

export interface PackedInstance {
  /** `<s> … </s>`, documents separated by `</s>`. [seq ≤ maxSeqLength] */
  ids: Int32Array;
  /** Indexes of the documents it holds text of, in order. */
  documents: number[];
}

export function packFullSentences(documents: readonly TokenizedDocument[], maxSeqLength: number, bosId: number, eosId: number): PackedInstance[] {
  if (!Number.isInteger(maxSeqLength) || maxSeqLength < 3 || maxSeqLength > 65535) {
    throw new ValueError(`full-sentence packing: maxSeqLength must be an integer in [3, 65535] (<s>, a token, </s>), got ${maxSeqLength}`);
  }
  const capacity = maxSeqLength - 2;
  const out: PackedInstance[] = [];
  let content: number[] = [];
  let held: number[] = [];
  const flush = (): void => {
    if (content.length === 0) return;
    const ids = new Int32Array(content.length + 2);
    ids[0] = bosId;
    ids.set(content, 1);
    ids[content.length + 1] = eosId;
    out.push({ ids, documents: held });
    content = [];
    held = [];
  };
  for (let d = 0; d < documents.length; d++) {
    let startsDocument = true;
    for (const sentence of documents[d]!.sentences) {
      for (let from = 0; from < sentence.length; from += capacity) {
        const piece = sentence.subarray(from, Math.min(sentence.length, from + capacity));
        const separator = startsDocument && content.length > 0 ? 1 : 0;
        if (content.length + separator + piece.length > capacity) flush();
        if (startsDocument && content.length > 0) content.push(eosId);
        for (let k = 0; k < piece.length; k++) content.push(piece[k]!);
        if (held[held.length - 1] !== d) held.push(d);
        startsDocument = false;
      }
    }
  }
  flush();
  return out;
}
