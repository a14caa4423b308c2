/**
 * Added tokens (Hugging Face `AddedVocabulary`, tokenizers/src/tokenizer/added_vocabulary.rs): tokens such as [CLS]
 * or user additions that are found verbatim in the raw text before any other stage runs, and never split. The text
 * between them goes to the normalizer and pre-tokenizer (a WordScanner).
 *
 * Matching is leftmost-longest on the raw text, as the reference's Aho-Corasick automaton matches tokens that are
 * not `normalized`. The `single_word`, `lstrip`, `rstrip` and `normalized` flags are kept (tokenizer.json round-trips
 * them) but not applied: every token is matched as written, where BERT's special tokens are.
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
  singleWord?: boolean;
  lstrip?: boolean;
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
  private readonly byLength: readonly (readonly [string, number])[];
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
      const merged = byId.get(token.id);
      byId.set(token.id, merged === undefined ? token : { ...merged, special: merged.special || token.special });
      if (token.special) this.specialIds.add(token.id);
    }
    this.tokens = [...byId.values()].sort((a, b) => a.id - b.id);
    this.byLength = [...this.idByContent]
      .filter(([content]) => content.length > 0)
      .sort((a, b) => b[0].length - a[0].length || (a[0] < b[0] ? -1 : 1));
    this.firstUnits = [...new Set(this.byLength.map(([content]) => content[0] ?? ''))];
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

  /** Cuts `text` at added tokens: `sink.special` for each, `scanner` for the text between them. */
  scan(text: string, scanner: WordScanner, sink: WordSink): void {
    if (this.firstUnits.length === 0) {
      scanner.scanRange(text, 0, text.length, sink);
      return;
    }
    let pos = 0;
    for (;;) {
      const at = this.find(text, pos);
      if (at < 0) break;
      const [content, id] = this.matchAt(text, at) ?? ['', -1];
      scanner.scanRange(text, pos, at, sink);
      sink.special(id, at, at + content.length);
      pos = at + content.length;
    }
    scanner.scanRange(text, pos, text.length, sink);
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

  private matchAt(text: string, at: number): readonly [string, number] | undefined {
    for (const entry of this.byLength) if (text.startsWith(entry[0], at)) return entry;
    return undefined;
  }
}
