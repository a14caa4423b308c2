/**
 * BERT's BasicTokenizer: Hugging Face's BertNormalizer and BertPreTokenizer fused into one pass over the raw text,
 * the pipeline's word scanner whenever those two stages follow each other (BERT and its relatives). One pass with
 * flag tables per code point (ASCII through a 128-entry class table) and cached per-character normalization, no
 * intermediate normalized string: each character is normalized and immediately placed in the current word.
 *
 * Rules, in the reference's order (BertNormalizer, then BertPreTokenizer — their staged forms are in
 * normalizers/bert-normalizer.ts and pre-tokenizers/bert-pre-tokenizer.ts and give the same words, tested): clean
 * text drops NUL, U+FFFD and control/format/private-use characters and turns whitespace into spaces; CJK ideographs
 * become words of their own; strip accents and lowercase (CharNormalizer); then split on whitespace and isolate
 * punctuation. With `neverSplit`, those tokens are first cut out of the raw text (AddedVocabulary).
 */
import { AddedVocabulary } from './added-vocabulary.js';
import { charFlags, F_CJK, F_PUNCT, F_REMOVE, F_SPACE } from './char-classes.js';
import { BertNormalizer } from './normalizers/bert-normalizer.js';
import { WordBuilder } from './word-builder.js';
import { collectWords, type WordScanner, type WordSink } from './word-sink.js';

export type { WordSink } from './word-sink.js';

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

const WORD = 0;
const SPACE = 1;
const PUNCT = 2;
const REMOVE = 3;

export class BasicTokenizer implements WordScanner {
  readonly lowercase: boolean;
  readonly stripAccents: boolean;
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  /** The stage this pass implements (with BertPreTokenizer). */
  readonly normalizer: BertNormalizer;
  private readonly neverSplit: AddedVocabulary;
  private readonly flags = charFlags();
  private readonly asciiClass = new Uint8Array(128);
  private readonly current: WordBuilder;

  /** `normalizer`: the pipeline's BertNormalizer stage to fuse (it then decides case, accents, cleaning, CJK). */
  constructor(options: BasicTokenizerOptions = {}, normalizer?: BertNormalizer) {
    this.normalizer =
      normalizer ??
      new BertNormalizer({
        lowercase: options.lowercase,
        stripAccents: options.stripAccents,
        cleanText: options.cleanText,
        handleChineseChars: options.handleChineseChars,
      });
    this.lowercase = this.normalizer.lowercase;
    this.stripAccents = this.normalizer.chars.stripAccents;
    this.cleanText = this.normalizer.cleanText;
    this.handleChineseChars = this.normalizer.handleChineseChars;
    this.current = new WordBuilder(options.maxWordUnits ?? 256);
    this.neverSplit = new AddedVocabulary([...(options.neverSplit ?? [])].map(([content, id]) => ({ content, id, special: true })));
    for (let c = 0; c < 128; c++) {
      const f = this.flags[c] ?? 0;
      this.asciiClass[c] = this.cleanText && (f & F_REMOVE) !== 0 ? REMOVE : (f & F_SPACE) !== 0 ? SPACE : (f & F_PUNCT) !== 0 ? PUNCT : WORD;
    }
  }

  /** Splits `text` into words, calling the sink for each word and never-split token in order. */
  scan(text: string, sink: WordSink): void {
    this.neverSplit.scan(text, this, sink);
  }

  /** Words as strings (normalized), e.g. for vocabulary training and debugging. */
  tokenize(text: string): string[] {
    return this.preTokenize(text).map(([word]) => word);
  }

  /** Words as strings with their [start, end) in `text`, like tokenizers' preTokenizeString after normalizing. */
  preTokenize(text: string): Array<[string, [number, number]]> {
    return collectWords(text, (sink) => this.scan(text, sink));
  }

  scanRange(text: string, from: number, to: number, sink: WordSink): void {
    const asciiClass = this.asciiClass;
    const chars = this.normalizer.chars;
    const asciiMap = chars.ascii;
    const flags = this.flags;
    const clean = this.cleanText;
    const chinese = this.handleChineseChars;
    const word = this.current;
    let i = from;
    while (i < to) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        const k = asciiClass[c];
        if (k === WORD) word.append(asciiMap[c] ?? c, i, i + 1, 1);
        else if (k === SPACE) word.flush(sink);
        else if (k === PUNCT) {
          word.flush(sink);
          word.append(c, i, i + 1, 1);
          word.flush(sink);
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
        word.flush(sink);
        i = next;
        continue;
      }
      const mapped = chars.map(cp);
      if (chinese && (f & F_CJK) !== 0) {
        word.flush(sink);
        for (let j = 0; j < mapped.length; j++) {
          const u = mapped.charCodeAt(j);
          word.append(u, i, next, u >= 0xdc00 && u <= 0xdfff ? 0 : 1);
        }
        word.flush(sink);
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
        if ((g & F_SPACE) !== 0) word.flush(sink);
        else if ((g & F_PUNCT) !== 0) {
          word.flush(sink);
          word.appendString(mapped, j, units, i, next);
          word.flush(sink);
        } else word.appendString(mapped, j, units, i, next);
        j += units;
      }
      i = next;
    }
    word.flush(sink);
  }
}
