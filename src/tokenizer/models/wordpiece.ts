/**
 * The WordPiece model (Schuster & Nakajima 2012, as in BERT; Hugging Face tokenizers/src/models/wordpiece): greedy
 * longest-match-first over a word, later pieces looked up with the `##` continuation prefix; a word with a piece
 * that matches nothing, or longer than `maxInputCharsPerWord` code points (100), becomes a single [UNK] spanning the
 * whole word.
 *
 * The vocabulary lives in two tries over UTF-16 units (word starts, and continuations with the prefix removed),
 * stored as one open-addressing hash of (node, unit) → child in typed arrays, so the longest match is one walk down
 * the trie with no string built per character. Most words (and word endings) are whole tokens, and the whole rest
 * of a word is by definition its longest match, so a hash of whole tokens is tried first.
 */
import { TokenizerError } from '../../errors.js';
import type { JsonObject } from '../json-fields.js';
import type { TokenBuffer } from '../token-buffer.js';
import type { Vocab } from '../vocab.js';
import type { Model } from './model.js';

export interface WordPieceOptions {
  unkToken?: string;
  continuingSubwordPrefix?: string;
  maxInputCharsPerWord?: number;
}

const EMPTY = -1;

export class WordPieceTokenizer implements Model {
  readonly unkId: number;
  readonly unkToken: string;
  readonly continuingSubwordPrefix: string;
  readonly maxInputCharsPerWord: number;
  private readonly vocab: Vocab;
  // Trie: node 0 is the root for word starts, node 1 the root for continuations.
  private nodeId: Int32Array;
  private nodeCount = 2;
  // Hash of edges: slot → (parent node, unit) key and child node.
  private keyNode: Int32Array;
  private keyUnit: Uint16Array;
  private child: Int32Array;
  private mask: number;
  // Whole tokens: slot → token id (-1 empty), for word starts (table 0) and continuations (table 1).
  private readonly wholeSlots: [Int32Array, Int32Array];
  private readonly wholeMask: number;
  // The units of each token as the tables see them (continuations without their prefix).
  private readonly pool: Uint16Array;
  private readonly poolStart: Int32Array;
  private readonly poolLength: Int32Array;

  constructor(vocab: Vocab, options: WordPieceOptions = {}) {
    this.vocab = vocab;
    this.unkToken = options.unkToken ?? '[UNK]';
    this.continuingSubwordPrefix = options.continuingSubwordPrefix ?? '##';
    this.maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100;
    const unkId = vocab.id(this.unkToken);
    if (unkId === undefined) throw new TokenizerError(`WordPiece: the unknown token ${this.unkToken} is not in the vocabulary`);
    this.unkId = unkId;

    let units = 0;
    for (const token of vocab.tokens) units += token.length;
    const edges = 2 * units + 16;
    let slots = 1024;
    while (slots < edges * 2) slots *= 2;
    this.mask = slots - 1;
    this.keyNode = new Int32Array(slots).fill(EMPTY);
    this.keyUnit = new Uint16Array(slots);
    this.child = new Int32Array(slots);
    this.nodeId = new Int32Array(edges + 2).fill(EMPTY);
    const prefix = this.continuingSubwordPrefix;
    let wholeSize = 1024;
    while (wholeSize < vocab.size * 4) wholeSize *= 2;
    this.wholeMask = wholeSize - 1;
    this.wholeSlots = [new Int32Array(wholeSize).fill(EMPTY), new Int32Array(wholeSize).fill(EMPTY)];
    this.pool = new Uint16Array(units * 2);
    this.poolStart = new Int32Array(vocab.size * 2);
    this.poolLength = new Int32Array(vocab.size * 2);
    let poolUsed = 0;
    const tokens = vocab.tokens;
    for (let id = 0; id < tokens.length; id++) {
      const token = tokens[id] ?? '';
      if (token.length === 0) continue;
      this.insert(0, token, 0, id);
      poolUsed = this.addWhole(token, 0, id, 0, poolUsed);
      if (prefix.length > 0 && token.length > prefix.length && token.startsWith(prefix)) {
        this.insert(1, token, prefix.length, id);
        poolUsed = this.addWhole(token, prefix.length, id, 1, poolUsed);
      }
    }
  }

  /** Adds token[from..] to whole-token table `table`; pool entry 2*id + table. Returns the pool's new end. */
  private addWhole(token: string, from: number, id: number, table: 0 | 1, poolUsed: number): number {
    const entry = 2 * id + table;
    const start = poolUsed;
    this.poolStart[entry] = start;
    this.poolLength[entry] = token.length - from;
    for (let j = from; j < token.length; j++) this.pool[poolUsed++] = token.charCodeAt(j);
    const slots = this.wholeSlots[table];
    let slot = hashUnits(this.pool, start, poolUsed) & this.wholeMask;
    while ((slots[slot] ?? EMPTY) !== EMPTY) slot = (slot + 1) & this.wholeMask;
    slots[slot] = id;
    return poolUsed;
  }

  /** Id of units[from..to) as a whole token (table 0: word start, 1: continuation), or -1. */
  private whole(units: Uint16Array, from: number, to: number, table: 0 | 1): number {
    const slots = this.wholeSlots[table];
    const pool = this.pool;
    const length = to - from;
    let slot = hashUnits(units, from, to) & this.wholeMask;
    for (;;) {
      const id = slots[slot] ?? EMPTY;
      if (id === EMPTY) return -1;
      const entry = 2 * id + table;
      if (this.poolLength[entry] === length) {
        const start = this.poolStart[entry] ?? 0;
        let j = 0;
        while (j < length && pool[start + j] === units[from + j]) j++;
        if (j === length) return id;
      }
      slot = (slot + 1) & this.wholeMask;
    }
  }

  /**
   * Appends the pieces of one word to `out`: `units[0..length)` with per-unit original spans, `codePoints` the
   * word's length in code points (it may be longer than the units kept), `word` the word index to record.
   */
  tokenizeWord(
    units: Uint16Array,
    starts: Int32Array,
    ends: Int32Array,
    length: number,
    codePoints: number,
    word: number,
    out: TokenBuffer,
  ): void {
    const first = starts[0] ?? 0;
    const last = ends[length - 1] ?? 0;
    if (codePoints > this.maxInputCharsPerWord) {
      out.push(this.unkId, first, last, word);
      return;
    }
    const mark = out.length;
    const nodeId = this.nodeId;
    let start = 0;
    while (start < length) {
      // The whole rest of the word is the longest possible match.
      const wholeId = this.whole(units, start, length, start === 0 ? 0 : 1);
      if (wholeId >= 0) {
        out.push(wholeId, starts[start] ?? 0, last, word);
        return;
      }
      let node = start === 0 ? 0 : 1;
      let bestEnd = -1;
      let bestId = -1;
      for (let j = start; j < length; j++) {
        const unit = units[j] ?? 0;
        node = this.step(node, unit);
        if (node < 0) break;
        const id = nodeId[node] ?? EMPTY;
        // A match may not end between the halves of a surrogate pair (the reference cuts at characters).
        if (id >= 0 && (unit < 0xd800 || unit > 0xdbff)) {
          bestEnd = j + 1;
          bestId = id;
        }
      }
      if (bestId < 0) {
        out.length = mark;
        out.push(this.unkId, first, last, word);
        return;
      }
      out.push(bestId, starts[start] ?? 0, ends[bestEnd - 1] ?? 0, word);
      start = bestEnd;
    }
  }

  /** Every code point takes at most 2 units, so a word that can match (≤ maxInputCharsPerWord code points) fits. */
  get maxWordUnits(): number {
    return 2 * this.maxInputCharsPerWord + 2;
  }

  get vocabSize(): number {
    return this.vocab.size;
  }

  get unkTokenId(): number {
    return this.unkId;
  }

  tokenToId(token: string): number | undefined {
    return this.vocab.id(token);
  }

  idToToken(id: number): string | undefined {
    return this.vocab.token(id);
  }

  toJSON(): JsonObject {
    return {
      type: 'WordPiece',
      unk_token: this.unkToken,
      continuing_subword_prefix: this.continuingSubwordPrefix,
      max_input_chars_per_word: this.maxInputCharsPerWord,
      vocab: this.vocab.toIdMap(),
    };
  }

  /** The pieces of one (already normalized) word, as strings. */
  tokenize(word: string): string[] {
    const pieces: string[] = [];
    const codePoints = [...word].length;
    if (word.length === 0) return pieces;
    if (codePoints > this.maxInputCharsPerWord) return [this.unkToken];
    let start = 0;
    while (start < word.length) {
      let node = start === 0 ? 0 : 1;
      let bestEnd = -1;
      for (let j = start; j < word.length && node >= 0; j++) {
        node = this.step(node, word.charCodeAt(j));
        if (node >= 0 && (this.nodeId[node] ?? EMPTY) >= 0 && !isHighSurrogate(word.charCodeAt(j))) bestEnd = j + 1;
      }
      if (bestEnd < 0) return [this.unkToken];
      pieces.push((start === 0 ? '' : this.continuingSubwordPrefix) + word.slice(start, bestEnd));
      start = bestEnd;
    }
    return pieces;
  }

  get vocabulary(): Vocab {
    return this.vocab;
  }

  private step(node: number, unit: number): number {
    const keyNode = this.keyNode;
    let slot = hash(node, unit) & this.mask;
    for (;;) {
      const k = keyNode[slot] ?? EMPTY;
      if (k === EMPTY) return -1;
      if (k === node && this.keyUnit[slot] === unit) return this.child[slot] ?? -1;
      slot = (slot + 1) & this.mask;
    }
  }

  private insert(root: number, token: string, from: number, id: number): void {
    let node = root;
    for (let j = from; j < token.length; j++) {
      const unit = token.charCodeAt(j);
      let next = this.step(node, unit);
      if (next < 0) {
        next = this.nodeCount++;
        let slot = hash(node, unit) & this.mask;
        while ((this.keyNode[slot] ?? EMPTY) !== EMPTY) slot = (slot + 1) & this.mask;
        this.keyNode[slot] = node;
        this.keyUnit[slot] = unit;
        this.child[slot] = next;
      }
      node = next;
    }
    this.nodeId[node] = id;
  }
}

function hash(node: number, unit: number): number {
  let h = Math.imul(node, 0x9e3779b1) + unit;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return h ^ (h >>> 13);
}

function hashUnits(units: Uint16Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let j = from; j < to; j++) h = Math.imul(h ^ (units[j] ?? 0), 0x01000193);
  return h ^ (h >>> 15);
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
