/**
 * Text between the normalizer and the pre-tokenizer: UTF-16 units, each with the [start, end) of the original
 * character it came from (Hugging Face's NormalizedString, whose alignments map every normalized character back
 * into the original). Buffers are reused across calls; only the staged path (stages without a fused scanner) uses it.
 */
import { growUnitSpans } from './unit-spans.js';
export class NormalizedText {
  units = new Uint16Array(256);
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  length = 0;

  clear(): void {
    this.length = 0;
  }

  push(unit: number, start: number, end: number): void {
    const n = this.length;
    if (n === this.units.length) this.grow();
    this.units[n] = unit;
    this.starts[n] = start;
    this.ends[n] = end;
    this.length = n + 1;
  }

  /**
   * Resets to text[from, to) unchanged: a surrogate pair's two units both map to the pair's span; a lone surrogate
   * becomes U+FFFD, which is what the Rust reference receives in its place.
   */
  setOriginal(text: string, from: number, to: number): void {
    this.clear();
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      const d = i + 1 < to ? text.charCodeAt(i + 1) : 0;
      if (c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        this.push(c, i, i + 2);
        this.push(d, i, i + 2);
        i++;
      } else this.push(c >= 0xd800 && c <= 0xdfff ? 0xfffd : c, i, i + 1);
    }
  }

  /** Resets to the units of one word (as a WordSink receives it). */
  setWord(units: Uint16Array, starts: Int32Array, ends: Int32Array, length: number): void {
    this.clear();
    for (let k = 0; k < length; k++) this.push(units[k] ?? 0, starts[k] ?? 0, ends[k] ?? 0);
  }

  /**
   * The code point starting at unit `k` and how many units it takes, packed as `codePoint * 4 + units` (a lone
   * surrogate, which only a faulty stage could write, reads as U+FFFD).
   */
  codePointAt(k: number): number {
    const c = this.units[k] ?? 0;
    if (c < 0xd800 || c > 0xdfff) return c * 4 + 1;
    const d = k + 1 < this.length ? (this.units[k + 1] ?? 0) : 0;
    if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) return (((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000) * 4 + 2;
    return 0xfffd * 4 + 1;
  }

  private grow(): void {
    growUnitSpans(this, this.units.length * 2);
  }

}
