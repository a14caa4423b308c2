/**
 * Sentence-pair instances for BERT pre-training, as the original `create_instances_from_document`
 * (google-research/bert, create_pretraining_data.py), rule for rule:
 *
 * - `maxNumTokens = maxSeqLength - 3` (room for `[CLS]`, `[SEP]`, `[SEP]`). The target length is `maxNumTokens`,
 *   but with probability `shortSeqProb` (0.1) a random length in [2, maxNumTokens], so the model also sees short
 *   sequences (the fine-tuning tasks have them).
 * - Sentences ("segments") are accumulated into a chunk until the target length is reached or the document ends.
 * - A chunk of ≥ 2 segments is split at a random `aEnd` in [1, len - 1]: segments before it are A.
 * - BERT §3.1 (NSP): with probability 0.5 — and always when the chunk holds a single segment — B is a run of
 *   sentences from a random start in a *different* document, filled up to `target - len(A)`; the chunk's unused
 *   segments are put back (`i -= numUnusedSegments`) so they start the next chunk. Otherwise B is the rest of the
 *   chunk (the actual next sentences).
 * - `truncateSeqPair` trims the longer of A and B one token at a time, from the front or the back at random, until
 *   the pair fits in `maxNumTokens`.
 *
 * The random document is drawn as the original: up to 10 tries for an index other than this document's. Where the
 * original then gives up and uses the same document (label "random" but the text is the real continuation — possible
 * only with very few documents), we draw uniformly among the other documents instead, so a random next is never
 * from the same document. With a single document there is no other; B then comes from the document itself and
 * `randomDocument` equals `document` (the caller counts these).
 */
import { ValueError } from '../errors.js';
import type { Rng } from '../tensor/rng.js';

/** One document: its sentences as WordPiece ids (no special tokens), each non-empty. */
export interface TokenizedDocument {
  sentences: Int32Array[];
}

export interface InstanceOptions {
  /** BERT: 128 for 90% of pre-training, 512 for the rest. */
  maxSeqLength: number;
  /** BERT: 0.1. */
  shortSeqProb: number;
}

export interface PairInstance {
  tokensA: Int32Array;
  tokensB: Int32Array;
  /** NSP label: true = B is a random sentence run from another document (label 1), false = the actual next. */
  isRandomNext: boolean;
  /** Index of the document A came from, and the one B came from (the same when not random next). */
  document: number;
  randomDocument: number;
}

/** Tries to find a document other than the current one, as the original. */
export const RANDOM_DOCUMENT_TRIES = 10;

export function validateInstanceOptions(options: InstanceOptions): void {
  if (!Number.isInteger(options.maxSeqLength) || options.maxSeqLength < 5 || options.maxSeqLength > 65535) {
    throw new ValueError(`instances: maxSeqLength must be an integer in [5, 65535] (room for [CLS] A [SEP] B [SEP] with A and B ≥ 1 and a target length ≥ 2), got ${options.maxSeqLength}`);
  }
  if (!(options.shortSeqProb >= 0 && options.shortSeqProb <= 1)) {
    throw new ValueError(`instances: shortSeqProb must be in [0, 1], got ${options.shortSeqProb}`);
  }
}

/** Python's `rng.randint(a, b)`: uniform integer in [a, b], both ends included. */
export function randint(rng: Rng, a: number, b: number): number {
  return a + rng.int(b - a + 1);
}

/**
 * A document's target pair length: `maxSeqLength - 3`, or with probability `shortSeqProb` a random length in
 * [2, that] (the original's "short sequences ... to minimize the mismatch between pre-training and fine-tuning").
 */
export function drawTargetLength(options: InstanceOptions, rng: Rng): number {
  const maxNumTokens = options.maxSeqLength - 3;
  return rng.random() < options.shortSeqProb ? randint(rng, 2, maxNumTokens) : maxNumTokens;
}

/** Instances of `documents[documentIndex]`, drawing from `rng` in the original's order. */
export function createInstancesFromDocument(
  documents: readonly TokenizedDocument[],
  documentIndex: number,
  options: InstanceOptions,
  rng: Rng,
): PairInstance[] {
  const document = documents[documentIndex];
  if (document === undefined) throw new ValueError(`instances: document ${documentIndex} is outside 0..${documents.length - 1}`);
  const segments = document.sentences;
  const maxNumTokens = options.maxSeqLength - 3;
  const targetSeqLength = drawTargetLength(options, rng);

  const instances: PairInstance[] = [];
  let chunk: Int32Array[] = [];
  let chunkLength = 0;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    chunk.push(segment);
    chunkLength += segment.length;
    if (i !== segments.length - 1 && chunkLength < targetSeqLength) continue;

    const aEnd = chunk.length >= 2 ? randint(rng, 1, chunk.length - 1) : 1;
    const a: number[] = [];
    for (let j = 0; j < aEnd; j++) pushAll(a, chunk[j]!);
    const b: number[] = [];
    let isRandomNext: boolean;
    let randomDocument = documentIndex;
    if (chunk.length === 1 || rng.random() < 0.5) {
      isRandomNext = true;
      const targetBLength = targetSeqLength - a.length;
      randomDocument = pickOtherDocument(documents.length, documentIndex, rng);
      const other = documents[randomDocument]!.sentences;
      const randomStart = randint(rng, 0, other.length - 1);
      for (let j = randomStart; j < other.length; j++) {
        pushAll(b, other[j]!);
        if (b.length >= targetBLength) break;
      }
      // The chunk's segments after A were not used: step back so they begin the next chunk.
      i -= chunk.length - aEnd;
    } else {
      isRandomNext = false;
      for (let j = aEnd; j < chunk.length; j++) pushAll(b, chunk[j]!);
    }
    const [tokensA, tokensB] = truncateSeqPair(a, b, maxNumTokens, rng);
    instances.push({ tokensA, tokensB, isRandomNext, document: documentIndex, randomDocument });
    chunk = [];
    chunkLength = 0;
  }
  return instances;
}

/**
 * The original's `truncate_seq_pair`: while A and B together exceed `maxNumTokens`, drop one token from the longer
 * (B on a tie), from the front or the back with equal chance. Works on index ranges, so a 20,000-token sentence is
 * trimmed in linear time.
 */
export function truncateSeqPair(a: readonly number[], b: readonly number[], maxNumTokens: number, rng: Rng): [Int32Array, Int32Array] {
  let aStart = 0;
  let aEnd = a.length;
  let bStart = 0;
  let bEnd = b.length;
  while (aEnd - aStart + (bEnd - bStart) > maxNumTokens) {
    const truncateA = aEnd - aStart > bEnd - bStart;
    const front = rng.random() < 0.5;
    if (truncateA) {
      if (front) aStart++;
      else aEnd--;
    } else if (front) bStart++;
    else bEnd--;
  }
  return [Int32Array.from(a.slice(aStart, aEnd)), Int32Array.from(b.slice(bStart, bEnd))];
}

/** `[CLS] A [SEP] B [SEP]` and its segment ids (0 up to and including the first `[SEP]`, then 1). */
export function buildPair(instance: Pick<PairInstance, 'tokensA' | 'tokensB'>, clsId: number, sepId: number): { ids: Int32Array; tokenTypeIds: Int32Array } {
  const na = instance.tokensA.length;
  const nb = instance.tokensB.length;
  const ids = new Int32Array(na + nb + 3);
  const tokenTypeIds = new Int32Array(na + nb + 3);
  ids[0] = clsId;
  ids.set(instance.tokensA, 1);
  ids[na + 1] = sepId;
  ids.set(instance.tokensB, na + 2);
  ids[na + nb + 2] = sepId;
  tokenTypeIds.fill(1, na + 2);
  return { ids, tokenTypeIds };
}

function pickOtherDocument(count: number, current: number, rng: Rng): number {
  let pick = current;
  for (let t = 0; t < RANDOM_DOCUMENT_TRIES; t++) {
    pick = randint(rng, 0, count - 1);
    if (pick !== current) return pick;
  }
  if (count < 2) return current;
  // Ten misses (only likely with two or three documents): any other document, uniformly.
  const other = rng.int(count - 1);
  return other >= current ? other + 1 : other;
}

function pushAll(out: number[], ids: Int32Array): void {
  for (let k = 0; k < ids.length; k++) out.push(ids[k]!);
}
