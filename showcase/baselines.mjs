/**
 * The non-neural baselines beside each fine-tuned model.
 *
 * - POS: the most frequent training tag of each word (its exact form, else its lower-cased form). An unknown word
 *   gets the most frequent tag of the training words seen once that end in the same three letters and share its
 *   capitalisation (words seen once stand in for unknown ones — TnT's suffix trick, Brants 2000), falling back to
 *   two letters, one, then the commonest tag of words seen once.
 * - Spam: multinomial naive Bayes over a bag of lower-cased words (runs of letters and digits), add-one smoothing
 *   (Manning, Raghavan & Schütze, Introduction to Information Retrieval, §13.2).
 */
import { classificationMetrics } from '../dist/src/metrics/classification.js';

/**
 * The key of `value` with the largest count (ties: the first counted).
 * @param {Map<string, number>} counts
 */
function mostFrequent(counts) {
  let best;
  let bestCount = -1;
  for (const [value, count] of counts) {
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

/**
 * @param {Map<string, Map<string, number>>} table
 * @param {string} key
 * @param {string} value
 */
function count(table, key, value) {
  let counts = table.get(key);
  if (counts === undefined) table.set(key, (counts = new Map()));
  counts.set(value, (counts.get(value) ?? 0) + 1);
}

/** @param {string} word */
const shapeOf = (word) => (/^\p{Lu}/u.test(word) ? 'A' : 'a');

/**
 * A most-frequent-tag tagger from tagged sentences.
 * @param {Array<{ words: string[], tags: string[] }>} sentences
 * @returns {(word: string) => string}
 */
export function mostFrequentTagTagger(sentences) {
  /** @type {Map<string, Map<string, number>>} */
  const byWord = new Map();
  for (const { words, tags } of sentences) {
    words.forEach((word, i) => {
      count(byWord, word, tags[i]);
      count(byWord, `\u0000${word.toLowerCase()}`, tags[i]);
    });
  }
  /** @type {Map<string, Map<string, number>>} */
  const bySuffix = new Map();
  for (const [word, tags] of byWord) {
    if (word.startsWith('\u0000') || tags.size !== 1 || tags.values().next().value !== 1) continue;
    const tag = tags.keys().next().value;
    const lower = word.toLowerCase();
    for (let n = 1; n <= 3; n++) count(bySuffix, `${shapeOf(word)}${lower.slice(-n)}`, tag);
    count(bySuffix, '', tag);
  }
  /** @type {Map<string, string>} */
  const best = new Map();
  for (const [key, counts] of [...byWord, ...bySuffix]) best.set(key, mostFrequent(counts));
  return (word) => {
    const known = best.get(word) ?? best.get(`\u0000${word.toLowerCase()}`);
    if (known !== undefined) return known;
    const lower = word.toLowerCase();
    for (let n = 3; n >= 1; n--) {
      const tag = best.get(`${shapeOf(word)}${lower.slice(-n)}`);
      if (tag !== undefined) return tag;
    }
    return best.get('') ?? 'nn';
  };
}

/**
 * Token accuracy of a tagger, overall and on words absent from the training sentences.
 * @param {(word: string) => string} tagger
 * @param {Array<{ words: string[], tags: string[] }>} train
 * @param {Array<{ words: string[], tags: string[] }>} test
 */
export function taggingAccuracy(tagger, train, test) {
  const seen = new Set(train.flatMap((s) => s.words));
  let correct = 0;
  let total = 0;
  let unknownCorrect = 0;
  let unknown = 0;
  for (const { words, tags } of test) {
    words.forEach((word, i) => {
      const right = tagger(word) === tags[i] ? 1 : 0;
      correct += right;
      total++;
      if (!seen.has(word)) {
        unknownCorrect += right;
        unknown++;
      }
    });
  }
  return { accuracy: correct / total, unknown_accuracy: unknownCorrect / Math.max(1, unknown), tokens: total, unknown_tokens: unknown };
}

/** @param {string} text */
export const bagOfWords = (text) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * A multinomial naive Bayes classifier with add-one smoothing.
 * @param {Array<{ text: string, label: string }>} examples
 * @returns {(text: string) => string}
 */
export function naiveBayesClassifier(examples) {
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  /** @type {Map<string, Map<string, number>>} */
  const wordCounts = new Map(labels.map((label) => [label, new Map()]));
  const totals = new Map(labels.map((label) => [label, 0]));
  const documents = new Map(labels.map((label) => [label, 0]));
  const vocabulary = new Set();
  for (const { text, label } of examples) {
    documents.set(label, documents.get(label) + 1);
    const counts = wordCounts.get(label);
    for (const word of bagOfWords(text)) {
      counts.set(word, (counts.get(word) ?? 0) + 1);
      totals.set(label, totals.get(label) + 1);
      vocabulary.add(word);
    }
  }
  return (text) => {
    const words = bagOfWords(text).filter((w) => vocabulary.has(w));
    let best = labels[0];
    let bestScore = -Infinity;
    for (const label of labels) {
      const counts = wordCounts.get(label);
      const denominator = Math.log(totals.get(label) + vocabulary.size);
      let score = Math.log(documents.get(label) / examples.length);
      for (const word of words) score += Math.log((counts.get(word) ?? 0) + 1) - denominator;
      if (score > bestScore) {
        best = label;
        bestScore = score;
      }
    }
    return best;
  };
}

/**
 * Accuracy and the F1 of `positive` (as `tsbert evaluate` reports a two-class task: the second label sorted).
 * @param {(text: string) => string} classifier
 * @param {Array<{ text: string, label: string }>} test
 * @param {string[]} labels  sorted; the second is the positive class
 */
export function classifierScores(classifier, test, labels) {
  const id = (/** @type {string} */ label) => labels.indexOf(label);
  const scores = classificationMetrics(test.map((e) => id(classifier(e.text))), test.map((e) => id(e.label)), labels.length);
  return { accuracy: scores.accuracy, f1: scores.f1 };
}
