/**
 * Token-classification post-processing by the rules of Hugging Face's transformers/pipelines/token_classification.py
 * (`gather_pre_entities`, `aggregate`, `aggregate_words`, `group_entities`): per-token label probabilities → entities.
 */
import type { Decoder } from '../tokenizer/decoders/decoder.js';

export type AggregationStrategy = 'none' | 'simple' | 'first' | 'average' | 'max';
export const AGGREGATION_STRATEGIES: readonly AggregationStrategy[] = ['none', 'simple', 'first', 'average', 'max'];

/** One token's prediction (aggregation_strategy 'none'); start/end index the text in UTF-16 units. */
export interface TokenEntity {
  entity: string;
  score: number;
  index: number;
  word: string;
  start: number;
  end: number;
}

/** Adjacent tokens or words of one entity type (every other strategy). */
export interface EntityGroup {
  entity_group: string;
  score: number;
  word: string;
  start: number;
  end: number;
}

/** A non-special token with its label probabilities, before aggregation (HF's pre_entity). */
export interface PreEntity {
  /** The token (`##ing`), or the text it covers when it is the unknown token. */
  word: string;
  /** [labels] softmax probabilities. */
  scores: Float64Array;
  start: number;
  end: number;
  /** Position in the encoding ([CLS] is 0). */
  index: number;
  /** Continues the previous token's word. */
  isSubword: boolean;
}

/** A word's (or token's) label before grouping: its probabilities are gone, one score remains. */
interface WordEntity {
  entity: string;
  score: number;
  word: string;
  start: number;
  end: number;
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Python's len(): code points, so that astral characters count once as there. */
function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * How gather_pre_entities tells a token that continues a word: 'prefix' for a tokenizer whose model has a
 * continuing_subword_prefix (WordPiece's `##`): the token's string and the text it covers differ in length (`##ing`
 * vs `ing`); 'spaces' for the others (byte-level BPE, Unigram — HF's fallback heuristic): the token does not start
 * the text and neither it nor the character before it is a space.
 */
export type SubwordRule = 'prefix' | 'spaces';

/** HF's pre_entity of one token; the unknown token takes the text it covers and starts a word. */
export function preEntity(
  token: string, text: string, start: number, end: number, isUnknown: boolean, index: number, scores: Float64Array, rule: SubwordRule = 'prefix',
): PreEntity {
  const covered = text.slice(start, end);
  if (isUnknown) return { word: covered, scores, start, end, index, isSubword: false };
  // Python's sentence[start - 1 : start + 1]: the character before the token and its first.
  const isSubword = rule === 'prefix' ? codePointLength(token) !== codePointLength(covered) : start > 0 && !text.slice(start - 1, start + 1).includes(' ');
  return { word: token, scores, start, end, index, isSubword };
}

/** aggregation_strategy 'none' (and the tokens of 'simple'): each token's best label. */
export function tokenEntities(pre: readonly PreEntity[], labels: readonly string[]): TokenEntity[] {
  return pre.map((p) => {
    const best = argmax(p.scores);
    return { entity: labels[best]!, score: p.scores[best]!, index: p.index, word: p.word, start: p.start, end: p.end };
  });
}

/** HF's aggregate_word: one label for the tokens of a word, by its first token, the mean, or the most confident token. */
function aggregateWord(tokens: readonly PreEntity[], strategy: 'first' | 'average' | 'max', labels: readonly string[], decoder: Decoder | null): WordEntity {
  let scores = tokens[0]!.scores;
  if (strategy === 'max') {
    let bestMax = -Infinity;
    for (const t of tokens) {
      const m = t.scores[argmax(t.scores)]!;
      if (m > bestMax) [bestMax, scores] = [m, t.scores]; // strict: the first of equal maxima, as Python's max()
    }
  } else if (strategy === 'average') {
    scores = new Float64Array(scores.length);
    for (const t of tokens) for (let l = 0; l < scores.length; l++) scores[l]! += t.scores[l]!;
    for (let l = 0; l < scores.length; l++) scores[l]! /= tokens.length;
  }
  const best = argmax(scores);
  return {
    entity: labels[best]!,
    score: scores[best]!,
    word: decodeTokens(tokens.map((t) => t.word), decoder),
    start: tokens[0]!.start,
    end: tokens[tokens.length - 1]!.end,
  };
}

/** HF's aggregate_words: tokens grouped into words (a word starts at every token that is not a subword). */
function wordEntities(pre: readonly PreEntity[], strategy: 'first' | 'average' | 'max', labels: readonly string[], decoder: Decoder | null): WordEntity[] {
  const words: WordEntity[] = [];
  let word: PreEntity[] = [];
  for (const p of pre) {
    if (word.length > 0 && !p.isSubword) {
      words.push(aggregateWord(word, strategy, labels, decoder));
      word = [];
    }
    word.push(p);
  }
  if (word.length > 0) words.push(aggregateWord(word, strategy, labels, decoder));
  return words;
}

/** transformers' convert_tokens_to_string for a fast tokenizer: the decoder's text, else tokens joined by spaces. */
function decodeTokens(tokens: readonly string[], decoder: Decoder | null): string {
  return decoder === null ? tokens.join(' ') : decoder.decode(tokens);
}

/** HF's get_tag: B-/I- prefix and type; a label without one counts as a continuation (I) of its own type. */
function tagOf(label: string): [string, string] {
  if (label.startsWith('B-')) return ['B', label.slice(2)];
  if (label.startsWith('I-')) return ['I', label.slice(2)];
  return ['I', label];
}

/** HF's group_sub_entities: type from the first member (text after its first "-"), mean score, decoded words. */
function entityGroup(members: readonly WordEntity[], decoder: Decoder | null): EntityGroup {
  const first = members[0]!;
  const dash = first.entity.indexOf('-');
  let total = 0;
  for (const m of members) total += m.score;
  return {
    entity_group: dash < 0 ? first.entity : first.entity.slice(dash + 1),
    score: total / members.length,
    word: decodeTokens(members.map((m) => m.word), decoder),
    start: first.start,
    end: members[members.length - 1]!.end,
  };
}

/** HF's group_entities: an entity joins the previous group when it has the same type and is not a B-. */
function groupEntities(entities: readonly WordEntity[], decoder: Decoder | null): EntityGroup[] {
  const groups: EntityGroup[] = [];
  let members: WordEntity[] = [];
  for (const entity of entities) {
    const last = members[members.length - 1];
    if (last !== undefined) {
      const [bi, tag] = tagOf(entity.entity);
      if (tag !== tagOf(last.entity)[1] || bi === 'B') {
        groups.push(entityGroup(members, decoder));
        members = [];
      }
    }
    members.push(entity);
  }
  if (members.length > 0) groups.push(entityGroup(members, decoder));
  return groups;
}

/** HF's aggregate followed by its ignore_labels filter (applied to groups after grouping, so 'O' splits groups). */
export function aggregateEntities(
  pre: readonly PreEntity[],
  strategy: AggregationStrategy,
  labels: readonly string[],
  ignoreLabels: readonly string[],
  decoder: Decoder | null,
): TokenEntity[] | EntityGroup[] {
  if (strategy === 'none') return tokenEntities(pre, labels).filter((e) => !ignoreLabels.includes(e.entity));
  const entities = strategy === 'simple' ? tokenEntities(pre, labels) : wordEntities(pre, strategy, labels, decoder);
  return groupEntities(entities, decoder).filter((g) => !ignoreLabels.includes(g.entity_group));
}

/**
 * HF's aggregate_overlapping_entities, for the entities of a text read in overlapping windows (`stride`): sorted by
 * start (stable), an entity that starts inside the one kept before it replaces it when longer, or as long with a
 * higher score; otherwise the kept one is final. So each stretch of text keeps one entity, from whichever window
 * saw it whole.
 */
export function aggregateOverlappingEntities<E extends { start: number; end: number; score: number }>(entities: readonly E[]): E[] {
  if (entities.length === 0) return [];
  const sorted = [...entities].sort((a, b) => a.start - b.start);
  const kept: E[] = [];
  let previous = sorted[0]!;
  for (const entity of sorted) {
    if (previous.start <= entity.start && entity.start < previous.end) {
      const length = entity.end - entity.start;
      const previousLength = previous.end - previous.start;
      if (length > previousLength || (length === previousLength && entity.score > previous.score)) previous = entity;
    } else {
      kept.push(previous);
      previous = entity;
    }
  }
  kept.push(previous);
  return kept;
}
