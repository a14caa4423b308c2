/**
 * CoNLL files for token classification, both ways. Reading (the CoNLL-2003 layout that conlleval and datasets'
 * conll2003 script read): one token per line, columns separated by spaces or tabs, the token first and the tag
 * last (or in column `tagColumn`, 0-based); a blank line ends a sentence; a `-DOCSTART-` line marks a new document
 * and is skipped (it ends a sentence too); the last sentence needs no blank line after it; CRLF is read as LF.
 * Every token line must have as many columns as the file's first one: a line that lost its tag would otherwise make
 * another column pass for the tag.
 *
 * Writing predictions: the input's lines, in order, with the predicted tag appended as a last column (tab-separated
 * where the line uses tabs, else a space), blank and -DOCSTART- lines kept — conlleval's layout, whose last two
 * columns are the gold and the predicted tag when the input is tagged. Written atomically: a failure leaves nothing.
 */
import { valuePreview } from '../error-text.js';
import { ConfigError, DataError } from '../errors.js';
import { AtomicFileWriter } from '../io/atomic-file.js';
import { lineError, numberedLines, sourceOf, type DataFileOptions } from './data-file.js';
import type { ReadExamples, TokenClassificationExample } from './examples.js';

export interface ConllReadOptions extends DataFileOptions {
  /** The tag's column, 0-based (the token is column 0); default the last column. */
  tagColumn?: number;
  /** Whether the lines carry tags; false for prediction input, whose examples then have `tags: []`. Default true. */
  tagged?: boolean;
}

const DOCSTART = '-DOCSTART-';
const COLUMN_SEPARATOR = /[ \t]+/;

/** A line's columns, or undefined for a line between sentences (blank, or -DOCSTART-). */
function tokenColumns(text: string): string[] | undefined {
  const trimmed = text.trim();
  if (trimmed.length === 0) return undefined;
  const columns = trimmed.split(COLUMN_SEPARATOR);
  return columns[0] === DOCSTART ? undefined : columns;
}

/** Sentences of a CoNLL file: each the numbered token lines' columns. */
async function* conllSentences(path: string, options: DataFileOptions): AsyncGenerator<Array<{ line: number; columns: string[] }>> {
  let sentence: Array<{ line: number; columns: string[] }> = [];
  for await (const { text, line } of numberedLines(path, options)) {
    const columns = tokenColumns(text);
    if (columns !== undefined) sentence.push({ line, columns });
    else if (sentence.length > 0) {
      yield sentence;
      sentence = [];
    }
  }
  if (sentence.length > 0) yield sentence;
}

export async function readConllFile(path: string, options: ConllReadOptions = {}): Promise<ReadExamples<TokenClassificationExample>> {
  const tagged = options.tagged ?? true;
  const tagColumn = options.tagColumn;
  if (tagColumn !== undefined && !(Number.isInteger(tagColumn) && tagColumn >= 1)) {
    throw new ConfigError(`tag column ${tagColumn}: must be a whole number of at least 1 (column 0 is the token)`);
  }
  const examples: TokenClassificationExample[] = [];
  let width: { columns: number; line: number } | undefined;
  for await (const sentence of conllSentences(path, options)) {
    const tokens: string[] = [];
    const tags: string[] = [];
    for (const { line, columns } of sentence) {
      width ??= { columns: columns.length, line };
      if (columns.length !== width.columns) {
        throw lineError(path, line, `${columns.length} column${columns.length === 1 ? '' : 's'}, but line ${width.line} has ${width.columns} (a missing tag?)`);
      }
      tokens.push(columns[0]!);
      if (!tagged) continue;
      const at = tagColumn ?? columns.length - 1;
      if (at < 1 || at >= columns.length) {
        const where = tagColumn === undefined ? 'the last column' : `column ${tagColumn} (0-based)`;
        throw lineError(path, line, `token ${valuePreview(columns[0])} has no tag: the line has ${columns.length} column${columns.length === 1 ? '' : 's'} and the tag is ${where}`);
      }
      tags.push(columns[at]!);
    }
    examples.push({ source: sourceOf(path, sentence[0]!.line), tokens, tags });
  }
  if (examples.length === 0) throw new DataError(`${path}: no examples: no token lines, only blank and -DOCSTART- lines`);
  // Nothing in a CoNLL file is skipped: -DOCSTART- lines are document marks, not examples.
  return { examples, skipped: {} };
}

/**
 * Writes `outputPath`: the lines of `inputPath` with `predictions[s][t]` appended to token t of sentence s (see the
 * file comment). The predictions must match the file's sentences and their lengths; a mismatch is a DataError and
 * nothing is written.
 */
export async function writeConllPredictions(inputPath: string, outputPath: string, predictions: readonly (readonly string[])[]): Promise<void> {
  const writer = new AtomicFileWriter(outputPath);
  try {
    let sentence = 0;
    let token = 0;
    let sentenceLine = 0;
    const endSentence = (): void => {
      const tags = predictions[sentence];
      if (tags !== undefined && token !== tags.length) {
        throw new DataError(`${outputPath}: sentence ${sentence + 1} (${sourceOf(inputPath, sentenceLine)}) has ${token} tokens, but ${tags.length} predicted tags`);
      }
      sentence++;
      token = 0;
    };
    for await (const { text, line } of numberedLines(inputPath)) {
      if (tokenColumns(text) === undefined) {
        if (token > 0) endSentence();
        writer.write(`${text}\n`);
        continue;
      }
      if (token === 0) sentenceLine = line;
      const tag = predictions[sentence]?.[token];
      if (tag === undefined) {
        const tags = predictions[sentence];
        const problem = tags === undefined ? `only ${predictions.length} sentences have predictions` : `${tags.length} predicted tags for a longer sentence`;
        throw new DataError(`${outputPath}: ${sourceOf(inputPath, line)}: no predicted tag for this token (${problem})`);
      }
      if (COLUMN_SEPARATOR.test(tag) || tag.length === 0) throw new DataError(`${outputPath}: predicted tag ${valuePreview(tag)} is empty or has a space`);
      const trimmed = text.trimEnd();
      writer.write(`${trimmed}${trimmed.includes('\t') ? '\t' : ' '}${tag}\n`);
      token++;
    }
    if (token > 0) endSentence();
    if (sentence !== predictions.length) {
      throw new DataError(`${outputPath}: ${predictions.length} sentences of predictions, but ${inputPath} has ${sentence}`);
    }
    writer.commit();
  } catch (error) {
    writer.abort();
    throw error;
  }
}
