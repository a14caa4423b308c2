/**
 * BERT's BasicTokenizer, as Hugging Face `tokenizers` runs it (BertNormalizer, then BertPreTokenizer), in one pass
 * over the text that keeps each character's place in the original string.
 *
 * Rules, in the reference's order: never-split special tokens are cut out of the raw text first; clean-text drops
 * NUL, U+FFFD and control/format/private-use characters and turns whitespace into spaces; CJK ideographs become
 * words of their own; strip accents and lowercase (CharNormalizer); then split on whitespace and isolate
 * punctuation. Words reach a WordSink as UTF-16 units with, for each unit, the [start, end) of the original
 * character it came from — so a token's span is [starts[first], ends[last]).
 */
import { charFlags, F_CJK, F_PUNCT, F_REMOVE, F_SPACE } from './char-classes.js';
import { CharNormalizer } from './char-normalizer.js';

export interface BasicTokenizerOptions {
  /** Lowercase (uncased models). Default true. */
  lowercase?: boolean;
  /** Strip accents; null/undefined follows `lowercase`, as in Hugging Face. */
  stripAccents?: boolean | null;
  /** Drop control characters and map whitespace to spaces. Default true. */
  cleanText?: boolean;
  /** Isolate CJK ideographs. Default true. */
  handleChineseChars?: boolean;
  /** Tokens matched verbatim in the raw text and never split (the special tokens), with their ids. */
  neverSplit?: ReadonlyMap<string, number>;
  /** Units kept per word; longer words are only measured (they become [UNK] anyway). Default 256. */
  maxWordUnits?: number;
}

export interface WordSink {
  /** One word: `length` units; unit k came from the original [starts[k], ends[k]); `codePoints` counts the whole word. */
  word(units: Uint16Array, starts: Int32Array, ends: Int32Array, length: number, codePoints: number): void;
  /** A never-split token found verbatim at [start, end) of the raw text. */
  special(id: number, start: number, end: number): void;
}

const WORD = 0;
const SPACE = 1;
const PUNCT = 2;
const REMOVE = 3;

export class BasicTokenizer {
  readonly lowercase: boolean;
  readonly stripAccents: boolean;
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  private readonly normalizer: CharNormalizer;
  private readonly flags = charFlags();
  private readonly asciiClass = new Uint8Array(128);
  private readonly specials: readonly (readonly [string, number])[];
  private readonly specialFirstUnits: readonly number[];
  private readonly cap: number;
  // The word being built.
  private units: Uint16Array;
  private starts: Int32Array;
  private ends: Int32Array;
  private length = 0;
  private codePoints = 0;

  constructor(options: BasicTokenizerOptions = {}) {
    this.lowercase = options.lowercase ?? true;
    this.stripAccents = options.stripAccents ?? this.lowercase;
    this.cleanText = options.cleanText ?? true;
    this.handleChineseChars = options.handleChineseChars ?? true;
    this.normalizer = new CharNormalizer({ lowercase: this.lowercase, stripAccents: this.stripAccents });
    this.cap = Math.max(8, options.maxWordUnits ?? 256);
    this.units = new Uint16Array(this.cap);
    this.starts = new Int32Array(this.cap);
    this.ends = new Int32Array(this.cap);
    for (let c = 0; c < 128; c++) {
      const f = this.flags[c] ?? 0;
      this.asciiClass[c] = this.cleanText && (f & F_REMOVE) !== 0 ? REMOVE : (f & F_SPACE) !== 0 ? SPACE : (f & F_PUNCT) !== 0 ? PUNCT : WORD;
    }
    // Longest first, so the first token that matches at a position is the leftmost-longest match.
    this.specials = [...(options.neverSplit ?? new Map<string, number>())]
      .filter(([token]) => token.length > 0)
      .sort((a, b) => b[0].length - a[0].length || (a[0] < b[0] ? -1 : 1));
    this.specialFirstUnits = [...new Set(this.specials.map(([token]) => token.charCodeAt(0)))];
  }

  /** Splits `text` into words, calling the sink for each word and special token in order. */
  scan(text: string, sink: WordSink): void {
    if (this.specialFirstUnits.length === 0) {
      this.scanRange(text, 0, text.length, sink);
      return;
    }
    let pos = 0;
    for (;;) {
      const match = this.findSpecial(text, pos);
      if (match === undefined) break;
      const [at, token, id] = match;
      this.scanRange(text, pos, at, sink);
      sink.special(id, at, at + token.length);
      pos = at + token.length;
    }
    this.scanRange(text, pos, text.length, sink);
  }

  /** Words as strings (normalized), e.g. for vocabulary training and debugging. */
  tokenize(text: string): string[] {
    return this.preTokenize(text).map(([word]) => word);
  }

  /** Words as strings with their [start, end) in `text`, like tokenizers' preTokenizeString after normalizing. */
  preTokenize(text: string): Array<[string, [number, number]]> {
    const out: Array<[string, [number, number]]> = [];
    this.scan(text, {
      word(units, starts, ends, length) {
        out.push([String.fromCharCode(...units.subarray(0, length)), [starts[0] ?? 0, ends[length - 1] ?? 0]]);
      },
      special(_id, start, end) {
        out.push([text.slice(start, end), [start, end]]);
      },
    });
    return out;
  }

  private findSpecial(text: string, from: number): [number, string, number] | undefined {
    let best = -1;
    for (const unit of this.specialFirstUnits) {
      let at = text.indexOf(String.fromCharCode(unit), from);
      while (at >= 0 && (best < 0 || at < best)) {
        if (this.specialAt(text, at) !== undefined) {
          best = at;
          break;
        }
        at = text.indexOf(String.fromCharCode(unit), at + 1);
      }
    }
    if (best < 0) return undefined;
    const hit = this.specialAt(text, best);
    return hit === undefined ? undefined : [best, hit[0], hit[1]];
  }

  private specialAt(text: string, at: number): readonly [string, number] | undefined {
    for (const entry of this.specials) if (text.startsWith(entry[0], at)) return entry;
    return undefined;
  }

  private scanRange(text: string, from: number, to: number, sink: WordSink): void {
    const asciiClass = this.asciiClass;
    const asciiMap = this.normalizer.ascii;
    const flags = this.flags;
    const clean = this.cleanText;
    const chinese = this.handleChineseChars;
    let i = from;
    while (i < to) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        const k = asciiClass[c];
        if (k === WORD) this.append(asciiMap[c] ?? c, i, i + 1, 1);
        else if (k === SPACE) this.flush(sink);
        else if (k === PUNCT) {
          this.flush(sink);
          this.append(c, i, i + 1, 1);
          this.flush(sink);
        }
        i++;
        continue;
      }
      // A code point; a lone surrogate stands for U+FFFD, which is what the reference receives in its place.
      let cp = c;
      let next = i + 1;
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = next < to ? text.charCodeAt(next) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          next++;
        } else cp = 0xfffd;
      }
      const f = flags[cp] ?? 0;
      if (clean && (f & F_REMOVE) !== 0) {
        i = next;
        continue;
      }
      if ((f & F_SPACE) !== 0) {
        this.flush(sink);
        i = next;
        continue;
      }
      const mapped = this.normalizer.map(cp);
      if (chinese && (f & F_CJK) !== 0) {
        this.flush(sink);
        this.appendString(mapped, i, next);
        this.flush(sink);
        i = next;
        continue;
      }
      // The normalized characters are split like any others: NFD can turn a letter-like sign into punctuation.
      for (let j = 0; j < mapped.length; ) {
        let m = mapped.charCodeAt(j);
        let units = 1;
        if (m >= 0xd800 && m <= 0xdbff && j + 1 < mapped.length) {
          m = ((m - 0xd800) << 10) + (mapped.charCodeAt(j + 1) - 0xdc00) + 0x10000;
          units = 2;
        }
        const g = flags[m] ?? 0;
        if ((g & F_SPACE) !== 0) this.flush(sink);
        else if ((g & F_PUNCT) !== 0) {
          this.flush(sink);
          this.appendUnits(mapped, j, units, i, next);
          this.flush(sink);
        } else this.appendUnits(mapped, j, units, i, next);
        j += units;
      }
      i = next;
    }
    this.flush(sink);
  }

  private append(unit: number, start: number, end: number, codePoints: number): void {
    const n = this.length;
    if (n < this.cap) {
      this.units[n] = unit;
      this.starts[n] = start;
      this.ends[n] = end;
      this.length = n + 1;
    } else this.ends[n - 1] = end; // too long to match anything: only its span matters
    this.codePoints += codePoints;
  }

  private appendUnits(s: string, at: number, units: number, start: number, end: number): void {
    this.append(s.charCodeAt(at), start, end, 1);
    if (units === 2) this.append(s.charCodeAt(at + 1), start, end, 0);
  }

  private appendString(s: string, start: number, end: number): void {
    for (let j = 0; j < s.length; j++) {
      const u = s.charCodeAt(j);
      this.append(u, start, end, u >= 0xdc00 && u <= 0xdfff ? 0 : 1);
    }
  }

  private flush(sink: WordSink): void {
    if (this.length === 0) return;
    sink.word(this.units, this.starts, this.ends, this.length, this.codePoints);
    this.length = 0;
    this.codePoints = 0;
  }
}
