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
 *
 * A file with no usable text (empty, no letter or digit, or mostly invalid UTF-8: TextStats.requireUsable) is a
 * DataError naming it, raised when the file has been read — a wrong path or a binary file fails the run instead of
 * turning into a few thousand instances of noise.
 */
import type { ReadProgress } from '../io/checked-file.js';
import { readFileLines } from './line-reader.js';
import { splitSentences } from './sentence-splitter.js';
import { TextStats } from './text-stats.js';

/** How corpus files are named in errors. */
const CORPUS_FILE = { label: 'corpus file' } as const;

export interface CorpusDocument {
  /** Sentences, stripped and non-empty. */
  sentences: string[];
  /** File the document came from and the 1-based line where it starts (for messages). */
  source: string;
  line: number;
  /** What reading its file found so far; a consumer that drops sentences of the document adds them to `skipped`. */
  stats: TextStats;
}

export interface CorpusReadOptions {
  /** Plain text: split blocks into sentences (default false: one sentence per line). */
  splitSentences?: boolean;
  /** Updated with the bytes read so far, across all files. */
  progress?: ReadProgress;
  /** Called when a file is done (its last document consumed and the file found usable), e.g. to warn. */
  onFileRead?: (stats: TextStats) => void;
}

/** Documents of `paths`, in file order, one at a time. */
export async function* readDocuments(paths: readonly string[], options: CorpusReadOptions = {}): AsyncGenerator<CorpusDocument> {
  const split = options.splitSentences ?? false;
  for (const path of paths) {
    let pending: string[] = [];
    let startLine = 0;
    let lineNumber = 0;
    const stats = new TextStats(path);
    const lines = readFileLines(path, { role: CORPUS_FILE, stats, progress: options.progress });
    for await (const raw of lines) {
      lineNumber++;
      const line = raw.trim();
      if (line.length === 0) {
        if (pending.length > 0) {
          const document = finish(pending, split, stats, startLine);
          if (document !== undefined) yield document;
          pending = [];
        }
        continue;
      }
      if (pending.length === 0) startLine = lineNumber;
      pending.push(line);
    }
    const last = finish(pending, split, stats, startLine);
    if (last !== undefined) yield last;
    stats.requireUsable(CORPUS_FILE);
    options.onFileRead?.(stats);
  }
}

function finish(lines: string[], split: boolean, stats: TextStats, line: number): CorpusDocument | undefined {
  if (lines.length === 0) return undefined;
  const sentences = split ? splitSentences(lines.join(' ')) : lines;
  return sentences.length === 0 ? undefined : { sentences, source: stats.source, line, stats };
}
