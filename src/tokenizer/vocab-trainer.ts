/**
 * Learns a WordPiece vocabulary from text, the way Hugging Face's WordPieceTrainer does: count the words that
 * BERT's BasicTokenizer produces, start from their characters (a word's first character bare, the others with the
 * `##` prefix), and repeatedly merge the most frequent adjacent pair (weighted by word counts) into a new piece
 * until the vocabulary is full. Ties go to the pair of earlier-made pieces, so the result depends only on the word
 * counts: the same input gives the same vocabulary.
 *
 * Layout as bert-base-uncased: [PAD] = 0, [unused0..98] = 1..99, [UNK] = 100, [CLS] = 101, [SEP] = 102,
 * [MASK] = 103, then any further [unusedN], the characters, their `##` forms, and the merged pieces in merge order.
 */
import { TokenizerError } from '../errors.js';
import { BasicTokenizer } from './basic-tokenizer.js';
import { Vocab } from './vocab.js';

export interface VocabTrainerOptions {
  /** Size of the vocabulary, special and unused tokens included. Default 30522 (bert-base-uncased). */
  vocabSize?: number;
  /** Lowercase and strip accents (uncased); false keeps case and accents. Default true. */
  doLowerCase?: boolean;
  /** Pairs seen fewer times than this are not merged. Default 2. */
  minFrequency?: number;
  /** Number of [unusedN] slots; the first 99 sit between [PAD] and [UNK] as in BERT. Default 99. */
  unusedTokens?: number;
  /** Most frequent characters kept in the alphabet; words with other characters are left out. Default 1000. */
  limitAlphabet?: number;
  /** Distinct words kept while counting before the rarest are forgotten (bounds memory). Default 4,000,000. */
  maxDistinctWords?: number;
  continuingSubwordPrefix?: string;
  onProgress?: (progress: TrainProgress) => void;
}

export type TrainProgress =
  | { phase: 'count'; lines: number; chars: number; uniqueWords: number }
  | { phase: 'merge'; merges: number; vocabSize: number; targetSize: number };

/**
 * Counts words line by line (streaming: only the counts stay in memory). If more than `maxDistinctWords` distinct
 * words pile up (hashes, ids, base64 in web text), the rarest are forgotten — those seen once, then twice, ... — so
 * memory stays bounded on any corpus; `pruned` says how many were dropped.
 */
export class WordCounter {
  readonly counts = new Map<string, number>();
  lines = 0;
  chars = 0;
  pruned = 0;
  private readonly basic: BasicTokenizer;
  private readonly maxDistinctWords: number;

  constructor(doLowerCase = true, maxDistinctWords = 4_000_000) {
    this.basic = new BasicTokenizer({ lowercase: doLowerCase, maxWordUnits: 1024 });
    this.maxDistinctWords = maxDistinctWords;
  }

  addLine(line: string): void {
    const counts = this.counts;
    this.basic.scan(line, {
      word(units, _starts, _ends, length, codePoints) {
        if (codePoints > 100) return; // becomes [UNK]; nothing to learn
        const word = String.fromCharCode(...units.subarray(0, length));
        counts.set(word, (counts.get(word) ?? 0) + 1);
      },
      special() {},
    });
    this.lines++;
    this.chars += line.length;
    if (counts.size > this.maxDistinctWords) this.prune();
  }

  private prune(): void {
    for (let floor = 1; this.counts.size > this.maxDistinctWords * 0.75; floor++) {
      for (const [word, count] of this.counts) {
        if (count <= floor) {
          this.counts.delete(word);
          this.pruned++;
        }
      }
    }
  }
}

/** Trains on lines from any (async) iterable, e.g. a readline interface over a file. */
export async function trainVocabFromLines(
  lines: AsyncIterable<string> | Iterable<string>,
  options: VocabTrainerOptions = {},
): Promise<Vocab> {
  const counter = new WordCounter(options.doLowerCase ?? true, options.maxDistinctWords);
  for await (const line of lines) {
    counter.addLine(line);
    if (counter.lines % 100_000 === 0) {
      options.onProgress?.({ phase: 'count', lines: counter.lines, chars: counter.chars, uniqueWords: counter.counts.size });
    }
  }
  options.onProgress?.({ phase: 'count', lines: counter.lines, chars: counter.chars, uniqueWords: counter.counts.size });
  // Without a word the result would be the special tokens alone: a vocabulary that tokenizes everything to [UNK].
  if (counter.counts.size === 0) throw new TokenizerError(`train: the training text has no words (${counter.lines} lines read)`);
  return trainVocabFromCounts(counter.counts, options);
}

const SPECIALS_BEFORE_UNUSED = ['[PAD]'];
const SPECIALS_AFTER_UNUSED = ['[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const BERT_UNUSED_BEFORE_UNK = 99;
/** Symbol ids stay below this, so a pair is one exact number key. */
const PAIR_BASE = 2 ** 21;

export function trainVocabFromCounts(counts: ReadonlyMap<string, number>, options: VocabTrainerOptions = {}): Vocab {
  const vocabSize = options.vocabSize ?? 30522;
  const minFrequency = options.minFrequency ?? 2;
  const unused = options.unusedTokens ?? BERT_UNUSED_BEFORE_UNK;
  const limitAlphabet = options.limitAlphabet ?? 1000;
  const prefix = options.continuingSubwordPrefix ?? '##';

  const head: string[] = [...SPECIALS_BEFORE_UNUSED];
  for (let i = 0; i < Math.min(unused, BERT_UNUSED_BEFORE_UNK); i++) head.push(`[unused${i}]`);
  head.push(...SPECIALS_AFTER_UNUSED);
  for (let i = BERT_UNUSED_BEFORE_UNK; i < unused; i++) head.push(`[unused${i}]`);
  if (vocabSize < head.length + 1) {
    throw new TokenizerError(`train: vocabSize ${vocabSize} leaves no room after ${head.length} special and unused tokens`);
  }

  // Alphabet: the most frequent characters, then ordered by code point.
  const charCounts = new Map<string, number>();
  for (const [word, count] of counts) for (const ch of word) charCounts.set(ch, (charCounts.get(ch) ?? 0) + count);
  const room = Math.floor((vocabSize - head.length) / 2);
  const alphabet = [...charCounts]
    .sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]))
    .slice(0, Math.min(limitAlphabet, room))
    .map(([ch]) => ch)
    .sort(compareCodePoints);

  // Symbols: alphabet, their ## forms, then merged pieces. Ids here are symbol ids (vocab id = head.length + id).
  const symbols: string[] = [...alphabet, ...alphabet.map((ch) => prefix + ch)];
  const symbolId = new Map<string, number>(symbols.map((s, i) => [s, i]));
  const bareId = new Map<string, number>(alphabet.map((ch, i) => [ch, i]));
  const continuationId = new Map<string, number>(alphabet.map((ch, i) => [ch, alphabet.length + i]));

  // Words as symbol sequences.
  const words: Int32Array[] = [];
  const lengths: number[] = [];
  const weights: number[] = [];
  for (const [word, count] of counts) {
    const chars = [...word];
    const seq = new Int32Array(chars.length);
    let ok = true;
    chars.forEach((ch, i) => {
      const id = i === 0 ? bareId.get(ch) : continuationId.get(ch);
      if (id === undefined) ok = false;
      else seq[i] = id;
    });
    if (!ok || seq.length < 2) continue;
    words.push(seq);
    lengths.push(seq.length);
    weights.push(count);
  }

  const pairCount = new Map<number, number>();
  const where = new Map<number, number[]>();
  const heap = new PairHeap();
  const addPairs = (w: number, sign: number, onlyWith: number): void => {
    const seq = words[w];
    const len = lengths[w] ?? 0;
    const weight = (weights[w] ?? 0) * sign;
    if (seq === undefined) return;
    for (let i = 0; i + 1 < len; i++) {
      const left = seq[i] ?? 0;
      const right = seq[i + 1] ?? 0;
      const key = left * PAIR_BASE + right;
      const count = (pairCount.get(key) ?? 0) + weight;
      pairCount.set(key, count);
      if (sign > 0 && (onlyWith < 0 || left === onlyWith || right === onlyWith)) {
        let list = where.get(key);
        if (list === undefined) where.set(key, (list = []));
        list.push(w);
        if (onlyWith >= 0) heap.push(count, key);
      }
    }
  };
  for (let w = 0; w < words.length; w++) addPairs(w, 1, -1);
  for (const [key, count] of pairCount) heap.push(count, key);

  const merged: string[] = [];
  const target = vocabSize - head.length;
  const stamp = new Int32Array(words.length).fill(-1);
  let merges = 0;
  while (symbolId.size < target && heap.size > 0) {
    const [count, key] = heap.pop();
    const actual = pairCount.get(key) ?? 0;
    if (count !== actual) {
      if (actual >= minFrequency) heap.push(actual, key);
      continue;
    }
    if (count < minFrequency) break;
    const left = Math.floor(key / PAIR_BASE);
    const right = key - left * PAIR_BASE;
    const leftText = symbols[left] ?? '';
    const rightText = symbols[right] ?? '';
    const piece = leftText + (rightText.startsWith(prefix) ? rightText.slice(prefix.length) : rightText);
    let pieceId = symbolId.get(piece);
    if (pieceId === undefined) {
      pieceId = symbols.length;
      if (pieceId >= PAIR_BASE) break;
      symbols.push(piece);
      symbolId.set(piece, pieceId);
      merged.push(piece);
    }
    merges++;
    for (const w of where.get(key) ?? []) {
      if (stamp[w] === merges) continue;
      stamp[w] = merges;
      const seq = words[w];
      const len = lengths[w] ?? 0;
      if (seq === undefined) continue;
      let present = false;
      for (let i = 0; i + 1 < len; i++) if (seq[i] === left && seq[i + 1] === right) present = true;
      if (!present) continue;
      addPairs(w, -1, -1);
      let out = 0;
      for (let i = 0; i < len; i++) {
        if (i + 1 < len && seq[i] === left && seq[i + 1] === right) {
          seq[out++] = pieceId;
          i++;
        } else seq[out++] = seq[i] ?? 0;
      }
      lengths[w] = out;
      addPairs(w, 1, pieceId);
    }
    where.delete(key);
    pairCount.delete(key);
    if (merges % 1000 === 0) options.onProgress?.({ phase: 'merge', merges, vocabSize: head.length + symbolId.size, targetSize: vocabSize });
  }
  options.onProgress?.({ phase: 'merge', merges, vocabSize: head.length + symbolId.size, targetSize: vocabSize });
  return new Vocab([...head, ...alphabet, ...alphabet.map((ch) => prefix + ch), ...merged], 'trained vocabulary');
}

function compareCodePoints(a: string, b: string): number {
  return (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0);
}

/** Max-heap of (count, pair key); equal counts pop the smaller key (pairs of earlier pieces) first. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  get size(): number {
    return this.counts.length;
  }

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): [number, number] {
    const top: [number, number] = [this.counts[0] ?? 0, this.keys[0] ?? 0];
    const lastCount = this.counts.pop() ?? 0;
    const lastKey = this.keys.pop() ?? 0;
    const n = this.counts.length;
    if (n > 0) {
      this.counts[0] = lastCount;
      this.keys[0] = lastKey;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < n && this.before(l, best)) best = l;
        if (r < n && this.before(r, best)) best = r;
        if (best === i) break;
        this.swap(i, best);
        i = best;
      }
    }
    return top;
  }

  private before(i: number, j: number): boolean {
    const ci = this.counts[i] ?? 0;
    const cj = this.counts[j] ?? 0;
    return ci > cj || (ci === cj && (this.keys[i] ?? 0) < (this.keys[j] ?? 0));
  }

  private swap(i: number, j: number): void {
    const c = this.counts[i] ?? 0;
    this.counts[i] = this.counts[j] ?? 0;
    this.counts[j] = c;
    const k = this.keys[i] ?? 0;
    this.keys[i] = this.keys[j] ?? 0;
    this.keys[j] = k;
  }
}
