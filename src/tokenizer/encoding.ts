/**
 * The model's view of one input: ids, token type ids, attention mask and the bookkeeping that maps tokens back to
 * text, as Hugging Face's `Encoding`. Arrays are Int32Array so they go straight into tensors.
 *
 * `offsets` is flat: token i spans text.slice(offsets[2i], offsets[2i+1]) of the sequence it came from (the first
 * text, or the pair's second text when sequenceIds[i] is 1), in UTF-16 indices; special and padding tokens get
 * [0, 0]. `wordIds` and `sequenceIds` are -1 where Hugging Face says None.
 */
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
    const grow = (a: Int32Array, fillValue: number, width = 1): Int32Array => {
      const out = new Int32Array(length * width);
      out.set(a);
      if (fillValue !== 0) out.fill(fillValue, a.length);
      return out;
    };
    return new Encoding(
      grow(this.ids, padId),
      grow(this.typeIds, padTypeId),
      grow(this.attentionMask, 0),
      grow(this.specialTokensMask, 1),
      grow(this.offsets, 0, 2),
      grow(this.wordIds, -1),
      grow(this.sequenceIds, -1),
      overflowing,
    );
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
