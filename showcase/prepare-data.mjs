/**
 * Writes the showcase's data files into one folder (CoNLL for POS, JSON Lines for spam) and returns them with their
 * sizes and their SHA-256, which the step records use to tell whether a finished run was trained on the same data.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../dist/src/io/atomic-file.js';
import { brownPosSplits, toConll } from './brown-pos.mjs';
import { spamAssassinMessages, splitMessages, toJsonl, toPretrainingText } from './spam.mjs';

/** @param {string} text */
export const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/**
 * @param {string} dir
 * @param {{ seed: number, posTrainSentences: number }} options
 */
export function prepareData(dir, { seed, posTrainSentences }) {
  mkdirSync(dir, { recursive: true });
  /** @type {Record<string, string>} */
  const digests = {};
  /** @param {string} name  @param {string} text */
  const write = (name, text) => {
    const path = join(dir, name);
    writeFileAtomic(path, text);
    digests[path] = sha256(text);
    return path;
  };

  const pos = brownPosSplits({ seed, maxTrainSentences: posTrainSentences });
  const words = (/** @type {Array<{ words: string[] }>} */ s) => s.reduce((n, x) => n + x.words.length, 0);
  const posFiles = {
    train: write('pos-train.conll', toConll(pos.splits.train)),
    dev: write('pos-dev.conll', toConll(pos.splits.dev)),
    test: write('pos-test.conll', toConll(pos.splits.test)),
  };
  const spam = splitMessages(spamAssassinMessages(), seed);
  const spamFiles = {
    train: write('spam-train.jsonl', toJsonl(spam.train)),
    dev: write('spam-dev.jsonl', toJsonl(spam.dev)),
    test: write('spam-test.jsonl', toJsonl(spam.test)),
    // The training messages without their labels, one document each, for task-adaptive pre-training (run.mjs).
    trainText: write('spam-train-text.txt', toPretrainingText(spam.train)),
  };
  const spamCount = (/** @type {Array<{ label: string }>} */ s) => `${s.length} (${s.filter((e) => e.label === 'spam').length} spam)`;
  return {
    pos: { files: posFiles, splits: pos.splits, heldOut: { dev: pos.texts.dev, test: pos.texts.test } },
    spam: { files: spamFiles, splits: spam },
    digests,
    summary: [
      `POS (Brown): train ${pos.splits.train.length} sentences / ${words(pos.splits.train)} words from ${pos.texts.train.length} texts; `
        + `dev ${pos.splits.dev.length} / ${words(pos.splits.dev)} (${pos.texts.dev.join(' ')}); `
        + `test ${pos.splits.test.length} / ${words(pos.splits.test)} (${pos.texts.test.join(' ')})`,
      `spam (SpamAssassin): train ${spamCount(spam.train)}, dev ${spamCount(spam.dev)}, test ${spamCount(spam.test)} messages; `
        + `${spam.dropped} repeated or empty messages dropped`,
    ],
  };
}
