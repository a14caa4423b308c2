/**
 * Lines of text from a byte stream — the one line reader of every command that reads text (tokenize,
 * train-tokenizer, the pre-training corpus). Memory holds one chunk and the line being read, never the whole input.
 * A line ends at '\n' (a '\r' before it is dropped); a byte-order mark at the very start is dropped.
 *
 * Invalid UTF-8 never fails the read: each bad sequence becomes U+FFFD (Python's errors="replace"; BERT's
 * clean-text then drops it), and a TextStats counts the lines and characters affected, for warnings and for
 * refusing binary input. Chunks are decoded whole up to their last newline; only a chunk that fails strict decoding
 * is decoded again line by line to count, so valid text pays nothing for the counting.
 */
import { readInputChunks, type FileRole, type ReadProgress } from '../io/checked-file.js';
import { TextStats } from './text-stats.js';

const WORD = /[\p{L}\p{N}]/u;
const REPLACEMENT_CHAR = '\ufffd';
const REPLACEMENT_BYTES = Buffer.from(REPLACEMENT_CHAR);
const NEWLINE = 10;

/** Lines of `chunks`; `stats` (when given) is updated as they are read. */
export async function* readLines(chunks: AsyncIterable<Buffer>, stats: TextStats = new TextStats('input')): AsyncGenerator<string, void, undefined> {
  const decoder = new BlockDecoder(stats);
  let pending: Buffer[] = [];
  for await (const chunk of chunks) {
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline < 0) {
      pending.push(chunk);
      continue;
    }
    pending.push(chunk.subarray(0, lastNewline));
    const block = pending.length === 1 ? chunk.subarray(0, lastNewline) : Buffer.concat(pending);
    pending = [chunk.subarray(lastNewline + 1)];
    yield* decoder.lines(block);
  }
  const rest = Buffer.concat(pending);
  if (rest.length > 0) yield* decoder.lines(rest);
}

export interface FileLineOptions {
  /** How the file is named in errors (default: the path alone, DataError). */
  role?: FileRole;
  stats?: TextStats;
  progress?: ReadProgress;
}

/** Lines of a file, opened through the checked open: a missing file or a read error is a typed error. */
export function readFileLines(path: string, options: FileLineOptions = {}): AsyncGenerator<string, void, undefined> {
  return readLines(readInputChunks(path, options.role ?? {}, options.progress), options.stats);
}

/** Decodes blocks of whole lines (a block never ends inside a line), counting into `stats`. */
class BlockDecoder {
  // ignoreBOM: decode() would otherwise drop a BOM at the start of every block, not only of the input.
  private readonly strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly lenient = new TextDecoder('utf-8', { ignoreBOM: true });
  private atStart = true;

  constructor(private readonly stats: TextStats) {}

  lines(block: Buffer): string[] {
    const lines = this.decode(block);
    this.stats.lines += lines.length;
    if (this.atStart) {
      this.atStart = false;
      const first = lines[0];
      if (first !== undefined && first.charCodeAt(0) === 0xfeff) lines[0] = first.slice(1);
    }
    return lines;
  }

  private decode(block: Buffer): string[] {
    let text: string;
    try {
      text = this.strict.decode(block);
    } catch {
      return this.decodeLineByLine(block);
    }
    this.stats.chars += text.length;
    if (!this.stats.hasWord) this.stats.hasWord = WORD.test(text);
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) lines[i] = withoutCr(lines[i]!);
    return lines;
  }

  /** The slow path, for blocks with invalid UTF-8: each line on its own, to count the lines and bytes affected. */
  private decodeLineByLine(block: Buffer): string[] {
    const stats = this.stats;
    const lines: string[] = [];
    for (let start = 0; ;) {
      const newline = block.indexOf(NEWLINE, start);
      const bytes = block.subarray(start, newline < 0 ? block.length : newline);
      const line = this.lenient.decode(bytes);
      const replaced = occurrences(line, REPLACEMENT_CHAR) - occurrences(bytes, REPLACEMENT_BYTES);
      if (replaced > 0) {
        stats.invalidLines++;
        stats.replacedChars += replaced;
      }
      stats.chars += line.length + (newline < 0 ? 0 : 1);
      if (!stats.hasWord) stats.hasWord = WORD.test(line);
      lines.push(withoutCr(line));
      if (newline < 0) return lines;
      start = newline + 1;
    }
  }
}

function withoutCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** How often `needle` occurs in `haystack`: a character in a string, or a byte sequence in bytes. */
function occurrences<T extends string | Buffer>(haystack: T, needle: T): number {
  const find = (from: number): number =>
    typeof haystack === 'string' ? haystack.indexOf(needle as string, from) : (haystack as Buffer).indexOf(needle as Buffer, from);
  let n = 0;
  for (let at = find(0); at >= 0; at = find(at + needle.length)) n++;
  return n;
}
