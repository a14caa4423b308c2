/**
 * Assembles an Encoding from the tokens of one or two texts: `[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]`, token type 1
 * for B and its [SEP], special tokens with [0, 0] offsets and no word id (Hugging Face's BertProcessing).
 */
import { allocateEncodingArrays, Encoding, type EncodingArrays } from './encoding.js';

/** Tokens of one text: views into a TokenBuffer, valid until the next encode. */
export interface Sequence {
  ids: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
  words: Int32Array;
}

export interface SpecialIds {
  clsTokenId: number;
  sepTokenId: number;
}

export function buildEncoding(a: Sequence, b: Sequence | undefined, addSpecial: boolean, special: SpecialIds): Encoding {
  const na = a.ids.length;
  const nb = b === undefined ? 0 : b.ids.length;
  const extra = addSpecial ? (b === undefined ? 2 : 3) : 0;
  const n = na + nb + extra;
  const out = allocateEncodingArrays(n);
  out.attentionMask.fill(1);
  out.wordIds.fill(-1);
  out.sequenceIds.fill(-1);
  let at = 0;
  if (addSpecial) at = putSpecial(out, at, special.clsTokenId, 0);
  at = putSequence(out, at, a, 0);
  if (addSpecial) at = putSpecial(out, at, special.sepTokenId, 0);
  if (b !== undefined) {
    at = putSequence(out, at, b, 1);
    if (addSpecial) putSpecial(out, at, special.sepTokenId, 1);
  }
  return Encoding.fromArrays(out);
}

function putSpecial(out: EncodingArrays, at: number, id: number, typeId: number): number {
  out.ids[at] = id;
  out.typeIds[at] = typeId;
  out.specialTokensMask[at] = 1;
  return at + 1;
}

/** Copies one sequence's tokens in at `at`; sequence 1 (the pair's second text) gets token type 1. */
function putSequence(out: EncodingArrays, at: number, seq: Sequence, seqId: number): number {
  const len = seq.ids.length;
  out.ids.set(seq.ids, at);
  out.wordIds.set(seq.words, at);
  const offsets = out.offsets;
  const starts = seq.starts;
  const ends = seq.ends;
  for (let i = 0; i < len; i++) {
    offsets[2 * (at + i)] = starts[i] ?? 0;
    offsets[2 * (at + i) + 1] = ends[i] ?? 0;
  }
  if (seqId !== 0) out.typeIds.fill(seqId, at, at + len);
  out.sequenceIds.fill(seqId, at, at + len);
  return at + len;
}

export function sliceSequence(seq: Sequence, start: number, end: number): Sequence {
  return {
    ids: seq.ids.subarray(start, end),
    starts: seq.starts.subarray(start, end),
    ends: seq.ends.subarray(start, end),
    words: seq.words.subarray(start, end),
  };
}
