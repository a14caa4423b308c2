/**
 * A growable run of tokens (id, offsets, word index) written by the tokenizer's hot loop without allocating per
 * token. Offsets are UTF-16 indices into the text the tokens came from, end exclusive.
 */
export class TokenBuffer {
  ids: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
  words: Int32Array;
  length = 0;

  constructor(capacity = 256) {
    this.ids = new Int32Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.words = new Int32Array(capacity);
  }

  push(id: number, start: number, end: number, word: number): void {
    if (this.length === this.ids.length) this.grow();
    const n = this.length;
    this.ids[n] = id;
    this.starts[n] = start;
    this.ends[n] = end;
    this.words[n] = word;
    this.length = n + 1;
  }

  clear(): void {
    this.length = 0;
  }

  private grow(): void {
    const capacity = this.ids.length * 2;
    const grown = (old: Int32Array): Int32Array => {
      const next = new Int32Array(capacity);
      next.set(old);
      return next;
    };
    this.ids = grown(this.ids);
    this.starts = grown(this.starts);
    this.ends = grown(this.ends);
    this.words = grown(this.words);
  }
}
