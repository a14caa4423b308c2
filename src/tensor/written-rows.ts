import type { FloatArray } from '../backend/backend.js';

/**
 * The rows of a [rows, ...] gradient that row writers (an embedding's scatter-add) touched since it was last zeroed.
 * A BERT step's batch touches a few hundred of the word embeddings' 30,522 rows, so zeroing them and their norm
 * need visit only those; AdamW still updates every row (its moments decay whether a row had a gradient or not).
 */
export class WrittenRows {
  private readonly marked: Uint8Array;
  private list: number[] = [];
  private sorted: Int32Array | null = null;

  constructor(rows: number) {
    this.marked = new Uint8Array(rows);
  }

  /** Marks each id's row except skipRow (the padding row an embedding leaves alone; -1: none). */
  add(ids: Int32Array, skipRow: number): void {
    for (let i = 0; i < ids.length; i++) {
      const row = ids[i]!;
      if (row === skipRow || this.marked[row] === 1) continue;
      this.marked[row] = 1;
      this.list.push(row);
      this.sorted = null;
    }
  }

  /** The rows touched, ascending (the order a dense pass meets them, so sums over them round as its sums do). */
  rows(): Int32Array {
    return (this.sorted ??= Int32Array.from(this.list).sort());
  }

  /** Zeros the rows touched in grad [rows, rowSize] and forgets them. */
  zeroAndClear(grad: FloatArray, rowSize: number): void {
    for (const row of this.list) grad.fill(0, row * rowSize, (row + 1) * rowSize);
    this.clear();
  }

  clear(): void {
    for (const row of this.list) this.marked[row] = 0;
    this.list = [];
    this.sorted = null;
  }
}
