/**
 * The model's view of one input: ids, token type ids, attention mask and the bookkeeping that maps tokens back to
 * text, as Hugging Face's `Encoding`. Arrays are Int32Array so they go straight into tensors.
 *
 * `offsets` is flat: token i spans text.slice(offsets[2i], offsets[2i+1]) of the sequence it came from (the first
 * text, or the pair's second text when sequenceIds[i] is 1), in UTF-16 indices; special and padding tokens get
 * [0, 0]. `wordIds` and `sequenceIds` are -1 where Hugging Face says None. The arrays may be views into a shared
 * buffer: read them through their own byteOffset/length (as typed-array APIs do), or copy with slice().
 */
/** The seven arrays of an encoding of `n` tokens, zero-filled. */
export interface EncodingArrays {
  ids: Int32Array;
  typeIds: Int32Array;
  attentionMask: Int32Array;
  specialTokensMask: Int32Array;
  offsets: Int32Array;
  wordIds: Int32Array;
  sequenceIds: Int32Array;
}

// Encodings are small and many: a fresh ArrayBuffer each (7 per encoding) costs more than the tokenizing. They are
// carved instead, as views, from shared 1 MB slabs (a slab is freed when no encoding using it is left).
const SLAB_INTS = 1 << 18;
let slab = new Int32Array(SLAB_INTS);
let slabUsed = 0;

export function allocateEncodingArrays(n: number): EncodingArrays {
  const need = 8 * n;
  let block: Int32Array;
  if (need > SLAB_INTS / 4) block = new Int32Array(need);
  else {
    if (slabUsed + need > SLAB_INTS) {
      slab = new Int32Array(SLAB_INTS);
      slabUsed = 0;
    }
    block = slab.subarray(slabUsed, slabUsed + need);
    slabUsed += need;
  }
  return {
    ids: block.subarray(0, n),
    typeIds: block.subarray(n, 2 * n),
    attentionMask: block.subarray(2 * n, 3 * n),
    specialTokensMask: block.subarray(3 * n, 4 * n),
    offsets: block.subarray(4 * n, 6 * n),
    wordIds: block.subarray(6 * n, 7 * n),
    sequenceIds: block.subarray(7 * n, 8 * n),
  };
}

export class Encoding {
  constructor(
    readonly ids: Int32Array,
    readonly typeIds: Int32Array,
    readonly attentionMask: Int32Array,
    readonly specialTokensMask: Int32Array,
    readonly offsets: Int32Array,
    readonly wordIds: Int32Array,
    readonly sequenceIds: Int32Array,
    /** The windows that truncation cut off (with `returnOverflowing`), each a full encoding with its special tokens. */
    readonly overflowing: Encoding[] = [],
  ) {}

  get length(): number {
    return this.ids.length;
  }

  /** [start, end) of token i in its text. */
  offset(i: number): [number, number] {
    return [this.offsets[2 * i] ?? 0, this.offsets[2 * i + 1] ?? 0];
  }

  /** All offsets as [start, end] pairs (Hugging Face's layout). */
  offsetPairs(): Array<[number, number]> {
    const pairs: Array<[number, number]> = new Array<[number, number]>(this.length);
    for (let i = 0; i < this.length; i++) pairs[i] = [this.offsets[2 * i] ?? 0, this.offsets[2 * i + 1] ?? 0];
    return pairs;
  }

  /** Word index of each token, null for special and padding tokens. */
  words(): Array<number | null> {
    return Array.from(this.wordIds, (w) => (w < 0 ? null : w));
  }

  /** Returns this encoding padded on the right to `length` (and its overflowing windows too); no-op when long enough. */
  pad(length: number, padId: number, padTypeId = 0): Encoding {
    const overflowing = this.overflowing.map((o) => o.pad(length, padId, padTypeId));
    const n = this.length;
    if (n >= length) return overflowing.every((o, i) => o === this.overflowing[i]) ? this : this.withOverflowing(overflowing);
    const out = allocateEncodingArrays(length);
    const grow = (to: Int32Array, from: Int32Array, fillValue: number): void => {
      to.set(from);
      if (fillValue !== 0) to.fill(fillValue, from.length);
    };
    grow(out.ids, this.ids, padId);
    grow(out.typeIds, this.typeIds, padTypeId);
    grow(out.attentionMask, this.attentionMask, 0);
    grow(out.specialTokensMask, this.specialTokensMask, 1);
    grow(out.offsets, this.offsets, 0);
    grow(out.wordIds, this.wordIds, -1);
    grow(out.sequenceIds, this.sequenceIds, -1);
    return Encoding.fromArrays(out, overflowing);
  }

  static fromArrays(a: EncodingArrays, overflowing: Encoding[] = []): Encoding {
    return new Encoding(a.ids, a.typeIds, a.attentionMask, a.specialTokensMask, a.offsets, a.wordIds, a.sequenceIds, overflowing);
  }

  withOverflowing(overflowing: Encoding[]): Encoding {
    return new Encoding(
      this.ids,
      this.typeIds,
      this.attentionMask,
      this.specialTokensMask,
      this.offsets,
      this.wordIds,
      this.sequenceIds,
      overflowing,
    );
  }
}
