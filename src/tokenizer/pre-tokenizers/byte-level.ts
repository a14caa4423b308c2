/**
 * Hugging Face's ByteLevel pre-tokenizer (tokenizers/src/pre_tokenizers/byte_level.rs), GPT-2's and RoBERTa's:
 * optionally a space before the text (`add_prefix_space`, so the first word looks like the others), then the words of
 * GPT-2's regex `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` (`use_regex`), each
 * written as its UTF-8 bytes in the byte alphabet (byte-level-alphabet.ts): "Hello world" → "Hello", "Ġworld".
 *
 * The regex runs as a hand-written scanner over class tables measured from the reference (byte-level-classes.ts).
 * Every byte of a character carries that character's original span, so a token ending inside a character spans all
 * of it, as in the reference. The prefix space takes the span of the first character (the reference's prepend).
 * `trim_offsets` is kept for tokenizer.json; offsets are trimmed by the post-processor, as in the reference.
 */
import { BYTE_TO_UNIT, utf8Bytes } from '../byte-level-alphabet.js';
import type { JsonObject } from '../json-fields.js';
import { NormalizedText } from '../normalized-text.js';
import type { WordBuilder } from '../word-builder.js';
import type { WordSink } from '../word-sink.js';
import { LETTER, NUMBER, SPACE } from './byte-level-classes.js';
import type { PreTokenizer } from './pre-tokenizer.js';

const OTHER = 0;
const L = 1;
const N = 2;
const S = 3;

let classTable: Uint8Array | undefined;
/** The regex class of every code point (1.1 MB, built once on first use). */
function classes(): Uint8Array {
  if (classTable !== undefined) return classTable;
  const table = new Uint8Array(0x110000);
  for (const [ranges, cls] of [[LETTER, L], [NUMBER, N], [SPACE, S]] as const) {
    for (let i = 0; i + 1 < ranges.length; i += 2) table.fill(cls, ranges[i], (ranges[i + 1] ?? -1) + 1);
  }
  classTable = table;
  return table;
}

export interface ByteLevelOptions {
  /** Put a space before the text unless it starts with one. Default true (the reference's default; RoBERTa: false). */
  addPrefixSpace?: boolean;
  /** Kept for tokenizer.json (the post-processor trims). Default true. */
  trimOffsets?: boolean;
  /** Split with GPT-2's regex; false: the whole text is one word. Default true. */
  useRegex?: boolean;
}

export class ByteLevel implements PreTokenizer {
  readonly addPrefixSpace: boolean;
  readonly trimOffsets: boolean;
  readonly useRegex: boolean;
  private readonly classes = classes();
  private readonly prefixed = new NormalizedText();
  private readonly bytes = new Uint8Array(4);

  constructor(options: ByteLevelOptions = {}) {
    this.addPrefixSpace = options.addPrefixSpace ?? true;
    this.trimOffsets = options.trimOffsets ?? true;
    this.useRegex = options.useRegex ?? true;
  }

  preTokenize(input: NormalizedText, word: WordBuilder, sink: WordSink): void {
    if (input.length === 0) return;
    let text = input;
    if (this.addPrefixSpace && input.units[0] !== 0x20) {
      text = this.prefixed;
      text.clear();
      text.push(0x20, input.starts[0] ?? 0, input.ends[0] ?? 0);
      for (let k = 0; k < input.length; k++) text.push(input.units[k] ?? 0, input.starts[k] ?? 0, input.ends[k] ?? 0);
    }
    const n = text.length;
    for (let k = 0; k < n; ) {
      const end = this.useRegex ? this.matchEnd(text, k) : n;
      this.emit(text, k, end, word, sink);
      k = end;
    }
  }

  toJSON(): JsonObject {
    return { type: 'ByteLevel', add_prefix_space: this.addPrefixSpace, trim_offsets: this.trimOffsets, use_regex: this.useRegex };
  }

  /** Where the regex match starting at unit k ends (the alternatives in the regex's order; it matches everywhere). */
  private matchEnd(text: NormalizedText, k: number): number {
    const n = text.length;
    const c = text.units[k] ?? 0;
    if (c === 0x27 && k + 1 < n) {
      // 's 't 're 've 'm 'll 'd (lowercase only, as the regex is written)
      const c1 = text.units[k + 1] ?? 0;
      if (c1 === 0x73 || c1 === 0x74 || c1 === 0x6d || c1 === 0x64) return k + 2;
      const c2 = k + 2 < n ? (text.units[k + 2] ?? 0) : 0;
      if ((c1 === 0x72 || c1 === 0x76) && c2 === 0x65) return k + 3;
      if (c1 === 0x6c && c2 === 0x6c) return k + 3;
    }
    const packed = text.codePointAt(k);
    const cls = this.classes[packed >>> 2] ?? OTHER;
    if (cls !== S) return this.runEnd(text, k + (packed & 3), cls);
    if (c === 0x20 && k + 1 < n) {
      // ` ?X+`: a space takes the run of letters, numbers or other characters after it.
      const next = this.classes[text.codePointAt(k + 1) >>> 2] ?? OTHER;
      if (next !== S) return this.runEnd(text, k + 1, next);
    }
    // Whitespace: `\s+(?!\S)` leaves the last space before a non-space to the word after it; `\s+` takes a single one.
    let end = k;
    let last = k;
    while (end < n) {
      const p = text.codePointAt(end);
      if (this.classes[p >>> 2] !== S) break;
      last = end;
      end += p & 3;
    }
    if (end === n || last === k) return end;
    return last;
  }

  /** The end of the run of class `cls` from unit k. */
  private runEnd(text: NormalizedText, k: number, cls: number): number {
    const n = text.length;
    while (k < n) {
      const p = text.codePointAt(k);
      if (this.classes[p >>> 2] !== cls) break;
      k += p & 3;
    }
    return k;
  }

  /** Units [from, to) as one word of byte characters, each byte with its character's span. */
  private emit(text: NormalizedText, from: number, to: number, word: WordBuilder, sink: WordSink): void {
    const bytes = this.bytes;
    for (let k = from; k < to; ) {
      const packed = text.codePointAt(k);
      const start = text.starts[k] ?? 0;
      const end = text.ends[k] ?? 0;
      const count = utf8Bytes(packed >>> 2, bytes, 0);
      for (let b = 0; b < count; b++) word.append(BYTE_TO_UNIT[bytes[b] ?? 0] ?? 0, start, end, 1);
      k += packed & 3;
    }
    word.flush(sink);
  }
}
