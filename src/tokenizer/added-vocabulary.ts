/**
 * Added tokens (Hugging Face `AddedVocabulary`, tokenizers/src/tokenizer/added_vocabulary.rs): tokens such as [CLS]
 * or user additions that are found verbatim in the raw text before any other stage runs, and never split. The text
 * between them goes to the normalizer and pre-tokenizer (a WordScanner).
 *
 * Matching is leftmost-longest and non-overlapping on the raw text, as the reference's Aho-Corasick automaton
 * (MatchKind::LeftmostLongest) matches tokens that are not `normalized`; each match then goes through its token's
 * flags as added_vocabulary.rs's find_matches applies them:
 * - `single_word`: the match is dropped (its text goes to the other stages) when a word character touches it;
 * - `lstrip`: the token also takes the whitespace before it, back to the end of the previous match (RoBERTa's
 *   `<mask>`: "the <mask>" leaves no space token before the mask);
 * - `rstrip`: it takes the whitespace after it.
 * The whitespace taken is part of the token's span, so its offsets cover it, as there.
 *
 * `normalized` tokens are matched on the raw text too, where the reference matches them on the normalized text: the
 * same for a tokenizer without a normalizer (RoBERTa), different only where a normalizer rewrites the token's text.
 */
import { valuePreview } from '../error-text.js';
import { TokenizerError } from '../errors.js';
import type { Json } from './json-fields.js';
import type { WordScanner, WordSink } from './word-sink.js';

export interface AddedToken {
  content: string;
  id: number;
  /** Skipped by decode with skipSpecialTokens. */
  special: boolean;
  /** Matched only as a whole word: no word character right before or after it. */
  singleWord?: boolean;
  /** Takes the whitespace before it. */
  lstrip?: boolean;
  /** Takes the whitespace after it. */
  rstrip?: boolean;
  normalized?: boolean;
}

export class AddedVocabulary {
  /** In id order. */
  readonly tokens: readonly AddedToken[];
  private readonly idByContent = new Map<string, number>();
  private readonly contentById = new Map<number, string>();
  private readonly specialIds = new Set<number>();
  /** Longest first, so the first that matches at a position is the leftmost-longest match. */
  private readonly byLength: readonly AddedToken[];
  private readonly firstUnits: readonly string[];

  constructor(tokens: readonly AddedToken[], source = 'added tokens') {
    const byId = new Map<number, AddedToken>();
    for (const token of tokens) {
      const previous = this.idByContent.get(token.content);
      if (previous !== undefined && previous !== token.id) {
        throw new TokenizerError(`${source}: added token ${valuePreview(token.content)} has two ids, ${previous} and ${token.id}`);
      }
      const other = this.contentById.get(token.id);
      if (other !== undefined && other !== token.content) {
        throw new TokenizerError(`${source}: id ${token.id} is given to both added tokens ${valuePreview(other)} and ${valuePreview(token.content)}`);
      }
      this.idByContent.set(token.content, token.id);
      this.contentById.set(token.id, token.content);
      // The first listing of a token keeps its flags (a tokenizer.json's entry over a preset's special token).
      const merged = byId.get(token.id);
      byId.set(token.id, merged === undefined ? token : { ...merged, special: merged.special || token.special });
      if (token.special) this.specialIds.add(token.id);
    }
    this.tokens = [...byId.values()].sort((a, b) => a.id - b.id);
    this.byLength = this.tokens
      .filter((t) => t.content.length > 0)
      .sort((a, b) => b.content.length - a.content.length || (a.content < b.content ? -1 : 1));
    this.firstUnits = [...new Set(this.byLength.map((t) => t.content[0] ?? ''))];
  }

  get size(): number {
    return this.tokens.length;
  }

  id(content: string): number | undefined {
    return this.idByContent.get(content);
  }

  content(id: number): string | undefined {
    return this.contentById.get(id);
  }

  isSpecial(id: number): boolean {
    return this.specialIds.has(id);
  }

  /** content → id of every added token. */
  get ids(): ReadonlyMap<string, number> {
    return this.idByContent;
  }

  /** Largest id + 1 (0 when empty). */
  get idEnd(): number {
    const last = this.tokens[this.tokens.length - 1];
    return last === undefined ? 0 : last.id + 1;
  }

  /**
   * Cuts `text` at added tokens: `sink.special` for each, `scanner` for the text between them (find_matches:
   * `pos` is the end of the last token taken, `from` where the automaton resumes, the end of the last match).
   */
  scan(text: string, scanner: WordScanner, sink: WordSink): void {
    let pos = 0;
    let from = 0;
    while (this.firstUnits.length > 0) {
      const at = this.find(text, from);
      if (at < 0) break;
      const token = this.matchAt(text, at);
      if (token === undefined) break;
      let start = at;
      let stop = at + token.content.length;
      from = stop;
      if (token.singleWord === true && (wordCharBefore(text, start) || wordCharAfter(text, stop))) continue;
      if (token.lstrip === true) {
        while (start > pos && isWhitespace(text.charCodeAt(start - 1))) start--;
      }
      if (token.rstrip === true) {
        while (stop < text.length && isWhitespace(text.charCodeAt(stop))) stop++;
      }
      if (start > pos) scanner.scanRange(text, pos, start, sink);
      sink.special(token.id, start, stop);
      pos = stop;
    }
    if (pos < text.length || text.length === 0) scanner.scanRange(text, pos, text.length, sink);
  }

  /** tokenizer.json's added_tokens. */
  toJSON(): Json[] {
    return this.tokens.map((t) => ({
      id: t.id,
      content: t.content,
      single_word: t.singleWord ?? false,
      lstrip: t.lstrip ?? false,
      rstrip: t.rstrip ?? false,
      normalized: t.normalized ?? !t.special,
      special: t.special,
    }));
  }

  /** Position of the leftmost match at or after `from`, or -1. */
  private find(text: string, from: number): number {
    let best = -1;
    for (const unit of this.firstUnits) {
      let at = text.indexOf(unit, from);
      while (at >= 0 && (best < 0 || at < best)) {
        if (this.matchAt(text, at) !== undefined) {
          best = at;
          break;
        }
        at = text.indexOf(unit, at + 1);
      }
    }
    return best;
  }

  private matchAt(text: string, at: number): AddedToken | undefined {
    for (const token of this.byLength) if (text.startsWith(token.content, at)) return token;
    return undefined;
  }
}

/** Rust's char::is_whitespace (Unicode White_Space): JavaScript's \s without U+FEFF, with U+0085. */
function isWhitespace(unit: number): boolean {
  return (unit >= 0x09 && unit <= 0x0d) || unit === 0x20 || unit === 0x85 || unit === 0xa0 || unit === 0x1680 ||
    (unit >= 0x2000 && unit <= 0x200a) || unit === 0x2028 || unit === 0x2029 || unit === 0x202f || unit === 0x205f || unit === 0x3000;
}

/** regex-syntax's is_word_character (Unicode \w), which single_word tests on the characters beside a match. */
const WORD_CHARACTER = /^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]$/u;

/** Whether the character that ends at `end` is a word character. */
function wordCharBefore(text: string, end: number): boolean {
  if (end <= 0) return false;
  const unit = text.charCodeAt(end - 1);
  const start = unit >= 0xdc00 && unit <= 0xdfff && end >= 2 ? end - 2 : end - 1;
  return WORD_CHARACTER.test(String.fromCodePoint(text.codePointAt(start) ?? unit));
}

/** Whether the character that starts at `start` is a word character. */
function wordCharAfter(text: string, start: number): boolean {
  const cp = text.codePointAt(start);
  return cp !== undefined && WORD_CHARACTER.test(String.fromCodePoint(cp));
}
