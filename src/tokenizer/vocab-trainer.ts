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
import { learnMerges } from './pair-merges.js';
import { unitsText } from './unit-spans.js';
import { Vocab } from './vocab.js';
import type { WordScanner, WordSink } from './word-sink.js';

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
  private readonly scan: (line: string, sink: WordSink) => void;
  private readonly maxWordCodePoints: number;
  private readonly maxDistinctWords: number;

  /**
   * Counts BERT's words (BasicTokenizer; words over 100 code points are skipped: WordPiece makes them [UNK]), or,
   * given a `scanner`, the words of any normalizer and pre-tokenizer (byte-level BPE's), whatever their length.
   */
  constructor(doLowerCase = true, maxDistinctWords = 4_000_000, scanner?: WordScanner) {
    if (scanner === undefined) {
      const basic = new BasicTokenizer({ lowercase: doLowerCase, maxWordUnits: 1024 });
      this.scan = (line, sink) => basic.scan(line, sink);
      this.maxWordCodePoints = 100;
    } else {
      this.scan = (line, sink) => scanner.scanRange(line, 0, line.length, sink);
      this.maxWordCodePoints = Infinity;
    }
    this.maxDistinctWords = maxDistinctWords;
  }

  addLine(line: string): void {
    const counts = this.counts;
    const maxCodePoints = this.maxWordCodePoints;
    this.scan(line, {
      word(units, _starts, _ends, length, codePoints) {
        if (codePoints > maxCodePoints) return; // becomes [UNK]; nothing to learn
        const word = unitsText(units, 0, length);
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
  const counter = await countWords(lines, new WordCounter(options.doLowerCase ?? true, options.maxDistinctWords), options.onProgress);
  return trainVocabFromCounts(counter.counts, options);
}

/** Feeds every line to `counter`, with progress every 100,000 lines; a text without words is a TokenizerError. */
export async function countWords(
  lines: AsyncIterable<string> | Iterable<string>,
  counter: WordCounter,
  onProgress?: (progress: TrainProgress) => void,
): Promise<WordCounter> {
  const report = (): void => onProgress?.({ phase: 'count', lines: counter.lines, chars: counter.chars, uniqueWords: counter.counts.size });
  for await (const line of lines) {
    counter.addLine(line);
    if (counter.lines % 100_000 === 0) report();
  }
  report();
  // Without a word the result would be the special tokens alone: a vocabulary that tokenizes everything to [UNK].
  if (counter.counts.size === 0) throw new TokenizerError(`train: the training text has no words (${counter.lines} lines read)`);
  return counter;
}

const SPECIALS_BEFORE_UNUSED = ['[PAD]'];
const SPECIALS_AFTER_UNUSED = ['[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const BERT_UNUSED_BEFORE_UNK = 99;

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
  const bareId = new Map<string, number>(alphabet.map((ch, i) => [ch, i]));
  const continuationId = new Map<string, number>(alphabet.map((ch, i) => [ch, alphabet.length + i]));

  // Words as symbol sequences.
  const words: Int32Array[] = [];
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
    weights.push(count);
  }

  const initialSymbols = symbols.length;
  learnMerges(words, weights, symbols, {
    targetSymbols: vocabSize - head.length,
    minFrequency,
    join: (left, right) => left + (right.startsWith(prefix) ? right.slice(prefix.length) : right),
    ...(options.onProgress !== undefined ? { onProgress: (merges, size) => options.onProgress?.({ phase: 'merge', merges, vocabSize: head.length + size, targetSize: vocabSize }) } : {}),
  });
  const merged = symbols.slice(initialSymbols);
  return new Vocab([...head, ...alphabet, ...alphabet.map((ch) => prefix + ch), ...merged], 'trained vocabulary');
}

function compareCodePoints(a: string, b: string): number {
  return (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0);
}
