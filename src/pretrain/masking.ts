/**
 * Masked-LM predictions, as the original `create_masked_lm_predictions` (google-research/bert), for static masks
 * written at data-creation time and for dynamic masking (RoBERTa §4.1: a fresh mask each time a sequence is seen —
 * the trainer calls `maskTokens` on an instance's unmasked ids).
 *
 * The rule, step by step:
 * 1. Candidates are all positions except `[CLS]` and `[SEP]`. With whole-word masking, a `##` piece joins the
 *    candidate of the piece right before it, so a word is masked whole or not at all. (The original joins a `##`
 *    piece to the previous candidate even across a `[SEP]`; we join only adjacent pieces, which differs only when
 *    segment B starts with a `##` piece.)
 * 2. Candidates are shuffled.
 * 3. `numToPredict = min(maxPredictionsPerSeq, max(1, round(len(tokens) * maskedLmProb)))`, the length counting
 *    `[CLS]` and both `[SEP]`s, and `round` being Python 3's (half to even).
 * 4. Candidates are taken in shuffled order; a whole word that would overshoot `numToPredict` is skipped.
 * 5. BERT §3.1 / appendix A.1: each picked position becomes `[MASK]` 80% of the time, stays unchanged 10%, and
 *    becomes a random id 10% — drawn from the whole vocabulary, special tokens included, as the original does.
 * 6. Positions are returned sorted; labels are the original ids there.
 *
 * ALBERT's n-gram masking (Lan et al. 2020 §4.1; google-research/albert create_pretraining_data.py) is the same loop
 * over words with `maxNgram` > 1: at each shuffled word a span length n ∈ 1..maxNgram is drawn with P(n) ∝ 1/n
 * (6/11, 3/11, 2/11 for 3), the span is that word and the n - 1 words after it (fewer at the sequence's end), and
 * while the span would overshoot `numToPredict` it is shortened one word at a time; a span still too long, or one
 * touching a position already picked, is skipped. The 80/10/10 decision is drawn per position, as ALBERT's code does.
 * Spans run over candidates, so, as in ALBERT, one may reach from A's last word to B's first. With `maxNgram` 1 no
 * length is drawn, and the loop is BERT's draw for draw.
 */
import { ValueError } from '../errors.js';
import type { Rng } from '../tensor/rng.js';

/** Hugging Face's ignore index: loss is not computed at label -100. */
export const IGNORE_INDEX = -100;

export interface MaskingOptions {
  /** BERT: 0.15. */
  maskedLmProb: number;
  /** BERT: 20 at max_seq_length 128, 80 at 512. */
  maxPredictionsPerSeq: number;
  /** Ids of the special tokens masking needs. */
  clsId: number;
  sepId: number;
  maskId: number;
  /** Random replacements are drawn from [0, vocabSize). */
  vocabSize: number;
  /** For whole-word masking: `isContinuation[id]` is 1 for `##` pieces (see `continuationFlags`). Absent: off. */
  isContinuation?: Uint8Array;
  /** ALBERT's n-gram masking: spans of up to this many words (ALBERT: 3). Absent or 1: BERT's single words. */
  maxNgram?: number;
}

export interface MaskedTokens {
  /** The ids the model sees: the input with the picked positions replaced. [seq] */
  inputIds: Int32Array;
  /** Picked positions, ascending. [predictions] */
  positions: Int32Array;
  /** Original ids at `positions` (the MLM targets). [predictions] */
  labels: Int32Array;
}

/** Counts of the 80/10/10 decisions, accumulated across calls. */
export interface MaskingCounts {
  masked: number;
  kept: number;
  random: number;
  /** With n-gram masking: `drawnNgrams[n - 1]` counts span lengths n drawn (before shortening to fit). */
  drawnNgrams?: number[];
  /** With n-gram masking: `maskedNgrams[n - 1]` counts spans of n words masked. */
  maskedNgrams?: number[];
}

export function newMaskingCounts(): MaskingCounts {
  return { masked: 0, kept: 0, random: 0 };
}

/** ALBERT's span-length distribution: P(n) ∝ 1/n for n = 1..maxNgram, as cumulative sums (last = 1). */
export function ngramCumulative(maxNgram: number): Float64Array {
  const cumulative = new Float64Array(maxNgram);
  let total = 0;
  for (let n = 1; n <= maxNgram; n++) total += 1 / n;
  let sum = 0;
  for (let n = 1; n <= maxNgram; n++) {
    sum += 1 / n / total;
    cumulative[n - 1] = sum;
  }
  cumulative[maxNgram - 1] = 1;
  return cumulative;
}

/** Python 3's `round`: halves go to the even neighbour (round(2.5) = 2, round(3.5) = 4). */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** How many positions the original masks in a sequence of `length` tokens (specials included). */
export function numToPredict(length: number, maskedLmProb: number, maxPredictionsPerSeq: number): number {
  return Math.min(maxPredictionsPerSeq, Math.max(1, roundHalfEven(length * maskedLmProb)));
}

/** `isContinuation[id] = 1` where the vocabulary's token starts with the continuation prefix (`##`). */
export function continuationFlags(tokens: readonly string[], prefix = '##'): Uint8Array {
  const flags = new Uint8Array(tokens.length);
  for (let id = 0; id < tokens.length; id++) if ((tokens[id] ?? '').startsWith(prefix)) flags[id] = 1;
  return flags;
}

export function validateMaskingOptions(options: MaskingOptions): void {
  const { maskedLmProb, maxPredictionsPerSeq, vocabSize } = options;
  if (!(maskedLmProb > 0 && maskedLmProb < 1)) throw new ValueError(`masking: maskedLmProb must be in (0, 1), got ${maskedLmProb}`);
  if (!Number.isInteger(maxPredictionsPerSeq) || maxPredictionsPerSeq < 1) {
    throw new ValueError(`masking: maxPredictionsPerSeq must be a positive integer, got ${maxPredictionsPerSeq}`);
  }
  if (!Number.isInteger(vocabSize) || vocabSize < 1) throw new ValueError(`masking: vocabSize must be a positive integer, got ${vocabSize}`);
  const maxNgram = options.maxNgram ?? 1;
  if (!Number.isInteger(maxNgram) || maxNgram < 1 || maxNgram > 16) throw new ValueError(`masking: maxNgram must be an integer in [1, 16], got ${maxNgram}`);
  for (const [name, id] of [['clsId', options.clsId], ['sepId', options.sepId], ['maskId', options.maskId]] as const) {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new ValueError(`masking: ${name} ${id} is outside the vocabulary (size ${vocabSize})`);
  }
}

/**
 * Masks `ids` (an unpadded `[CLS] A [SEP] B [SEP]`, unchanged) with draws from `rng`. Returns new arrays.
 * `counts`, if given, accumulates the 80/10/10 decisions.
 */
export function maskTokens(ids: Int32Array, options: MaskingOptions, rng: Rng, counts?: MaskingCounts): MaskedTokens {
  const length = ids.length;
  const flags = options.isContinuation;
  // Candidate words as [start, start + size): whole-word groups are runs of adjacent positions.
  const starts: number[] = [];
  const sizes: number[] = [];
  let previousCandidate = -2;
  for (let i = 0; i < length; i++) {
    const id = ids[i]!;
    if (id === options.clsId || id === options.sepId) continue;
    const last = sizes.length - 1;
    if (flags !== undefined && flags[id] === 1 && last >= 0 && previousCandidate === i - 1) sizes[last] = sizes[last]! + 1;
    else {
      starts.push(i);
      sizes.push(1);
    }
    previousCandidate = i;
  }
  const order: number[] = new Array<number>(starts.length);
  for (let c = 0; c < order.length; c++) order[c] = c;
  rng.shuffle(order);

  const target = numToPredict(length, options.maskedLmProb, options.maxPredictionsPerSeq);
  const inputIds = Int32Array.from(ids);
  const picked = new Uint8Array(length);
  const maxNgram = options.maxNgram ?? 1;
  const cumulative = maxNgram > 1 ? ngramCumulative(maxNgram) : undefined;
  if (cumulative !== undefined && counts !== undefined) {
    counts.drawnNgrams ??= new Array<number>(maxNgram).fill(0);
    counts.maskedNgrams ??= new Array<number>(maxNgram).fill(0);
  }
  let count = 0;
  for (const c of order) {
    if (count >= target) break;
    // The span: words c .. c + words - 1 (ALBERT's slice cand_indexes[c : c + n], shorter at the end).
    let words = 1;
    if (cumulative !== undefined) {
      const u = rng.random();
      let n = 1;
      while (n < maxNgram && u >= cumulative[n - 1]!) n++;
      if (counts?.drawnNgrams !== undefined) counts.drawnNgrams[n - 1]!++;
      words = Math.min(n, starts.length - c);
    }
    const spanSize = (w: number): number => starts[c + w - 1]! + sizes[c + w - 1]! - starts[c]!;
    // ALBERT: try shorter n-grams while the span would exceed the budget.
    while (words > 1 && count + spanSize(words) > target) words--;
    const size = spanSize(words);
    // The original: "if adding a whole-word mask would exceed the maximum number of predictions, skip it".
    if (count + size > target) continue;
    const start = starts[c]!;
    // Spans are runs of whole candidates, so a picked position inside means an overlap (only with n-grams).
    if (cumulative !== undefined && picked.subarray(start, start + size).includes(1)) continue;
    if (counts?.maskedNgrams !== undefined) counts.maskedNgrams[words - 1]!++;
    for (let i = start; i < start + size; i++) {
      // A span's positions are contiguous apart from [CLS]/[SEP] between A and B, which are never masked.
      if (ids[i] === options.clsId || ids[i] === options.sepId) continue;
      picked[i] = 1;
      count++;
      if (rng.random() < 0.8) {
        inputIds[i] = options.maskId;
        if (counts !== undefined) counts.masked++;
      } else if (rng.random() < 0.5) {
        if (counts !== undefined) counts.kept++;
      } else {
        inputIds[i] = rng.int(options.vocabSize);
        if (counts !== undefined) counts.random++;
      }
    }
  }
  const positions = new Int32Array(count);
  const labels = new Int32Array(count);
  for (let i = 0, k = 0; i < length; i++) {
    if (picked[i] === 1) {
      positions[k] = i;
      labels[k] = ids[i]!;
      k++;
    }
  }
  return { inputIds, positions, labels };
}

/**
 * The trainer's MLM label row: `labels[k]` at `positions[k]`, IGNORE_INDEX (-100) everywhere else, over `seq`
 * positions (padding included). [seq]
 */
export function mlmLabelArray(positions: Int32Array, labels: Int32Array, seq: number, out = new Int32Array(seq)): Int32Array {
  if (positions.length !== labels.length) {
    throw new ValueError(`mlmLabelArray: ${positions.length} positions but ${labels.length} labels`);
  }
  out.fill(IGNORE_INDEX, 0, seq);
  for (let k = 0; k < positions.length; k++) {
    const p = positions[k]!;
    if (p < 0 || p >= seq) throw new ValueError(`mlmLabelArray: position ${p} is outside a sequence of ${seq}`);
    out[p] = labels[k]!;
  }
  return out;
}

/** The masking options an instance file's header records, for dynamic masking with the same settings. */
export function maskingOptionsFromHeader(
  header: { maskedLmProb: number; maxPredictionsPerSeq: number; clsId: number; sepId: number; maskId: number; vocabSize: number; maxNgram?: number },
  isContinuation?: Uint8Array,
): MaskingOptions {
  return {
    ...(header.maxNgram !== undefined && header.maxNgram > 1 ? { maxNgram: header.maxNgram } : {}),
    maskedLmProb: header.maskedLmProb,
    maxPredictionsPerSeq: header.maxPredictionsPerSeq,
    clsId: header.clsId,
    sepId: header.sepId,
    maskId: header.maskId,
    vocabSize: header.vocabSize,
    ...(isContinuation !== undefined ? { isContinuation } : {}),
  };
}

/**
 * Dynamic masking for the trainer (RoBERTa §4.1): a function that re-masks an instance's unmasked ids with the
 * trainer's Rng, returning the fields of a training instance (masked input, positions, original ids there).
 */
export function dynamicMasker(options: MaskingOptions): (ids: Int32Array, rng: Rng) => { inputIds: Int32Array; maskedPositions: Int32Array; maskedLmIds: Int32Array } {
  validateMaskingOptions(options);
  return (ids, rng) => {
    const masked = maskTokens(ids, options, rng);
    return { inputIds: masked.inputIds, maskedPositions: masked.positions, maskedLmIds: masked.labels };
  };
}
