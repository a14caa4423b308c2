/**
 * A small rule-based sentence splitter for plain text (`--split-sentences`). The original BERT script expects one
 * sentence per line and leaves splitting to the user (the paper used spaCy-like tools on Wikipedia); this rule covers
 * edited prose well enough for next-sentence pairs:
 *
 *   split after `.`, `!` or `?` (a run of them, e.g. `?!` or `...`), optionally followed by closing quotes or
 *   brackets, when whitespace follows and the next non-space character is an upper-case letter, a digit, or an
 *   opening quote/bracket;
 *   but not after a single `.` that ends a known abbreviation (`Mr.`, `Dr.`, `e.g.`, `U.S.`, ...), a single-letter
 *   initial (`J. Smith`), a dotted acronym (`U.S.`), a number opening the sentence (`9. During ...`: list and
 *   paragraph numbers), or `No.`/`pp.`-style abbreviations before a number.
 *
 * Known misses, by design of a simple rule: a sentence that starts with a lower-case letter is not split off, and an
 * abbreviation outside the list that ends a sentence before a capital word is split (usually right).
 */

/**
 * Lower-cased abbreviations without their final period: titles, Latin short forms, months, states, units. Short
 * forms that are also common sentence-final words (`in`, `ill`, `miss`, `mass`, `ed`, `sec`) are left out.
 */
const ABBREVIATIONS: ReadonlySet<string> = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'mt', 'rev', 'hon', 'gen', 'col', 'lt', 'sgt', 'capt', 'cmdr',
  'gov', 'sen', 'rep', 'pres', 'messrs', 'mme', 'mlle', 'fr', 'supt', 'adm', 'maj', 'cpl', 'pvt',
  'e.g', 'i.e', 'cf', 'viz', 'vs', 'etc', 'al', 'approx', 'ca', 'esp', 'incl', 'dept', 'univ', 'assn', 'bros',
  'inc', 'ltd', 'co', 'corp', 'ave', 'blvd', 'rd',
  'u.s', 'u.s.a', 'u.k', 'u.n', 'd.c', 'a.m', 'p.m', 'b.c', 'a.d', 'ph.d', 'm.d', 'b.a', 'm.a', 'r.i', 'n.y',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
  'ala', 'ariz', 'ark', 'calif', 'colo', 'conn', 'fla', 'ga', 'kan', 'ky', 'md',
  'mich', 'minn', 'mo', 'mont', 'neb', 'nev', 'okla', 'pa', 'tenn', 'tex', 'va', 'vt', 'wis', 'wyo',
  'fig', 'figs', 'eq', 'eqs', 'vol', 'vols', 'ch', 'eds', 'ft', 'lb', 'lbs', 'oz',
]);

/** Abbreviations that only abbreviate when a number follows (`No. 5`, `pp. 12`); otherwise they are words. */
const ABBREVIATIONS_BEFORE_NUMBER: ReadonlySet<string> = new Set(['no', 'nos', 'p', 'pp', 'art', 'op', 'para']);

// A boundary candidate: terminal punctuation, optional closers, then whitespace.
const BOUNDARY = /[.!?]+["'\u201d\u2019)\]]*\s+/gu;
const SENTENCE_START = /^["'\u201c\u2018(\[]*[\p{Lu}\p{Lt}0-9]/u;

/** Splits `text` into trimmed, non-empty sentences. */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  BOUNDARY.lastIndex = 0;
  for (let match = BOUNDARY.exec(text); match !== null; match = BOUNDARY.exec(text)) {
    const end = match.index + match[0].length;
    const next = text.slice(end, end + 8);
    if (!SENTENCE_START.test(next)) continue;
    if (isAbbreviation(text, start, match.index, match[0], next)) continue;
    pushTrimmed(sentences, text.slice(start, end));
    start = end;
  }
  pushTrimmed(sentences, text.slice(start));
  return sentences;
}

/** Whether the period at `at` ends an abbreviation (or a list number) rather than the sentence that began at `start`. */
function isAbbreviation(text: string, start: number, at: number, punctuation: string, next: string): boolean {
  // Only a lone '.' can be an abbreviation: '?', '!' and '...' end sentences.
  if (punctuation[0] !== '.' || (punctuation.length > 1 && punctuation[1] === '.')) return false;
  let wordStart = at;
  while (wordStart > 0 && !/\s/u.test(text[wordStart - 1] ?? ' ')) wordStart--;
  const word = text.slice(wordStart, at).replace(/^["'\u201c\u2018(\[]+/u, '');
  if (word.length === 0) return false;
  const lower = word.toLowerCase();
  if (ABBREVIATIONS.has(lower)) return true;
  // A single letter is an initial (`J. F. Kennedy`); a dotted form (`U.S`, `e.g`) is an acronym.
  if (/^\p{L}$/u.test(word) || /^(\p{L}\.)+\p{L}$/u.test(word)) return true;
  // A number opening the sentence is a list or paragraph number (`9. During its consideration ...`).
  if (/^[0-9]+$/.test(word) && text.slice(start, wordStart).trim().length === 0) return true;
  return ABBREVIATIONS_BEFORE_NUMBER.has(lower) && /^[0-9]/.test(next);
}

function pushTrimmed(out: string[], sentence: string): void {
  const trimmed = sentence.trim();
  if (trimmed.length > 0) out.push(trimmed);
}
