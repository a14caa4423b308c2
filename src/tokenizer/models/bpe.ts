/**
 * The BPE model (Sennrich et al. 2016; GPT-2 and RoBERTa as byte-level BPE; Hugging Face tokenizers/src/models/bpe):
 * a word starts as its characters and the learned merges are applied by rank — at every step the adjacent pair with
 * the lowest rank, leftmost first (the reference's `Word::merge_all` priority queue, reproduced step for step, stale
 * entries included, so ties and overlaps come out the same).
 *
 * As the reference: a character missing from the vocabulary becomes `unk_token` (consecutive ones fused into one
 * with `fuse_unk`) or, without an unknown token, is dropped; `continuing_subword_prefix` marks every character but
 * the first and `end_of_word_suffix` the last, and a merge's result is `a + b` with b's prefix removed;
 * `ignore_merges` takes a word that is a whole token as is. Byte fallback and dropout are not implemented (a
 * TokenizerError where tokenizer.json asks for them). Words already seen come from a cache (10,000 words, as the
 * reference's), which pays: most running words repeat.
 *
 * Files: vocab.json (token → id) and merges.txt ("#version" line, then "a b" per merge, rank = order), or the model
 * object of tokenizer.json (merges as [a, b] pairs, or as "a b" strings in older files).
 */
import { valuePreview } from '../../error-text.js';
import { TokenizerError } from '../../errors.js';
import type { Json, JsonObject } from '../json-fields.js';
import type { TokenBuffer } from '../token-buffer.js';
import { unitsText } from '../unit-spans.js';
import { Vocab } from '../vocab.js';
import type { Model } from './model.js';

/** A merge: the two tokens joined, in rank order. */
export type Merge = readonly [string, string];

export interface BpeOptions {
  /** Token for characters outside the vocabulary; null: such characters are dropped (the reference's default). */
  unkToken?: string | null;
  continuingSubwordPrefix?: string | null;
  endOfWordSuffix?: string | null;
  /** Consecutive unknown characters become one unknown token. Default false. */
  fuseUnk?: boolean;
  /** A word that is itself in the vocabulary is one token, whatever the merges say. Default false. */
  ignoreMerges?: boolean;
  /** Words remembered with their tokens (0: no cache). Default 10,000, the reference's. */
  cacheCapacity?: number;
}

/** The reference caches words shorter than this. */
const CACHE_MAX_UNITS = 256;
const NONE = -1;

export class BPE implements Model {
  readonly vocab: Vocab;
  readonly merges: readonly Merge[];
  readonly unkToken: string | null;
  readonly continuingSubwordPrefix: string | null;
  readonly endOfWordSuffix: string | null;
  readonly fuseUnk: boolean;
  readonly ignoreMerges: boolean;
  private readonly unkId: number;
  /** (left id · vocab size + right id) → rank; mergedId[rank] is the merge's token. */
  private readonly rankOf = new Map<number, number>();
  private readonly mergedId: Int32Array;
  /** Id of each single-unit token, -1 if none: the characters of words, when no prefix or suffix decorates them. */
  private readonly unitIds: Int32Array | undefined;
  private readonly cache = new Map<string, Int32Array>();
  private readonly cacheCapacity: number;
  // Per word: the symbols (a doubly linked list over positions) and the queue of candidate merges.
  private symId: Int32Array = new Int32Array(64);
  private symLen: Int32Array = new Int32Array(64);
  private symPrev: Int32Array = new Int32Array(64);
  private symNext: Int32Array = new Int32Array(64);
  private heapRank: Int32Array = new Int32Array(64);
  private heapPos: Int32Array = new Int32Array(64);
  private heapId: Int32Array = new Int32Array(64);
  private heapSize = 0;

  /** `source` names the files in errors. */
  constructor(vocab: Vocab, merges: readonly Merge[], options: BpeOptions = {}, source = 'BPE') {
    this.vocab = vocab;
    this.merges = merges;
    this.unkToken = options.unkToken ?? null;
    this.continuingSubwordPrefix = options.continuingSubwordPrefix ?? null;
    this.endOfWordSuffix = options.endOfWordSuffix ?? null;
    this.fuseUnk = options.fuseUnk ?? false;
    this.ignoreMerges = options.ignoreMerges ?? false;
    this.cacheCapacity = options.cacheCapacity ?? 10_000;
    this.unkId = NONE;
    if (this.unkToken !== null) {
      const id = vocab.id(this.unkToken);
      if (id === undefined) throw new TokenizerError(`${source}: the unknown token ${valuePreview(this.unkToken)} is not in the vocabulary`);
      this.unkId = id;
    }
    const size = vocab.size;
    if (size > 2 ** 26) throw new TokenizerError(`${source}: ${size} tokens is more than BPE supports (2^26)`);
    this.mergedId = new Int32Array(merges.length);
    const prefixLength = this.continuingSubwordPrefix?.length ?? 0;
    merges.forEach(([a, b], rank) => {
      const left = vocab.id(a);
      const right = vocab.id(b);
      // The reference's merge result: b loses its continuation prefix (tokenizers models/bpe/model.rs).
      const joined = a + (prefixLength > 0 && b.startsWith(this.continuingSubwordPrefix ?? '') ? b.slice(prefixLength) : b);
      const merged = vocab.id(joined);
      for (const [token, id] of [[a, left], [b, right], [joined, merged]] as const) {
        if (id === undefined) throw new TokenizerError(`${source}: merge ${rank + 1} (${valuePreview(`${a} ${b}`)}): token ${valuePreview(token)} is not in the vocabulary`);
      }
      this.rankOf.set((left ?? 0) * size + (right ?? 0), rank);
      this.mergedId[rank] = merged ?? 0;
    });
    // An empty prefix or suffix (RoBERTa's files have them) decorates nothing.
    if ((this.continuingSubwordPrefix ?? '') === '' && (this.endOfWordSuffix ?? '') === '') {
      this.unitIds = new Int32Array(0x10000).fill(NONE);
      vocab.tokens.forEach((token, id) => {
        if (token.length === 1) (this.unitIds as Int32Array)[token.charCodeAt(0)] = id;
      });
    }
  }

  /** A BPE model from the texts of vocab.json and merges.txt (`files` names them in errors). */
  static fromFiles(vocabJson: string, mergesTxt: string, options: BpeOptions = {}, files: readonly [string, string] = ['vocab.json', 'merges.txt']): BPE {
    const [vocabFile, mergesFile] = files;
    return new BPE(parseVocabJson(vocabJson, vocabFile), parseMergesTxt(mergesTxt, mergesFile), options, `${vocabFile} + ${mergesFile}`);
  }

  get maxWordUnits(): number {
    return Infinity;
  }

  get vocabSize(): number {
    return this.vocab.size;
  }

  get unkTokenId(): number | undefined {
    return this.unkId === NONE ? undefined : this.unkId;
  }

  tokenToId(token: string): number | undefined {
    return this.vocab.id(token);
  }

  idToToken(id: number): string | undefined {
    return this.vocab.token(id);
  }

  tokenizeWord(units: Uint16Array, starts: Int32Array, ends: Int32Array, length: number, _codePoints: number, word: number, out: TokenBuffer): void {
    if (length === 0) return;
    const cacheable = this.cacheCapacity > 0 && length < CACHE_MAX_UNITS;
    let key = '';
    if (cacheable || this.ignoreMerges) {
      key = unitsText(units, 0, length);
      const whole = this.ignoreMerges ? this.vocab.id(key) : undefined;
      if (whole !== undefined) {
        out.push(whole, starts[0] ?? 0, ends[length - 1] ?? 0, word);
        return;
      }
      const cached = cacheable ? this.cache.get(key) : undefined;
      if (cached !== undefined) {
        emit(cached, cached.length, starts, ends, word, out);
        return;
      }
    }
    const count = this.splitIntoSymbols(units, length);
    this.mergeAll(count);
    // Tokens as (id, first unit, end unit): positions are cumulative lengths, as the reference's offsets.
    let tokens = 0;
    const found = new Int32Array(3 * count);
    let position = 0;
    for (let s = 0; s < count && s !== NONE; s = this.symNext[s] ?? NONE) {
      const len = this.symLen[s] ?? 0;
      found[tokens++] = this.symId[s] ?? 0;
      found[tokens++] = position;
      found[tokens++] = position + len;
      position += len;
    }
    emit(found, tokens, starts, ends, word, out);
    if (cacheable && this.cache.size < this.cacheCapacity) this.cache.set(key, found.slice(0, tokens));
  }

  /** The word's characters as symbols (ids and unit lengths), linked in order; returns how many. */
  private splitIntoSymbols(units: Uint16Array, length: number): number {
    this.reserve(length);
    const prefix = this.continuingSubwordPrefix;
    const suffix = this.endOfWordSuffix;
    let count = 0;
    let unkLength = 0; // units of the pending unknown symbol, 0 when none
    for (let k = 0; k < length; ) {
      const c = units[k] ?? 0;
      const d = k + 1 < length ? (units[k + 1] ?? 0) : 0;
      const width = c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
      let id = NONE;
      if (this.unitIds !== undefined && width === 1) id = this.unitIds[c] ?? NONE;
      else {
        let s = unitsText(units, k, k + width);
        if (k > 0 && prefix !== null) s = prefix + s;
        if (k + width === length && suffix !== null) s += suffix;
        id = this.vocab.id(s) ?? NONE;
      }
      if (id !== NONE) {
        if (unkLength > 0) count = this.addSymbol(count, this.unkId, unkLength);
        unkLength = 0;
        count = this.addSymbol(count, id, width);
      } else if (this.unkId !== NONE) {
        if (unkLength > 0 && !this.fuseUnk) {
          count = this.addSymbol(count, this.unkId, unkLength);
          unkLength = 0;
        }
        unkLength += width;
      }
      k += width;
    }
    if (unkLength > 0) count = this.addSymbol(count, this.unkId, unkLength);
    if (count > 0) this.symNext[count - 1] = NONE;
    return count;
  }

  private addSymbol(count: number, id: number, len: number): number {
    this.symId[count] = id;
    this.symLen[count] = len;
    this.symPrev[count] = count - 1;
    this.symNext[count] = count + 1;
    return count + 1;
  }

  /** The reference's Word::merge_all without dropout: pop the lowest (rank, position), skip stale entries, merge. */
  private mergeAll(count: number): void {
    this.heapSize = 0;
    for (let s = 0; s + 1 < count; s++) this.queuePair(s, this.symId[s] ?? 0, this.symId[s + 1] ?? 0);
    const symId = this.symId;
    const symLen = this.symLen;
    const symPrev = this.symPrev;
    const symNext = this.symNext;
    while (this.heapSize > 0) {
      const pos = this.heapPos[0] ?? 0;
      const newId = this.heapId[0] ?? 0;
      this.popHeap();
      if (symLen[pos] === 0) continue;
      const right = symNext[pos] ?? NONE;
      if (right === NONE) continue;
      const rank = this.rankOf.get((symId[pos] ?? 0) * this.vocab.size + (symId[right] ?? 0));
      if (rank === undefined || this.mergedId[rank] !== newId) continue;
      symId[pos] = newId;
      symLen[pos] = (symLen[pos] ?? 0) + (symLen[right] ?? 0);
      symLen[right] = 0;
      const after = symNext[right] ?? NONE;
      symNext[pos] = after;
      if (after !== NONE) symPrev[after] = pos;
      const before = symPrev[pos] ?? NONE;
      if (before !== NONE) this.queuePair(before, symId[before] ?? 0, newId);
      if (after !== NONE) this.queuePair(pos, newId, symId[after] ?? 0);
    }
  }

  private queuePair(pos: number, left: number, right: number): void {
    const rank = this.rankOf.get(left * this.vocab.size + right);
    if (rank === undefined) return;
    if (this.heapSize === this.heapRank.length) this.growHeap();
    const heapRank = this.heapRank;
    const heapPos = this.heapPos;
    const heapId = this.heapId;
    let i = this.heapSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pr = heapRank[parent] ?? 0;
      if (pr < rank || (pr === rank && (heapPos[parent] ?? 0) < pos)) break;
      heapRank[i] = pr;
      heapPos[i] = heapPos[parent] ?? 0;
      heapId[i] = heapId[parent] ?? 0;
      i = parent;
    }
    heapRank[i] = rank;
    heapPos[i] = pos;
    heapId[i] = this.mergedId[rank] ?? 0;
  }

  private popHeap(): void {
    const heapRank = this.heapRank;
    const heapPos = this.heapPos;
    const heapId = this.heapId;
    const n = --this.heapSize;
    const rank = heapRank[n] ?? 0;
    const pos = heapPos[n] ?? 0;
    const id = heapId[n] ?? 0;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const r = child + 1;
      if (r < n && ((heapRank[r] ?? 0) < (heapRank[child] ?? 0) || (heapRank[r] === heapRank[child] && (heapPos[r] ?? 0) < (heapPos[child] ?? 0)))) child = r;
      const cr = heapRank[child] ?? 0;
      if (cr > rank || (cr === rank && (heapPos[child] ?? 0) > pos)) break;
      heapRank[i] = cr;
      heapPos[i] = heapPos[child] ?? 0;
      heapId[i] = heapId[child] ?? 0;
      i = child;
    }
    heapRank[i] = rank;
    heapPos[i] = pos;
    heapId[i] = id;
  }

  private reserve(length: number): void {
    if (this.symId.length >= length) return;
    const capacity = Math.max(length, 2 * this.symId.length);
    this.symId = new Int32Array(capacity);
    this.symLen = new Int32Array(capacity);
    this.symPrev = new Int32Array(capacity);
    this.symNext = new Int32Array(capacity);
  }

  private growHeap(): void {
    const grown = (old: Int32Array): Int32Array => {
      const next = new Int32Array(old.length * 2);
      next.set(old);
      return next;
    };
    this.heapRank = grown(this.heapRank);
    this.heapPos = grown(this.heapPos);
    this.heapId = grown(this.heapId);
  }

  /** The model object of tokenizer.json, in the reference's key order (merges as [a, b] pairs, as it writes them). */
  toJSON(): JsonObject {
    return {
      type: 'BPE',
      dropout: null,
      unk_token: this.unkToken,
      continuing_subword_prefix: this.continuingSubwordPrefix,
      end_of_word_suffix: this.endOfWordSuffix,
      fuse_unk: this.fuseUnk,
      byte_fallback: false,
      ignore_merges: this.ignoreMerges,
      vocab: this.vocab.toIdMap(),
      merges: this.merges.map(([a, b]): Json => [a, b]),
    };
  }

  /**
   * vocab.json as the reference writes it: one line, tokens in id order (written out here: JSON.stringify of an
   * object would put tokens such as "0" first, integer keys being ordered first in JavaScript objects).
   */
  vocabJsonText(): string {
    return `{${this.vocab.tokens.map((token, id) => `${JSON.stringify(token)}:${id}`).join(',')}}`;
  }

  /** merges.txt as the reference writes it: the version line, then one "a b" line per merge. */
  mergesText(): string {
    for (const [i, [a, b]] of this.merges.entries()) {
      if (/[ \n\r]/.test(a + b)) throw new TokenizerError(`BPE: merge ${i + 1} (${valuePreview([a, b])}) has a space or line break and cannot be written to merges.txt`);
    }
    return '#version: 0.2\n' + this.merges.map(([a, b]) => `${a} ${b}\n`).join('');
  }
}

/** Appends cached or found tokens (id, first unit, end unit) to `out`. */
function emit(tokens: Int32Array, length: number, starts: Int32Array, ends: Int32Array, word: number, out: TokenBuffer): void {
  for (let t = 0; t < length; t += 3) out.push(tokens[t] ?? 0, starts[tokens[t + 1] ?? 0] ?? 0, ends[(tokens[t + 2] ?? 1) - 1] ?? 0, word);
}

/** vocab.json: an object of token → id with ids 0..n-1. */
export function parseVocabJson(text: string, source: string): Vocab {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TokenizerError(`${source}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new TokenizerError(`${source}: expected an object of token → id`);
  const map: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [token, id] of Object.entries(json as Record<string, unknown>)) {
    if (typeof id !== 'number') throw new TokenizerError(`${source}: the id of ${valuePreview(token)} is not a number (found ${valuePreview(id)})`);
    map[token] = id;
  }
  return Vocab.fromIdMap(map, source);
}

/** merges.txt: an optional first line "#version ...", then "a b" per line (the reference's convert_merges_to_hashmap). */
export function parseMergesTxt(text: string, source: string): Merge[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const merges: Merge[] = [];
  lines.forEach((raw, i) => {
    if (i === 0 && raw.startsWith('#version')) return;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const parts = line.split(' ');
    if (parts.length !== 2) throw new TokenizerError(`${source}: line ${i + 1} should be two tokens separated by one space, found ${valuePreview(line)}`);
    merges.push([parts[0] ?? '', parts[1] ?? '']);
  });
  return merges;
}
