/**
 * A WordPiece vocabulary: token ⇄ id, read from and written to BERT's vocab.txt (one token per line, id = line
 * number from 0). Lines are trimmed at the end as Hugging Face does (`line.trim_end()`); a token listed twice is an
 * error, since one of its ids would silently never be produced.
 */
import { TokenizerError } from '../errors.js';
import { fileAccess } from '../io/file-access.js';

/** Trailing whitespace as Rust's `str::trim_end` sees it (Unicode White_Space; unlike String#trimEnd, not U+FEFF). */
const TRAILING_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/u;

function isSpaceCandidate(unit: number): boolean {
  return unit === 0x85 || unit === 0xa0 || unit === 0x1680 || (unit >= 0x2000 && unit <= 0x200a) || unit === 0x2028 || unit === 0x2029 || unit === 0x202f || unit === 0x205f || unit === 0x3000;
}

const VOCAB_FILE = { label: 'vocab file', error: TokenizerError } as const;

export class Vocab {
  readonly tokens: readonly string[];
  private readonly ids: Map<string, number>;

  /** `source` names where the tokens came from, for error messages. */
  constructor(tokens: readonly string[], source = 'vocabulary') {
    if (tokens.length === 0) throw new TokenizerError(`${source}: the vocabulary is empty`);
    const ids = new Map<string, number>();
    for (let id = 0; id < tokens.length; id++) {
      const token = tokens[id] ?? '';
      ids.set(token, id);
      if (ids.size !== id + 1) {
        const previous = tokens.indexOf(token);
        throw new TokenizerError(
          `${source}: token ${JSON.stringify(token)} appears twice (ids ${previous} and ${id}, lines ${previous + 1} and ${id + 1})`,
        );
      }
    }
    this.tokens = tokens;
    this.ids = ids;
  }

  /** Parses vocab.txt text. */
  static fromText(text: string, source = 'vocab.txt'): Vocab {
    if (text.length === 0) throw new TokenizerError(`${source}: the file is empty`);
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop(); // a final newline ends the last line, it does not add one
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      // Only lines ending in whitespace (\r of CRLF files, mostly) pay for the regex.
      const last = line.charCodeAt(line.length - 1);
      if (last <= 0x20 || (last >= 0x85 && isSpaceCandidate(last))) lines[i] = line.replace(TRAILING_SPACE, '');
    }
    return new Vocab(lines, source);
  }

  /** Reads vocab.txt (UTF-8; invalid bytes are an error). */
  static fromFile(path: string): Vocab {
    const bytes = fileAccess(path, VOCAB_FILE).readFile(path, VOCAB_FILE);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (error) {
      throw new TokenizerError(`vocab file ${path}: not valid UTF-8`, { cause: error });
    }
    return Vocab.fromText(text, `vocab file ${path}`);
  }

  /** Builds a vocabulary from a token → id object such as tokenizer.json's model.vocab; ids must be 0..n-1. */
  static fromIdMap(map: Readonly<Record<string, number>>, source: string): Vocab {
    const entries = Object.entries(map);
    const tokens: string[] = new Array<string>(entries.length);
    for (const [token, id] of entries) {
      if (!Number.isInteger(id) || id < 0 || id >= entries.length) {
        throw new TokenizerError(`${source}: token ${JSON.stringify(token)} has id ${id}, outside 0..${entries.length - 1}`);
      }
      if (tokens[id] !== undefined) {
        throw new TokenizerError(`${source}: id ${id} is given to both ${JSON.stringify(tokens[id])} and ${JSON.stringify(token)}`);
      }
      tokens[id] = token;
    }
    return new Vocab(tokens, source);
  }

  get size(): number {
    return this.tokens.length;
  }

  id(token: string): number | undefined {
    return this.ids.get(token);
  }

  token(id: number): string | undefined {
    return this.tokens[id];
  }

  has(token: string): boolean {
    return this.ids.has(token);
  }

  /** vocab.txt text: one token per line, with a final newline. */
  toText(): string {
    for (const [id, token] of this.tokens.entries()) {
      if (/[\n\r]/.test(token) || TRAILING_SPACE.test(token)) {
        throw new TokenizerError(`vocabulary: token ${id} (${JSON.stringify(token)}) cannot be written to vocab.txt`);
      }
    }
    return this.tokens.join('\n') + '\n';
  }

  /** Writes vocab.txt atomically. */
  save(path: string): void {
    fileAccess(path, VOCAB_FILE).writeFile(path, this.toText(), VOCAB_FILE);
  }

  /** Token → id as a plain object (tokenizer.json's model.vocab). */
  toIdMap(): Record<string, number> {
    const map: Record<string, number> = Object.create(null); // a token may be "__proto__"
    this.tokens.forEach((token, id) => {
      map[token] = id;
    });
    return map;
  }
}
