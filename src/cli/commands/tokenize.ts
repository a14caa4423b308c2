/**
 * `tsbert tokenize`: one example per input line (with --pair, `A<TAB>B`) → one JSON object per output line,
 * `{"ids":[...],"type_ids":[...],"offsets":[[s,e],...]}` with [CLS]/[SEP] included and offsets in UTF-16 indices
 * of the line (of B for the second segment). Streams: reads and writes in chunks, never the whole input at once.
 */
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { InvalidArgumentError, type Command } from 'commander';
import { DataError } from '../../errors.js';
import { BertTokenizer } from '../../tokenizer/bert-tokenizer.js';
import type { Encoding } from '../../tokenizer/encoding.js';
import { readLines } from '../../tokenizer/line-reader.js';

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

/** The JSON line of one encoding (hand-built: this is the command's hot path). */
export function encodingToJsonLine(encoding: Encoding): string {
  const offsets = encoding.offsets;
  let pairs = '';
  for (let i = 0; i < offsets.length; i += 2) {
    pairs += (i === 0 ? '[' : ',[') + offsets[i] + ',' + offsets[i + 1] + ']';
  }
  return `{"ids":[${encoding.ids.join(',')}],"type_ids":[${encoding.typeIds.join(',')}],"offsets":[${pairs}]}\n`;
}

async function writeAll(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
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
    .option('--output <file>', 'output JSONL file (default: stdout)')
    .action(async (options: TokenizeOptions) => {
      const tokenizer = isDirectory(options.vocab)
        ? BertTokenizer.fromPretrained(options.vocab, options.cased === true ? { doLowerCase: false } : {})
        : BertTokenizer.fromVocabFile(options.vocab, { doLowerCase: options.cased !== true });
      const encodeOptions = options.maxLength === undefined ? {} : { maxLength: options.maxLength };
      const input = options.input === undefined ? process.stdin : createReadStream(options.input, { highWaterMark: 1 << 20 });
      const out: Writable = options.output === undefined ? process.stdout : createWriteStream(options.output);
      const where = options.input ?? 'stdin';
      let lineNumber = 0;
      let chunk = '';
      try {
        for await (const line of readLines(input, () =>
          process.stderr.write(`tokenize: ${where} has invalid UTF-8; those bytes are replaced by U+FFFD\n`),
        )) {
          lineNumber++;
          let encoding: Encoding;
          if (options.pair === true) {
            const tab = line.indexOf('\t');
            if (tab < 0) throw new DataError(`tokenize: ${where} line ${lineNumber}: --pair expects A<TAB>B, found no TAB`);
            encoding = tokenizer.encode(line.slice(0, tab), line.slice(tab + 1), encodeOptions);
          } else encoding = tokenizer.encode(line, undefined, encodeOptions);
          chunk += encodingToJsonLine(encoding);
          if (chunk.length >= 1 << 20) {
            await writeAll(out, chunk);
            chunk = '';
          }
        }
        if (chunk.length > 0) await writeAll(out, chunk);
      } finally {
        if (out !== process.stdout) {
          out.end();
          await once(out, 'finish');
        }
      }
    });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
