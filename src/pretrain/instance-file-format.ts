/**
 * The pre-training instance file (`.tsbpt`): BERT's sentence pairs with their NSP labels, stored UNMASKED, plus an
 * optional static mask per instance (as the original writes with dupe_factor copies). The trainer either uses the
 * stored mask (static masking, BERT) or re-masks the unmasked ids every time it sees them (dynamic, RoBERTa §4.1).
 * The full layout is in docs/pretraining-data.md; in short, all little-endian:
 *
 *   header   128 bytes: magic "TSBERTPT", version, sizes, vocab fingerprint, special ids, masking options,
 *            instance count, index offset, objective (u32 at byte 104: 0 bert, 1 mlm, 2 albert), longest masked n-gram
 *            (u32 at 108); files from before these fields hold 0 there, which reads as BERT's single words
 *   records  one per instance, packed back to back from byte 128:
 *              ids[seqLength]                 [CLS] A [SEP] B [SEP] (mlm: <s> text </s>), unmasked (uint16 or uint32)
 *              positions[numPredictions]      uint16, ascending
 *              maskedIds[numPredictions]      the id the model sees there: [MASK], a random id or the original
 *   index    16 bytes per instance at `indexOffset`: u64 record offset, u16 seqLength, u16 lengthA,
 *            u16 numPredictions, u8 nextSentenceLabel, u8 zero
 *
 * This file holds the constants, the header fields with their byte offsets, and the instance types shared by the
 * writer (instance-file-writer.ts) and the reader (instance-file.ts).
 */
import { DataError } from '../errors.js';
import { objectiveCode, objectiveFromCode, type PretrainObjective } from './objective.js';

export const INSTANCE_FILE_MAGIC = 'TSBERTPT';
export const INSTANCE_FILE_VERSION = 1;
export const HEADER_BYTES = 128;
export const INDEX_ENTRY_BYTES = 16;

const FLAG_STATIC_MASKS = 1;
const FLAG_WHOLE_WORD_MASK = 2;
const FLAG_LOWER_CASE = 4;

/** What a file says about how it was made; the trainer reads the masking options from here for dynamic masking. */
export interface InstanceFileHeader {
  version: number;
  /** What the instances are for: sentence pairs + NSP, one packed segment (mlm), or pairs + SOP. */
  objective: PretrainObjective;
  /** 2 (uint16) when the vocabulary fits, else 4. */
  idBytes: number;
  maxSeqLength: number;
  vocabSize: number;
  /** FNV-1a 32 of the vocabulary (`vocabFingerprint`): the trainer checks its tokenizer matches. */
  vocabHash: number;
  clsId: number;
  sepId: number;
  maskId: number;
  padId: number;
  /** Whether records hold a static mask (false: positions empty, mask dynamically). */
  staticMasks: boolean;
  wholeWordMask: boolean;
  doLowerCase: boolean;
  maskedLmProb: number;
  maxPredictionsPerSeq: number;
  shortSeqProb: number;
  /** Longest masked span in words (ALBERT's n-gram masking: 3; BERT, RoBERTa: 1). */
  maxNgram: number;
  dupeFactor: number;
  seed: number;
  instanceCount: number;
  /** Sum of seqLength over instances. */
  totalTokens: number;
}

/** What a writer is told; `objective` defaults to `bert` and `maxNgram` to 1, as files from before they existed. */
export type InstanceFileSettings = Omit<InstanceFileHeader, 'version' | 'idBytes' | 'instanceCount' | 'totalTokens' | 'objective' | 'maxNgram'>
  & Partial<Pick<InstanceFileHeader, 'objective' | 'maxNgram'>>;

/** One instance as written: unmasked ids plus the static mask (empty arrays when the file has none). */
export interface StoredInstance {
  /** [CLS] A [SEP] B [SEP], unmasked. [seq] */
  originalIds: Int32Array;
  /**
   * Number of A tokens (without [CLS]/[SEP]); segment 0 covers positions 0 .. lengthA + 1. For the mlm objective's
   * single segment, seqLength - 2 (everything between <s> and the final </s>).
   */
  lengthA: number;
  maskedPositions: Int32Array;
  /** The id placed at each masked position ([MASK], random, or the original). */
  maskedInputIds: Int32Array;
  /** NSP: 1 = B is a random next (BERT's "NotNext"), 0 = actual next. SOP: 1 = A and B swapped. mlm: 0. */
  nextSentenceLabel: 0 | 1;
}

/** An instance as the model sees it. */
export interface PretrainingInstance extends StoredInstance {
  /** The masked input. [seq] */
  inputIds: Int32Array;
  /** 0 for [CLS] A [SEP], 1 for B [SEP]. [seq] */
  tokenTypeIds: Int32Array;
  /** Original ids at maskedPositions (the MLM targets). */
  maskedLmIds: Int32Array;
}

/** FNV-1a 32 over the tokens joined by '\n' (UTF-8), so two vocabularies with the same ids hash alike. */
export function vocabFingerprint(tokens: readonly string[]): number {
  let hash = 0x811c9dc5;
  const encoder = new TextEncoder();
  for (let t = 0; t < tokens.length; t++) {
    const bytes = encoder.encode(t === 0 ? tokens[t]! : '\n' + tokens[t]!);
    for (let k = 0; k < bytes.length; k++) hash = Math.imul(hash ^ bytes[k]!, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export function encodeHeader(header: InstanceFileHeader, indexOffset: number): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  b.write(INSTANCE_FILE_MAGIC, 0, 'latin1');
  b.writeUInt32LE(header.version, 8);
  b.writeUInt32LE(HEADER_BYTES, 12);
  b.writeUInt32LE((header.staticMasks ? FLAG_STATIC_MASKS : 0) | (header.wholeWordMask ? FLAG_WHOLE_WORD_MASK : 0) | (header.doLowerCase ? FLAG_LOWER_CASE : 0), 16);
  b.writeUInt32LE(header.idBytes, 20);
  b.writeUInt32LE(header.maxSeqLength, 24);
  b.writeUInt32LE(header.maxPredictionsPerSeq, 28);
  b.writeUInt32LE(header.vocabSize, 32);
  b.writeUInt32LE(header.vocabHash, 36);
  b.writeUInt32LE(header.clsId, 40);
  b.writeUInt32LE(header.sepId, 44);
  b.writeUInt32LE(header.maskId, 48);
  b.writeUInt32LE(header.padId, 52);
  b.writeDoubleLE(header.maskedLmProb, 56);
  b.writeDoubleLE(header.shortSeqProb, 64);
  b.writeUInt32LE(header.dupeFactor, 72);
  b.writeUInt32LE(header.seed >>> 0, 76);
  b.writeBigUInt64LE(BigInt(header.instanceCount), 80);
  b.writeBigUInt64LE(BigInt(indexOffset), 88);
  b.writeBigUInt64LE(BigInt(header.totalTokens), 96);
  b.writeUInt32LE(objectiveCode(header.objective), 104);
  b.writeUInt32LE(header.maxNgram, 108);
  return b;
}


/**
 * Parses and checks the fixed header (magic, version, sizes, special ids); `path` names the file in errors.
 * Returns the header and the index offset, which the reader checks against the file size.
 */
export function decodeHeader(h: Buffer, path: string): { header: InstanceFileHeader; indexOffset: number } {
  const bad = (problem: string): DataError => new DataError(`instance file ${path}: ${problem}`);
  if (h.toString('latin1', 0, 8) !== INSTANCE_FILE_MAGIC) throw bad(`not an instance file (magic is not "${INSTANCE_FILE_MAGIC}")`);
  const version = h.readUInt32LE(8);
  if (version !== INSTANCE_FILE_VERSION) throw bad(`format version ${version}; this tsbert reads version ${INSTANCE_FILE_VERSION}`);
  if (h.readUInt32LE(12) !== HEADER_BYTES) throw bad(`header size ${h.readUInt32LE(12)}, expected ${HEADER_BYTES}`);
  const flags = h.readUInt32LE(16);
  const objective = objectiveFromCode(h.readUInt32LE(104));
  if (objective === undefined) throw bad(`objective code ${h.readUInt32LE(104)} is unknown (0 bert, 1 mlm, 2 albert)`);
  const header: InstanceFileHeader = {
    version,
    objective,
    idBytes: h.readUInt32LE(20),
    maxSeqLength: h.readUInt32LE(24),
    maxPredictionsPerSeq: h.readUInt32LE(28),
    vocabSize: h.readUInt32LE(32),
    vocabHash: h.readUInt32LE(36),
    clsId: h.readUInt32LE(40),
    sepId: h.readUInt32LE(44),
    maskId: h.readUInt32LE(48),
    padId: h.readUInt32LE(52),
    maskedLmProb: h.readDoubleLE(56),
    shortSeqProb: h.readDoubleLE(64),
    // 0 in files from before n-gram masking: single words.
    maxNgram: Math.max(1, h.readUInt32LE(108)),
    dupeFactor: h.readUInt32LE(72),
    seed: h.readUInt32LE(76),
    instanceCount: safeNumber(h.readBigUInt64LE(80), path),
    totalTokens: safeNumber(h.readBigUInt64LE(96), path),
    staticMasks: (flags & FLAG_STATIC_MASKS) !== 0,
    wholeWordMask: (flags & FLAG_WHOLE_WORD_MASK) !== 0,
    doLowerCase: (flags & FLAG_LOWER_CASE) !== 0,
  };
  const indexOffset = safeNumber(h.readBigUInt64LE(88), path);
  if (header.maxNgram > 16) throw bad(`longest masked n-gram ${header.maxNgram} out of range (1..16)`);
  if (header.idBytes !== 2 && header.idBytes !== 4) throw bad(`id width ${header.idBytes} bytes (must be 2 or 4)`);
  if (header.idBytes === 2 && header.vocabSize > 65536) throw bad(`vocab size ${header.vocabSize} does not fit 2-byte ids`);
  if (header.maxSeqLength < (objective === 'mlm' ? 3 : 5) || header.maxSeqLength > 65535) throw bad(`maxSeqLength ${header.maxSeqLength} out of range`);
  for (const [name, id] of [['cls', header.clsId], ['sep', header.sepId], ['mask', header.maskId], ['pad', header.padId]] as const) {
    if (id >= header.vocabSize) throw bad(`${name} id ${id} is outside the vocabulary (size ${header.vocabSize})`);
  }
  return { header, indexOffset };
}

/**
 * Why an instance's segment layout does not fit its file's objective, or undefined: pairs need A and B of ≥ 1 token
 * besides [CLS] and two [SEP]s; the mlm objective's one segment is everything between <s> and </s>, with label 0.
 */
export function segmentLayoutProblem(objective: PretrainObjective, seq: number, lengthA: number, label: number): string | undefined {
  if (objective === 'mlm') {
    if (seq < 3 || lengthA !== seq - 2) return `${seq} tokens with ${lengthA} in its segment (one segment: ${seq - 2})`;
    if (label !== 0) return `pair label ${label} (the mlm objective has none)`;
    return undefined;
  }
  if (lengthA < 1 || lengthA + 3 > seq) return `${seq} tokens with ${lengthA} in A (A and B need ≥ 1 each)`;
  if (label > 1) return `pair label ${label}`;
  return undefined;
}

export function safeNumber(value: bigint, path: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new DataError(`instance file ${path}: a 64-bit field (${value}) is too large (corrupt)`);
  return Number(value);
}
