/**
 * The word a pre-tokenizer is building, handed to a WordSink when it ends. Units are kept up to `limit` (the model's
 * maxWordUnits: WordPiece turns any word over max_input_chars_per_word into one [UNK], so it needs no more); past it
 * a word only extends its span and its count of code points, which is all the model looks at then. Storage grows on
 * demand, so a large limit costs nothing until a long word arrives.
 */
import type { NormalizedText } from './normalized-text.js';
import type { WordSink } from './word-sink.js';
import { growUnitSpans } from './unit-spans.js';

export class WordBuilder {
  units: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  length = 0;
  codePoints = 0;
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = Math.max(8, limit);
    const capacity = Math.min(this.limit, 256);
    this.units = new Uint16Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
  }

  /** Adds one unit that came from the original [start, end); `codePoints` is 1 for a character's first unit, else 0. */
  append(unit: number, start: number, end: number, codePoints: number): void {
    const n = this.length;
    if (n < this.units.length) {
      this.units[n] = unit;
      this.starts[n] = start;
      this.ends[n] = end;
      this.length = n + 1;
    } else this.appendPastCapacity(unit, start, end);
    this.codePoints += codePoints;
  }

  /** Adds the units of string `s` from `at` (one character: 1 or 2 units), all from the original [start, end). */
  appendString(s: string, at: number, units: number, start: number, end: number): void {
    this.append(s.charCodeAt(at), start, end, 1);
    if (units === 2) this.append(s.charCodeAt(at + 1), start, end, 0);
  }

  /** Adds one character of normalized text: `units` units from unit `k` of `input`. */
  appendFrom(input: NormalizedText, k: number, units: number): void {
    for (let j = 0; j < units; j++) this.append(input.units[k + j] ?? 0, input.starts[k + j] ?? 0, input.ends[k + j] ?? 0, j === 0 ? 1 : 0);
  }

  /** Adds all of `input`, character by character. */
  appendText(input: NormalizedText): void {
    for (let k = 0; k < input.length; ) {
      const units = input.codePointAt(k) & 3;
      this.appendFrom(input, k, units);
      k += units;
    }
  }

  /** Ends the current word (if any) and hands it to `sink`. */
  flush(sink: WordSink): void {
    if (this.length === 0) return;
    sink.word(this.units, this.starts, this.ends, this.length, this.codePoints);
    this.length = 0;
    this.codePoints = 0;
  }

  /** Kept out of `append`, which the scanners inline at every call site. */
  private appendPastCapacity(unit: number, start: number, end: number): void {
    const n = this.length;
    if (this.units.length >= this.limit) {
      this.ends[n - 1] = end; // over the limit: only the span matters
      return;
    }
    this.grow();
    this.units[n] = unit;
    this.starts[n] = start;
    this.ends[n] = end;
    this.length = n + 1;
  }

  private grow(): void {
    growUnitSpans(this, Math.min(this.limit, this.units.length * 2));
  }

}
