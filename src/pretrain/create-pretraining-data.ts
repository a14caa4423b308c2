/**
 * The original `create_pretraining_data.py` as a streaming pipeline: corpus documents → token ids → instances of the
 * objective (objective.ts: BERT's sentence pairs with NSP, instances.ts; RoBERTa's FULL-SENTENCES packing,
 * full-sentences.ts; ALBERT's sentence-order pairs, sentence-order.ts) → static masks (masking.ts; n-gram spans for
 * ALBERT; none for RoBERTa, whose trainer masks dynamically) → instance files (instance-file.ts), with statistics.
 *
 * Streaming and sharding. The original reads the whole corpus, shuffles all documents, makes `dupe_factor` passes
 * over them, and shuffles all instances. To keep memory bounded we do the same per *shard*: documents are read until
 * a shard holds `shardTokens` tokens (default 2M, the whole default corpus); then, within the shard, documents are
 * shuffled, `dupeFactor` passes make instances (each pass with fresh chunking, NSP draws and masks, as the
 * original), and the shard's instances are shuffled and written. Consequences, which the original does not have:
 * the random next sentence is drawn from documents of the same shard (not the whole corpus), and instance order is
 * shuffled within a shard only — the trainer shuffles across the file anyway. A small final shard (under half the
 * size, or a single document) is merged into the one before it, so a random next always has other documents to
 * come from. One `Rng(seed)` drives everything in a fixed order, so a seed gives the same bytes.
 */
import { basename, dirname, extname, join } from 'node:path';
import { readDocuments } from '../data/corpus-reader.js';
import { DataError } from '../errors.js';
import { checkOutputFile, type ReadProgress } from '../io/checked-file.js';
import { Rng } from '../tensor/rng.js';
import { packFullSentences } from './full-sentences.js';
import { buildPair, createInstancesFromDocument, validateInstanceOptions, type TokenizedDocument } from './instances.js';
import { InstanceFileWriter, vocabFingerprint, type StoredInstance } from './instance-file.js';
import { maskTokens, newMaskingCounts, validateMaskingOptions, type MaskingCounts, type MaskingOptions } from './masking.js';
import type { PretrainObjective } from './objective.js';
import { asPretrainingTokenizer, PretrainingTokenizer } from './pretraining-tokenizer.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { createSentenceOrderInstances } from './sentence-order.js';

/** Defaults of the original script's flags (BERT's phase-1 settings). */
export const PRETRAINING_DATA_DEFAULTS = {
  maxSeqLength: 128,
  maxPredictionsPerSeq: 20,
  maskedLmProb: 0.15,
  shortSeqProb: 0.1,
  dupeFactor: 10,
  wholeWordMask: false,
  seed: 12345,
  shardTokens: 2_000_000,
  /** ALBERT's `ngram` flag: spans of up to 3 words (google-research/albert create_pretraining_data.py). */
  albertMaxNgram: 3,
} as const;

export interface PretrainingDataOptions {
  /** Default `bert`. `mlm` writes no static masks; `albert` masks whole-word n-grams (`maxNgram`, default 3). */
  objective?: PretrainObjective;
  maxNgram?: number;
  maxSeqLength?: number;
  maxPredictionsPerSeq?: number;
  maskedLmProb?: number;
  shortSeqProb?: number;
  dupeFactor?: number;
  wholeWordMask?: boolean;
  seed?: number;
  /** Store a static mask per instance (default true); false leaves masking to the trainer (dynamic). */
  staticMasks?: boolean;
  /** Tokens of documents per shard (memory bound; random next comes from within the shard). */
  shardTokens?: number;
}

export interface CreatePretrainingDataOptions extends PretrainingDataOptions {
  inputs: readonly string[];
  /** One file, or with `splitOutput` a prefix: `out.tsbpt` → `out-00000.tsbpt`, `out-00001.tsbpt`, ... */
  output: string;
  /** A BertTokenizer (vocab.txt) or any tokenizer through pretraining-tokenizer.ts. */
  tokenizer: PretrainingTokenizer | Tokenizer;
  splitSentences?: boolean;
  splitOutput?: boolean;
  onProgress?: (progress: PretrainingDataProgress) => void;
  /**
   * An input file had invalid UTF-8 or sentences with nothing to tokenize (one line per file, with counts).
   * Default: process.emitWarning.
   */
  onWarning?: (message: string) => void;
}

export interface PretrainingDataProgress {
  documents: number;
  instances: number;
  bytesRead: number;
  shards: number;
}

/** Counters while making instances; `PretrainingDataStats` derives shares from them. */
export interface InstanceCounts extends MaskingCounts {
  instances: number;
  tokens: number;
  predictions: number;
  randomNext: number;
  /** Random nexts that had to come from the same document (a shard with one document). */
  sameDocumentRandomNext: number;
  /** SOP pairs swapped (label 1). */
  swapped: number;
  /** One-token sentences alone in an SOP chunk, which make no pair (sentence-order.ts). */
  unpairedSentences: number;
}

export interface PretrainingDataStats {
  objective: PretrainObjective;
  outputs: string[];
  documents: number;
  sentences: number;
  shards: number;
  instances: number;
  /** Tokens of all instances, [CLS]/[SEP] included (the length masking counts). */
  tokens: number;
  maskedPositions: number;
  maskedFraction: number;
  replacements: { mask: number; random: number; kept: number };
  replacementShares: { mask: number; random: number; kept: number };
  randomNext: number;
  randomNextShare: number;
  sameDocumentRandomNext: number;
  swapped: number;
  swappedShare: number;
  unpairedSentences: number;
  /** With n-gram masking: the share of masked spans of 1, 2, ... words. */
  ngramShares?: number[];
  bytesRead: number;
  outputBytes: number;
  seconds: number;
}

export function newInstanceCounts(): InstanceCounts {
  return { ...newMaskingCounts(), instances: 0, tokens: 0, predictions: 0, randomNext: 0, sameDocumentRandomNext: 0, swapped: 0, unpairedSentences: 0 };
}

/** A stored instance with the documents it came from (indexes into the shard's document list), for checks. */
export interface ShardInstance extends StoredInstance {
  document: number;
  randomDocument: number;
}

export interface ShardOptions {
  /** Default `bert`. */
  objective?: PretrainObjective;
  maxSeqLength: number;
  shortSeqProb: number;
  dupeFactor: number;
  /** Absent: no static masks. */
  masking?: MaskingOptions;
  clsId: number;
  sepId: number;
}

/**
 * The instances of one shard, in the original's steps: shuffle documents, `dupeFactor` passes over them (each making
 * the objective's instances: BERT's pairs, RoBERTa's packed full sentences or ALBERT's sentence-order pairs), mask
 * each instance, shuffle all instances. (The original masks each pair inside the chunk loop; we mask a document's
 * pairs after its chunk loop — the same distribution, and bit parity with Python's Mersenne Twister is not a goal.)
 * Document indexes in the result refer to `documents`.
 */
export function createShardInstances(documents: readonly TokenizedDocument[], options: ShardOptions, rng: Rng, counts: InstanceCounts): ShardInstance[] {
  const objective = options.objective ?? 'bert';
  validateInstanceOptions(options);
  if (options.masking !== undefined) validateMaskingOptions(options.masking);
  if (!Number.isInteger(options.dupeFactor) || options.dupeFactor < 1) throw new DataError(`dupeFactor must be a positive integer, got ${options.dupeFactor}`);
  const order: number[] = documents.map((_, i) => i);
  rng.shuffle(order);
  const shuffled = order.map((i) => documents[i]!);
  const instances: ShardInstance[] = [];
  const add = (ids: Int32Array, lengthA: number, label: 0 | 1, document: number, randomDocument: number): void => {
    let maskedPositions: Int32Array = new Int32Array(0);
    let maskedInputIds: Int32Array = new Int32Array(0);
    if (options.masking !== undefined) {
      const masked = maskTokens(ids, options.masking, rng, counts);
      maskedPositions = masked.positions;
      maskedInputIds = new Int32Array(masked.positions.length);
      for (let k = 0; k < masked.positions.length; k++) maskedInputIds[k] = masked.inputIds[masked.positions[k]!]!;
    }
    counts.instances++;
    counts.tokens += ids.length;
    counts.predictions += maskedPositions.length;
    instances.push({ originalIds: ids, lengthA, maskedPositions, maskedInputIds, nextSentenceLabel: label, document, randomDocument });
  };
  for (let pass = 0; pass < options.dupeFactor; pass++) {
    if (objective === 'mlm') {
      for (const packed of packFullSentences(shuffled, options.maxSeqLength, options.clsId, options.sepId)) {
        const first = order[packed.documents[0]!]!;
        add(packed.ids, packed.ids.length - 2, 0, first, first);
      }
      continue;
    }
    for (let d = 0; d < shuffled.length; d++) {
      if (objective === 'albert') {
        for (const pair of createSentenceOrderInstances(shuffled[d]!, options, rng, () => counts.unpairedSentences++)) {
          if (pair.isSwapped) counts.swapped++;
          add(buildPair(pair, options.clsId, options.sepId).ids, pair.tokensA.length, pair.isSwapped ? 1 : 0, order[d]!, order[d]!);
        }
        continue;
      }
      for (const pair of createInstancesFromDocument(shuffled, d, options, rng)) {
        const document = order[pair.document]!;
        const randomDocument = order[pair.randomDocument]!;
        if (pair.isRandomNext) {
          counts.randomNext++;
          if (document === randomDocument) counts.sameDocumentRandomNext++;
        }
        add(buildPair(pair, options.clsId, options.sepId).ids, pair.tokensA.length, pair.isRandomNext ? 1 : 0, document, randomDocument);
      }
    }
  }
  rng.shuffle(instances);
  return instances;
}

/** Sentences of a document as token ids; sentences that tokenize to nothing are dropped, as the original. */
export function tokenizeDocument(sentences: readonly string[], tokenizer: PretrainingTokenizer | Tokenizer): TokenizedDocument {
  const out: Int32Array[] = [];
  for (const sentence of sentences) {
    // A copy: an Encoding's arrays may be views into a shared slab, which a long-lived document would keep alive.
    const ids = tokenizer instanceof PretrainingTokenizer ? tokenizer.encodeSentence(sentence) : tokenizer.encode(sentence, undefined, { addSpecialTokens: false }).ids.slice();
    if (ids.length > 0) out.push(ids);
  }
  return { sentences: out };
}

/** Shard file names for a split output: `dir/out.tsbpt` → `dir/out-00003.tsbpt`. */
export function shardPath(output: string, shard: number): string {
  const ext = extname(output);
  const stem = basename(output, ext);
  return join(dirname(output), `${stem}-${String(shard).padStart(5, '0')}${ext}`);
}

/**
 * Runs the whole pipeline; see the file comment. Throws DataError for an unreadable corpus file or one with no
 * usable text (TextStats.requireUsable); the output is then left as it was (nothing is committed before the end).
 */
export async function createPretrainingData(options: CreatePretrainingDataOptions): Promise<PretrainingDataStats> {
  const started = Date.now();
  const d = PRETRAINING_DATA_DEFAULTS;
  const tokenizer = asPretrainingTokenizer(options.tokenizer);
  const vocabTokens = tokenizer.vocabTokens;
  const vocabSize = tokenizer.vocabSize;
  const objective = options.objective ?? 'bert';
  // RoBERTa §4.1: masks are drawn when an instance is read, never stored.
  const staticMasks = objective !== 'mlm' && (options.staticMasks ?? true);
  // ALBERT's n-grams are spans of whole words.
  const wholeWordMask = objective === 'albert' || (options.wholeWordMask ?? d.wholeWordMask);
  const maxNgram = options.maxNgram ?? (objective === 'albert' ? d.albertMaxNgram : 1);
  if (maxNgram > 1 && objective !== 'albert') throw new DataError(`n-gram masking (maxNgram ${maxNgram}) is ALBERT's: use the albert objective`);
  const seed = options.seed ?? d.seed;
  const masking: MaskingOptions = {
    maskedLmProb: options.maskedLmProb ?? d.maskedLmProb,
    maxPredictionsPerSeq: options.maxPredictionsPerSeq ?? d.maxPredictionsPerSeq,
    clsId: tokenizer.clsId,
    sepId: tokenizer.sepId,
    maskId: tokenizer.maskId,
    vocabSize,
    ...(wholeWordMask ? { isContinuation: tokenizer.continuationFlags() } : {}),
    ...(maxNgram > 1 ? { maxNgram } : {}),
  };
  const shardOptions: ShardOptions = {
    objective,
    maxSeqLength: options.maxSeqLength ?? d.maxSeqLength,
    shortSeqProb: options.shortSeqProb ?? d.shortSeqProb,
    // RoBERTa's instances are masked when read: one pass of packing suffices.
    dupeFactor: options.dupeFactor ?? (objective === 'mlm' ? 1 : d.dupeFactor),
    clsId: tokenizer.clsId,
    sepId: tokenizer.sepId,
    ...(staticMasks ? { masking } : {}),
  };
  // Check every option before reading a byte, so a typo fails fast.
  validateInstanceOptions(shardOptions);
  validateMaskingOptions(masking);
  if (!Number.isInteger(shardOptions.dupeFactor) || shardOptions.dupeFactor < 1) throw new DataError(`dupeFactor must be a positive integer, got ${shardOptions.dupeFactor}`);
  const shardTokens = options.shardTokens ?? d.shardTokens;
  if (!(shardTokens >= 1)) throw new DataError(`shardTokens must be positive, got ${shardTokens}`);
  if (options.inputs.length === 0) throw new DataError('create-pretraining-data: no input files');
  const outputPath = (shard: number): string => (options.splitOutput === true ? shardPath(options.output, shard) : options.output);
  // Fail before reading a corpus for minutes, not when the first shard is written.
  checkOutputFile(outputPath(0), { label: 'output' });
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(message, { code: 'TSBERT_INPUT_TEXT' }));

  const settings = {
    objective,
    maxNgram,
    maxSeqLength: shardOptions.maxSeqLength,
    vocabSize,
    vocabHash: vocabFingerprint(vocabTokens),
    clsId: tokenizer.clsId,
    sepId: tokenizer.sepId,
    maskId: tokenizer.maskId,
    padId: tokenizer.padId,
    staticMasks,
    wholeWordMask,
    doLowerCase: tokenizer.doLowerCase,
    maskedLmProb: masking.maskedLmProb,
    maxPredictionsPerSeq: masking.maxPredictionsPerSeq,
    shortSeqProb: shardOptions.shortSeqProb,
    dupeFactor: shardOptions.dupeFactor,
    seed,
  };
  const rng = new Rng(seed);
  const counts = newInstanceCounts();
  const progress: ReadProgress = { bytesRead: 0 };
  const outputs: string[] = [];
  // Shards written and sealed, committed together when the whole run has succeeded.
  const sealed: InstanceFileWriter[] = [];
  let writer: InstanceFileWriter | undefined;
  let outputBytes = 0;
  let shards = 0;
  let documents = 0;
  let sentences = 0;
  const report = (): void => options.onProgress?.({ documents, instances: counts.instances, bytesRead: progress.bytesRead, shards });

  const processShard = (shard: TokenizedDocument[]): void => {
    const instances = createShardInstances(shard, shardOptions, rng, counts);
    writer ??= new InstanceFileWriter(outputPath(shards), settings);
    for (const instance of instances) writer.append(instance);
    shards++;
    if (options.splitOutput === true) sealWriter();
    report();
  };
  const sealWriter = (): void => {
    if (writer === undefined) return;
    writer.seal();
    sealed.push(writer);
    outputBytes += writer.bytesWritten + writer.count * 16;
    writer = undefined;
  };

  // `held` is a full shard kept back until we know the corpus goes on, so a small tail can join it.
  let held: TokenizedDocument[] | undefined;
  let current: TokenizedDocument[] = [];
  let currentTokens = 0;
  try {
    // Opened now, not at the first shard: the temporary file shows at once that the output can be written.
    writer = new InstanceFileWriter(outputPath(0), settings);
    const documentsRead = readDocuments(options.inputs, {
      splitSentences: options.splitSentences ?? false,
      progress,
      onFileRead: (fileStats) => {
        const warning = fileStats.warning('sentence', 'skipped (nothing to tokenize)');
        if (warning !== undefined) warn(warning);
      },
    });
    for await (const document of documentsRead) {
      const tokenized = tokenizeDocument(document.sentences, tokenizer);
      document.stats.skipped += document.sentences.length - tokenized.sentences.length;
      if (tokenized.sentences.length === 0) continue;
      documents++;
      sentences += tokenized.sentences.length;
      current.push(tokenized);
      for (const s of tokenized.sentences) currentTokens += s.length;
      if (currentTokens >= shardTokens && current.length >= 2) {
        if (held !== undefined) processShard(held);
        held = current;
        current = [];
        currentTokens = 0;
      }
      if ((documents & 255) === 0) report();
    }
    if (documents === 0) throw new DataError(`corpus ${options.inputs.join(', ')}: no documents (the input is empty or holds only blank lines)`);
    if (held !== undefined && (currentTokens < shardTokens / 2 || current.length < 2)) {
      held.push(...current);
      current = [];
    }
    if (held !== undefined) processShard(held);
    if (current.length > 0) processShard(current);
    sealWriter();
    for (const shard of sealed) {
      shard.commit();
      outputs.push(shard.path);
    }
  } catch (error) {
    writer?.abort();
    for (const shard of sealed) shard.abort();
    throw error;
  }

  const predictions = counts.predictions;
  const spans = counts.maskedNgrams;
  const spanTotal = spans?.reduce((a, b) => a + b, 0) ?? 0;
  return {
    objective,
    outputs,
    documents,
    sentences,
    shards,
    instances: counts.instances,
    tokens: counts.tokens,
    maskedPositions: predictions,
    maskedFraction: counts.tokens > 0 ? predictions / counts.tokens : 0,
    replacements: { mask: counts.masked, random: counts.random, kept: counts.kept },
    replacementShares: {
      mask: predictions > 0 ? counts.masked / predictions : 0,
      random: predictions > 0 ? counts.random / predictions : 0,
      kept: predictions > 0 ? counts.kept / predictions : 0,
    },
    randomNext: counts.randomNext,
    randomNextShare: counts.instances > 0 ? counts.randomNext / counts.instances : 0,
    sameDocumentRandomNext: counts.sameDocumentRandomNext,
    swapped: counts.swapped,
    swappedShare: counts.instances > 0 ? counts.swapped / counts.instances : 0,
    unpairedSentences: counts.unpairedSentences,
    ...(spans !== undefined ? { ngramShares: spans.map((n) => (spanTotal > 0 ? n / spanTotal : 0)) } : {}),
    bytesRead: progress.bytesRead,
    outputBytes,
    seconds: (Date.now() - started) / 1000,
  };
}
