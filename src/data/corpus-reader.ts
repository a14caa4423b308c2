/**
 * Reads a pre-training corpus as a stream of documents.
 *
 * Format `lines` (the original `create_pretraining_data.py` input): one sentence per line, a blank line between
 * documents. Lines are stripped, blank-only lines end a document, and a document with no sentences is dropped, as the
 * original does. Unlike the original, each input file starts a new document (the original lets the last document of
 * one file run on into the next file when that file does not end with a blank line).
 *
 * Format `paragraphs` (`--split-sentences`): plain text; one blank-line-separated block is one document; its lines
 * are joined with spaces and split into sentences by `splitSentences` (sentence-splitter.ts).
 */
import { readLines, type ReadProgress } from './line-reader.js';
import { splitSentences } from './sentence-splitter.js';

export interface CorpusDocument {
  /** Sentences, stripped and non-empty. */
  sentences: string[];
  /** File the document came from and the 1-based line where it starts (for messages). */
  source: string;
  line: number;
}

export interface CorpusReadOptions {
  /** Plain text: split blocks into sentences (default false: one sentence per line). */
  splitSentences?: boolean;
  /** Updated with the bytes read so far, across all files. */
  progress?: ReadProgress;
}

/** Documents of `paths`, in file order, one at a time. */
export async function* readDocuments(paths: readonly string[], options: CorpusReadOptions = {}): AsyncGenerator<CorpusDocument> {
  const split = options.splitSentences ?? false;
  for (const path of paths) {
    let pending: string[] = [];
    let startLine = 0;
    let lineNumber = 0;
    for await (const raw of readLines(path, options.progress)) {
      lineNumber++;
      const line = raw.trim();
      if (line.length === 0) {
        if (pending.length > 0) {
          const document = finish(pending, split, path, startLine);
          if (document !== undefined) yield document;
          pending = [];
        }
        continue;
      }
      if (pending.length === 0) startLine = lineNumber;
      pending.push(line);
    }
    const last = finish(pending, split, path, startLine);
    if (last !== undefined) yield last;
  }
}

function finish(lines: string[], split: boolean, source: string, line: number): CorpusDocument | undefined {
  if (lines.length === 0) return undefined;
  const sentences = split ? splitSentences(lines.join(' ')) : lines;
  return sentences.length === 0 ? undefined : { sentences, source, line };
}
