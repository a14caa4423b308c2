/**
 * `tsbert tokenize`: one example per input line (with --pair, `A<TAB>B`) → one JSON object per output line,
 * `{"ids":[...],"type_ids":[...],"offsets":[[s,e],...]}` with [CLS]/[SEP] included and offsets in UTF-16 indices
 * of the line (of B for the second segment). Streams: reads and writes in chunks, never the whole input at once.
 */
import { once } from 'node:events';
import { InvalidArgumentError, type Command } from 'commander';
import { readLines } from '../../data/line-reader.js';
import { TextStats } from '../../data/text-stats.js';
import { DataError, TokenizerError } from '../../errors.js';
import { AtomicFileWriter } from '../../io/atomic-file.js';
import { checkedChunks, checkInput, readInputChunks } from '../../io/checked-file.js';
import { BertTokenizer } from '../../tokenizer/bert-tokenizer.js';
import type { Encoding } from '../../tokenizer/encoding.js';
import { openStopScope } from '../signals.js';

interface TokenizeOptions {
  vocab: string;
  cased?: boolean;
  pair?: boolean;
  maxLength?: number;
  input?: string;
  output?: string;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** The JSON line of one encoding (for library users; the command itself writes bytes with JsonLineWriter). */
export function encodingToJsonLine(encoding: Encoding): string {
  const writer = new JsonLineWriter(64 + 40 * encoding.length);
  writer.encoding(encoding);
  return Buffer.from(writer.take()).toString('latin1');
}

const BYTE = (s: string): number => s.charCodeAt(0);
const IDS = Buffer.from('{"ids":[');
const TYPE_IDS = Buffer.from('],"type_ids":[');
const OFFSETS = Buffer.from('],"offsets":[');
const END = Buffer.from(']}\n');

/**
 * Formats encodings as JSON lines straight into bytes (all ASCII: digits, brackets, commas), the hot path of the
 * command: no intermediate strings, no UTF-8 encoding on write.
 */
class JsonLineWriter {
  private buffer: Buffer;
  private at = 0;

  constructor(private readonly capacity = 1 << 20) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  get size(): number {
    return this.at;
  }

  /** The bytes written so far; the writer starts a fresh buffer. */
  take(): Buffer {
    const out = this.buffer.subarray(0, this.at);
    this.buffer = Buffer.allocUnsafe(this.capacity);
    this.at = 0;
    return out;
  }

  encoding(e: Encoding): void {
    const n = e.length;
    this.reserve(64 + 40 * n);
    this.bytes(IDS);
    this.ints(e.ids, 1);
    this.bytes(TYPE_IDS);
    this.ints(e.typeIds, 1);
    this.bytes(OFFSETS);
    this.ints(e.offsets, 2);
    this.bytes(END);
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + bytes));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }

  private bytes(b: Buffer): void {
    b.copy(this.buffer, this.at);
    this.at += b.length;
  }

  /** Comma-separated integers; with group 2, as [a,b] pairs. */
  private ints(values: Int32Array, group: 1 | 2): void {
    const buf = this.buffer;
    let at = this.at;
    for (let i = 0; i < values.length; i++) {
      if (i > 0) buf[at++] = BYTE(',');
      if (group === 2 && (i & 1) === 0) buf[at++] = BYTE('[');
      let v = values[i] ?? 0;
      if (v < 0) {
        buf[at++] = BYTE('-');
        v = -v;
      }
      if (v < 10) buf[at++] = 48 + v;
      else {
        let digits = 0;
        for (let x = v; x > 0; x = Math.floor(x / 10)) digits++;
        for (let d = digits - 1; d >= 0; d--) {
          buf[at + d] = 48 + (v % 10);
          v = Math.floor(v / 10);
        }
        at += digits;
      }
      if (group === 2 && (i & 1) === 1) buf[at++] = BYTE(']');
    }
    this.at = at;
  }
}

export function registerTokenize(program: Command): void {
  program
    .command('tokenize')
    .description('tokenize text, one example per line, into JSON lines of ids, type_ids and offsets')
    .requiredOption('--vocab <file>', 'vocab.txt (or a model folder with tokenizer files)')
    .option('--cased', 'keep case and accents (default: lowercase and strip accents, as bert-base-uncased)')
    .option('--pair', 'each line is a pair of texts separated by a TAB')
    .option('--max-length <n>', 'truncate to at most n tokens (longest first), special tokens included', positiveInt)
    .option('--input <file>', 'input text file (default: stdin)')
    .option('--output <file>', 'output JSONL file (default: stdout); written only if every line succeeds')
    .addHelpText('after', `
Input is UTF-8; invalid bytes become U+FFFD (which BERT's clean-text drops), with a warning that counts them.`)
    .action(async (options: TokenizeOptions) => {
      const vocabKind = checkInput(options.vocab, { label: '--vocab', error: TokenizerError }, 'any');
      const tokenizer = vocabKind === 'directory'
        ? BertTokenizer.fromPretrained(options.vocab, options.cased === true ? { doLowerCase: false } : {})
        : BertTokenizer.fromVocabFile(options.vocab, { doLowerCase: options.cased !== true });
      const encodeOptions = options.maxLength === undefined ? {} : { maxLength: options.maxLength };
      const where = options.input ?? 'stdin';
      const input = options.input === undefined ? checkedChunks(process.stdin, 'stdin', {}) : readInputChunks(options.input, { label: '--input' });
      const stats = new TextStats(where);
      const encode = (line: string, lineNumber: number): Encoding => {
        if (options.pair !== true) return tokenizer.encode(line, undefined, encodeOptions);
        const tab = line.indexOf('\t');
        if (tab < 0) throw new DataError(`tokenize: ${where} line ${lineNumber}: --pair expects A<TAB>B, found no TAB`);
        return tokenizer.encode(line.slice(0, tab), line.slice(tab + 1), encodeOptions);
      };
      if (options.output === undefined) await tokenizeToStdout(readLines(input, stats), encode);
      else await tokenizeToFile(readLines(input, stats), encode, options.output);
      const warning = stats.warning();
      if (warning !== undefined) process.stderr.write(`tokenize: warning: ${warning}\n`);
    });
}

type Encoder = (line: string, lineNumber: number) => Encoding;

/** Flush the JSON lines every 512 KiB: large writes, no syscall per line. */
const FLUSH_BYTES = 1 << 19;

/**
 * To a file, atomically: a failing line (or Ctrl-C, through the stop scope) leaves an existing output file as it
 * was and no temporary file behind.
 */
async function tokenizeToFile(lines: AsyncIterable<string>, encode: Encoder, output: string): Promise<void> {
  // The scope first: a signal that came after the temporary file appeared but before the listener existed would
  // take Node's default exit and leave the file behind.
  const stop = openStopScope();
  let file: AtomicFileWriter | undefined;
  try {
    file = new AtomicFileWriter(output, { label: '--output' });
    const writer = new JsonLineWriter();
    let lineNumber = 0;
    for await (const line of lines) {
      writer.encoding(encode(line, ++lineNumber));
      if (writer.size >= FLUSH_BYTES) file.write(writer.take());
    }
    file.write(writer.take());
    file.commit();
  } catch (error) {
    file?.abort();
    throw error;
  } finally {
    stop.close();
  }
}

/** To stdout, streaming. A reader that stops early (`| head`) closes the pipe: stop quietly; other write errors are reported. */
async function tokenizeToStdout(lines: AsyncIterable<string>, encode: Encoder): Promise<void> {
  const out = process.stdout;
  let closed = false;
  let writeError: Error | undefined;
  out.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') closed = true;
    else writeError = error;
    out.emit('drain');
  });
  const writer = new JsonLineWriter();
  const flush = async (): Promise<void> => {
    if (!out.write(writer.take())) await once(out, 'drain');
  };
  let lineNumber = 0;
  for await (const line of lines) {
    writer.encoding(encode(line, ++lineNumber));
    if (writer.size >= FLUSH_BYTES) await flush();
    if (closed || writeError !== undefined) break;
  }
  if (writer.size > 0 && !closed && writeError === undefined) await flush();
  if (writeError !== undefined) throw new DataError(`tokenize: cannot write stdout (${writeError.message})`);
}
