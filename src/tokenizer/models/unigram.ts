/**
 * The Unigram language model of SentencePiece (Kudo 2018, "Subword Regularization", §3.1; sentencepiece
 * unigram_model.cc EncodeOptimized; Hugging Face tokenizers/src/models/unigram): a word becomes the sequence of pieces
 * with the highest sum of scores (log probabilities), found by Viterbi over the lattice of every piece that starts
 * at every character.
 *
 * Rules kept from the reference:
 * - A character no piece of one character covers may be taken as the unknown piece, scored `min score - 10`
 *   (kUnkPenalty), so unknown text costs more than any known piece; consecutive unknown characters become one
 *   unknown token (sentencepiece's PopulateSentencePieceText merges them; tokenizers' fuse_unk).
 * - With byte fallback, an unknown run is spelled as its UTF-8 bytes, `<0xNN>` pieces, each spanning the whole run
 *   as in tokenizers (if one byte piece is missing, the run stays unknown, as there).
 * - Ties between segmentations are common ("1"+"11" against "11"+"1") and are decided by rounding, so the
 *   arithmetic is the reference's. tokenizers (encode_optimized): doubles, each word from 0. sentencepiece
 *   (EncodeOptimized): best scores kept in float32, a piece's candidate summed and compared in double (its score
 *   expression's user-defined branch makes it one), an unknown character's in float32, and each word continuing the
 *   previous word's score, as its single lattice over the text does. Among equal candidates the first found (the
 *   earliest start) stays, in both.
 * - Which pieces the lattice may use: sentencepiece uses NORMAL and USER_DEFINED pieces (control, unknown, byte and
 *   unused pieces are never matched in text); a tokenizer.json has no piece types, and every piece is matched there.
 */
import { valuePreview } from '../../error-text.js';
import { TokenizerError } from '../../errors.js';
import type { JsonObject } from '../json-fields.js';
import type { TokenBuffer } from '../token-buffer.js';
import type { Model } from './model.js';
import { unitsText } from '../units-text.js';
import { PieceTrie } from './piece-trie.js';

/** sentencepiece's kUnkPenalty (unigram_model.h), tokenizers' K_UNK_PENALTY. */
export const UNK_PENALTY = 10;

export interface UnigramOptions {
  /** The unknown piece's id; without one, text no piece covers is a TokenizerError (as the reference). */
  unkId?: number | null;
  /** Spell unknown text as `<0xNN>` byte pieces. Default false. */
  byteFallback?: boolean;
  /** Whether the lattice may use piece `id` (default: every piece, as tokenizer.json means). */
  matchable?: (id: number) => boolean;
  /**
   * Whose arithmetic decides ties: 'tokenizers' (default; what a tokenizer.json means — double precision, each word
   * from 0) or 'sentencepiece' (float32 best scores, the text as one lattice; what a .model means).
   */
  arithmetic?: 'tokenizers' | 'sentencepiece';
}

const NONE = -1;

export class Unigram implements Model {
  readonly maxWordUnits = Infinity;
  readonly unkTokenId: number | undefined;
  readonly byteFallback: boolean;
  /** Lowest piece score; the unknown piece scores UNK_PENALTY less. */
  readonly minScore: number;
  private readonly pieces: readonly string[];
  private readonly scores: Float64Array;
  private readonly float32: boolean;
  private readonly ids = new Map<string, number>();
  private readonly trie: PieceTrie;
  private readonly unkScore: number;
  /** Id of `<0xNN>` for each byte, -1 where the vocabulary lacks it. */
  private readonly byteIds = new Int32Array(256).fill(NONE);
  // Lattice of the current word, indexed by unit position (reused; grown on demand).
  private best = new Float64Array(64);
  private from = new Int32Array(64);
  private piece = new Int32Array(64);
  private path = new Int32Array(64);
  /** Best score at the end of the previous word of this sequence (float32). */
  private carry = 0;

  /** `vocab[id]` is `[piece, score]`. */
  constructor(vocab: ReadonlyArray<readonly [string, number]>, options: UnigramOptions = {}) {
    if (vocab.length === 0) throw new TokenizerError('Unigram: the vocabulary is empty');
    this.pieces = vocab.map(([p]) => p);
    this.scores = new Float64Array(vocab.map(([, s]) => s));
    this.float32 = options.arithmetic === 'sentencepiece';
    let min = Infinity;
    vocab.forEach(([piece, score], id) => {
      if (typeof piece !== 'string' || piece.length === 0) throw new TokenizerError(`Unigram: piece ${id} is not a non-empty string`);
      if (!Number.isFinite(score)) throw new TokenizerError(`Unigram: piece ${id} (${valuePreview(piece)}) has score ${valuePreview(score)}`);
      if (this.ids.has(piece)) throw new TokenizerError(`Unigram: piece ${valuePreview(piece)} appears twice (ids ${this.ids.get(piece)} and ${id})`);
      this.ids.set(piece, id);
      min = Math.min(min, score);
    });
    this.minScore = min;
    this.unkScore = this.float32 ? Math.fround(min - UNK_PENALTY) : min - UNK_PENALTY;
    const unkId = options.unkId ?? undefined;
    if (unkId !== undefined && (!Number.isInteger(unkId) || unkId < 0 || unkId >= vocab.length)) {
      throw new TokenizerError(`Unigram: unk_id ${unkId} is outside the vocabulary (size ${vocab.length})`);
    }
    this.unkTokenId = unkId;
    this.byteFallback = options.byteFallback ?? false;
    for (let b = 0; b < 256; b++) this.byteIds[b] = this.ids.get(bytePiece(b)) ?? NONE;
    const matchable = options.matchable ?? (() => true);
    this.trie = new PieceTrie(this.pieces, matchable);
  }

  get vocabSize(): number {
    return this.pieces.length;
  }

  tokenToId(token: string): number | undefined {
    return this.ids.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.pieces[id];
  }

  /** The score of piece `id` (its log probability). */
  score(id: number): number | undefined {
    return id >= 0 && id < this.pieces.length ? this.scores[id] : undefined;
  }

  tokenizeWord(units: Uint16Array, starts: Int32Array, ends: Int32Array, length: number, _codePoints: number, word: number, out: TokenBuffer): void {
    if (length === 0) return;
    this.ensure(length + 1);
    const { best, from, piece, trie, scores } = this;
    from.fill(NONE, 0, length + 1);
    // sentencepiece runs one lattice over the whole text: a word's paths start from the previous word's best score,
    // which decides float rounding (and so ties). Word 0 starts a sequence.
    if (word === 0 || !this.float32) this.carry = 0;
    best[0] = this.carry;
    const float32 = this.float32;
    from[0] = 0;
    for (let s = 0; s < length; ) {
      const unit = units[s] ?? 0;
      const charUnits = unit >= 0xd800 && unit <= 0xdbff && s + 1 < length && isLow(units[s + 1] ?? 0) ? 2 : 1;
      const base = best[s] ?? 0;
      let single = false;
      for (let e = s, node = 0; e < length; e++) {
        node = trie.child(node, units[e] ?? 0);
        if (node === NONE) break;
        const id = trie.pieceAt(node);
        // A piece never ends inside a surrogate pair of the text.
        if (id === NONE || (e + 1 < length && isLow(units[e + 1] ?? 0) && isHigh(units[e] ?? 0))) continue;
        if (e + 1 === s + charUnits) single = true;
        // In double, against the stored float: sentencepiece's candidate is a double (the user-defined branch of its
        // score expression makes it one) compared with the float it keeps.
        const score = base + (scores[id] ?? 0);
        if (from[e + 1] === NONE || score > (best[e + 1] ?? 0)) {
          best[e + 1] = float32 ? Math.fround(score) : score;
          from[e + 1] = s;
          piece[e + 1] = id;
        }
      }
      const next = s + charUnits;
      if (!single) {
        if (this.unkTokenId === undefined) {
          throw new TokenizerError(`Unigram: ${valuePreview(String.fromCharCode(...units.subarray(s, next)))} matches no piece, and the model has no unknown piece`);
        }
        const score = float32 ? Math.fround(base + this.unkScore) : base + this.unkScore;
        if (from[next] === NONE || score > (best[next] ?? 0)) {
          best[next] = score;
          from[next] = s;
          piece[next] = this.unkTokenId;
        }
      }
      s = next;
    }
    this.carry = best[length] ?? 0;
    this.emit(units, starts, ends, length, word, out);
  }

  toJSON(): JsonObject {
    return {
      type: 'Unigram',
      unk_id: this.unkTokenId ?? null,
      vocab: this.pieces.map((p, id) => [p, this.scores[id] ?? 0]),
      byte_fallback: this.byteFallback,
    };
  }

  /** Walks the best path back from the end and pushes its tokens in order, fusing unknown runs. */
  private emit(units: Uint16Array, starts: Int32Array, ends: Int32Array, length: number, word: number, out: TokenBuffer): void {
    const { from, piece, path } = this;
    let count = 0;
    for (let e = length; e > 0; e = from[e] ?? 0) path[count++] = e;
    const unk = this.unkTokenId;
    for (let i = count - 1; i >= 0; i--) {
      const end = path[i] ?? 0;
      const start = from[end] ?? 0;
      const id = piece[end] ?? 0;
      if (id !== unk) {
        out.push(id, starts[start] ?? 0, ends[end - 1] ?? 0, word);
        continue;
      }
      let runEnd = end;
      while (i > 0 && piece[path[i - 1] ?? 0] === unk) runEnd = path[--i] ?? 0;
      if (!this.byteFallback || !this.pushBytes(units, starts, ends, start, runEnd, word, out)) {
        out.push(id, starts[start] ?? 0, ends[runEnd - 1] ?? 0, word);
      }
    }
  }

  /** Units [from, to) as `<0xNN>` pieces, each spanning the whole run; false (nothing pushed) if a byte piece is missing. */
  private pushBytes(units: Uint16Array, starts: Int32Array, ends: Int32Array, from: number, to: number, word: number, out: TokenBuffer): boolean {
    const bytes = new TextEncoder().encode(unitsText(units, from, to));
    for (const b of bytes) if (this.byteIds[b] === NONE) return false;
    for (const b of bytes) out.push(this.byteIds[b] ?? 0, starts[from] ?? 0, ends[to - 1] ?? 0, word);
    return true;
  }

  private ensure(size: number): void {
    if (this.best.length >= size) return;
    let n = this.best.length;
    while (n < size) n *= 2;
    this.best = new Float64Array(n);
    this.from = new Int32Array(n);
    this.piece = new Int32Array(n);
    this.path = new Int32Array(n);
  }
}

/** sentencepiece's name for byte `b` (`<0x0A>`). */
export function bytePiece(b: number): string {
  return `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
}

function isHigh(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLow(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
