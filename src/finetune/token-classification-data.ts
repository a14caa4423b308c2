/**
 * Token classification data: sentences as words with one tag each, from CoNLL (conll.ts) or from JSON Lines
 * `{"tokens": [...], "tags": [...]}` (a file named *.jsonl), and the tag set of the task: the distinct tags of the
 * training file, sorted, as transformers' run_ner.py builds its label list for files it reads (`get_label_list`).
 * A tagged JSONL line with no tokens is skipped and counted (prediction input keeps it); a blank token, or tokens and tags of different lengths, is a
 * DataError naming the line.
 */
import { valuePreview } from '../error-text.js';
import { countSkip, requireExamples } from './data-file.js';
import { readConllFile, type ConllReadOptions } from './conll.js';
import type { ReadExamples, SkipCounts, TokenClassificationExample } from './examples.js';
import { readJsonl, type JsonRecord } from './jsonl.js';
import { LabelMap } from './label-map.js';

export type TokenClassificationReadOptions = ConllReadOptions;

/** Examples of a .jsonl file or a CoNLL file (any other name); with `tagged: false`, tags may be absent (`[]`). */
export async function readTokenClassificationFile(path: string, options: TokenClassificationReadOptions = {}): Promise<ReadExamples<TokenClassificationExample>> {
  if (!path.toLowerCase().endsWith('.jsonl')) return readConllFile(path, options);
  const tagged = options.tagged ?? true;
  const examples: TokenClassificationExample[] = [];
  const skipped: SkipCounts = {};
  for await (const record of readJsonl(path, options)) {
    const example = jsonExample(record, tagged);
    // Prediction input keeps every line, so that each gets its prediction line.
    if (tagged && example.tokens.length === 0) countSkip(skipped, 'no tokens');
    else examples.push(example);
  }
  requireExamples(path, examples.length, skipped);
  return { examples, skipped };
}

function jsonExample(record: JsonRecord, tagged: boolean): TokenClassificationExample {
  const tokens = record.stringList('tokens');
  tokens.forEach((token, i) => {
    if (token.trim().length === 0) throw record.fieldError('tokens', `item ${i} is blank (${valuePreview(token)}); a word needs a character`);
  });
  const tags = tagged || record.has('tags') ? record.stringList('tags') : [];
  if ((tagged || tags.length > 0) && tags.length !== tokens.length) {
    throw record.fieldError('tags', `${tags.length} tags for ${tokens.length} tokens`);
  }
  return { source: record.source, tokens, tags };
}

/** The tag set of the training examples: every distinct tag, sorted by code point (run_ner.py's get_label_list). */
export function tagsFromTrain(examples: readonly TokenClassificationExample[], trainFile: string): LabelMap {
  return LabelMap.sorted(examples.flatMap((example) => example.tags), trainFile, 'tag');
}

/** The tag ids of an example; a tag the training file never had is a DataError naming the example and the word. */
export function tagIds(example: TokenClassificationExample, tags: LabelMap): Int32Array {
  return Int32Array.from(example.tags, (tag, i) => tags.id(tag, `${example.source} (word ${i + 1}, ${valuePreview(example.tokens[i])})`));
}
