/**
 * Learns a byte-level BPE vocabulary as Hugging Face's BpeTrainer does behind RoBERTa's and GPT-2's tokenizers:
 * count the words of the ByteLevel pre-tokenizer (GPT-2's regex, bytes as characters), start from the 256 byte
 * characters (the initial alphabet, so no text is ever unknown), and repeatedly merge the most frequent adjacent pair
 * (weighted by word counts; ties to the pair of earlier-made symbols) until the vocabulary is full or no pair is seen
 * `minFrequency` times (pair-merges.ts). Layout as the reference's: the special tokens first (RoBERTa's
 * `<s> <pad> </s> <unk> <mask>`), then the byte characters by code point, then the merged tokens in merge order;
 * merges.txt lists the merges in the order they were made.
 */
import { TokenizerError } from '../errors.js';
import { byteLevelAlphabet } from './byte-level-alphabet.js';
import { BPE, type Merge } from './models/bpe.js';
import { learnMerges } from './pair-merges.js';
import { ByteLevel } from './pre-tokenizers/byte-level.js';
import { countWords, WordCounter, type TrainProgress } from './vocab-trainer.js';
import { Vocab } from './vocab.js';
import { StagedWordScanner } from './word-scanner.js';

export interface BpeTrainerOptions {
  /** Size of the vocabulary, special tokens included. Default 50265 (roberta-base). */
  vocabSize?: number;
  /** Pairs seen fewer times than this are not merged. Default 2. */
  minFrequency?: number;
  /** Tokens placed first, ids 0, 1, ... Default RoBERTa's `<s> <pad> </s> <unk> <mask>`. */
  specialTokens?: readonly string[];
  /** Count words as the ByteLevel pre-tokenizer with add_prefix_space sees them. Default false (RoBERTa). */
  addPrefixSpace?: boolean;
  /** Distinct words kept while counting before the rarest are forgotten (bounds memory). Default 4,000,000. */
  maxDistinctWords?: number;
  onProgress?: (progress: TrainProgress) => void;
}

export const ROBERTA_TRAINER_SPECIALS: readonly string[] = ['<s>', '<pad>', '</s>', '<unk>', '<mask>'];

/** The word counter of byte-level BPE: words as the ByteLevel pre-tokenizer writes them. */
export function byteLevelWordCounter(addPrefixSpace = false, maxDistinctWords?: number): WordCounter {
  return new WordCounter(false, maxDistinctWords, new StagedWordScanner(null, new ByteLevel({ addPrefixSpace }), Infinity));
}

/** Trains on lines from any (async) iterable, e.g. a file read line by line. */
export async function trainBpeFromLines(lines: AsyncIterable<string> | Iterable<string>, options: BpeTrainerOptions = {}): Promise<BPE> {
  const counter = await countWords(lines, byteLevelWordCounter(options.addPrefixSpace ?? false, options.maxDistinctWords), options.onProgress);
  return trainBpeFromCounts(counter.counts, options);
}

/** Trains on counts of byte-level words (strings of byte characters, as byteLevelWordCounter counts them). */
export function trainBpeFromCounts(counts: ReadonlyMap<string, number>, options: BpeTrainerOptions = {}): BPE {
  const vocabSize = options.vocabSize ?? 50265;
  const specials = options.specialTokens ?? ROBERTA_TRAINER_SPECIALS;
  const alphabet = byteLevelAlphabet().sort();
  if (vocabSize < specials.length + alphabet.length) {
    throw new TokenizerError(`train: vocabSize ${vocabSize} leaves no room for the ${specials.length} special tokens and the 256 byte characters`);
  }
  const symbols = [...alphabet];
  const symbolId = new Map(alphabet.map((ch, i) => [ch, i]));
  const words: Int32Array[] = [];
  const weights: number[] = [];
  for (const [word, count] of counts) {
    if (word.length < 2) continue;
    const seq = new Int32Array(word.length);
    for (let i = 0; i < word.length; i++) {
      const id = symbolId.get(word[i] ?? '');
      if (id === undefined) throw new TokenizerError(`train: word ${JSON.stringify(word.slice(0, 40))} has a character outside the byte alphabet`);
      seq[i] = id;
    }
    words.push(seq);
    weights.push(count);
  }
  const pairs = learnMerges(words, weights, symbols, {
    targetSymbols: vocabSize - specials.length,
    minFrequency: options.minFrequency ?? 2,
    join: (left, right) => left + right,
    ...(options.onProgress !== undefined ? { onProgress: (merges, size) => options.onProgress?.({ phase: 'merge', merges, vocabSize: specials.length + size, targetSize: vocabSize }) } : {}),
  });
  const merges: Merge[] = pairs.map(([left, right]) => [symbols[left] ?? '', symbols[right] ?? '']);
  // A special token that is also a byte character or a merged token would take two ids; the reference keeps the first.
  const tokens = [...specials, ...symbols.filter((s) => !specials.includes(s))];
  return new BPE(new Vocab(tokens, 'trained BPE vocabulary'), merges);
}
