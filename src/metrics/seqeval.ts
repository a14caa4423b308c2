import { valuePreview } from '../error-text.js';
import { ValueError } from '../errors.js';
import { precisionRecallF1 } from './f-score.js';
import { checkPaired } from './inputs.js';

/**
 * Entity-level scores for token classification, as Hugging Face `evaluate`'s seqeval metric reports them: seqeval's
 * default mode (not `mode='strict'`), whose chunking is conlleval's — `endOfChunk` / `startOfChunk` in conlleval.pl,
 * `end_of_chunk` / `start_of_chunk` in seqeval/metrics/sequence_labeling.py. It reads IOB2, IOB1, IOE and IOBES tags
 * alike, and is lenient: an I- (or E-) after O or after another type starts an entity instead of being dropped.
 */

/** One entity: its type and the positions of its first and last token (inclusive, as seqeval's tuples). */
export interface Entity {
  type: string;
  start: number;
  end: number;
}

/** Scores of one entity type; `number` is the count of reference entities (seqeval's support). */
export interface EntityScores {
  precision: number;
  recall: number;
  f1: number;
  number: number;
}

export interface SeqevalScores {
  /** Micro averages over all entities; 0 where undefined (no predicted or no reference entity: zero_division). */
  overall_precision: number;
  overall_recall: number;
  overall_f1: number;
  /** seqeval's `accuracy_score`: the fraction of tokens whose tag equals the reference tag. */
  overall_accuracy: number;
  /** Every type found in the references or the predictions, in sorted order. */
  types: Map<string, EntityScores>;
}

/** A tag split as seqeval's default mode splits it: the prefix letter and the type after the hyphen. */
interface Tag {
  prefix: 'B' | 'I' | 'E' | 'S' | 'O';
  type: string;
}

// seqeval gives O the placeholder type "_" too, so after O only the prefix rules start a bare "I" or "E".
const OUTSIDE: Tag = { prefix: 'O', type: '_' };

/**
 * seqeval accepts "O", a bare prefix ("B") and a prefix with a type ("B-PER"); a missing type is its placeholder "_".
 * It only warns about anything else ("X-PER" would be read as an entity of prefix X); here that is an error.
 */
function parseTag(metric: string, field: string, sentence: number, position: number, tag: unknown): Tag {
  if (tag === 'O') return OUTSIDE;
  if (typeof tag === 'string' && (tag.length === 1 || tag[1] === '-')) {
    const prefix = tag[0];
    if (prefix === 'B' || prefix === 'I' || prefix === 'E' || prefix === 'S') return { prefix, type: tag.slice(2) || '_' };
  }
  throw new ValueError(`${metric}: ${field}[${sentence}][${position}] is ${valuePreview(tag)}: a tag is "O" or B, I, E, S (with "-" and a type)`);
}

/** conlleval's endOfChunk: does an entity end with the previous token, given the previous and the current tag? */
function endsChunk(previous: Tag, current: Tag): boolean {
  if (previous.prefix === 'E' || previous.prefix === 'S') return true;
  if ((previous.prefix === 'B' || previous.prefix === 'I') && (current.prefix === 'B' || current.prefix === 'S' || current.prefix === 'O')) return true;
  return previous.prefix !== 'O' && previous.type !== current.type;
}

/** conlleval's startOfChunk: does an entity start at the current token? (I- or E- after O, E or S starts one.) */
function startsChunk(previous: Tag, current: Tag): boolean {
  if (current.prefix === 'B' || current.prefix === 'S') return true;
  if ((current.prefix === 'I' || current.prefix === 'E') && (previous.prefix === 'O' || previous.prefix === 'E' || previous.prefix === 'S')) return true;
  return current.prefix !== 'O' && previous.type !== current.type;
}

function extractParsed(tags: readonly Tag[]): Entity[] {
  const entities: Entity[] = [];
  let previous = OUTSIDE;
  let start = 0;
  // A sentinel O after the last token closes an entity still open (seqeval appends 'O'; sentences never share one).
  for (let i = 0; i <= tags.length; i++) {
    const current = i < tags.length ? tags[i]! : OUTSIDE;
    if (endsChunk(previous, current)) entities.push({ type: previous.type, start, end: i - 1 });
    if (startsChunk(previous, current)) start = i;
    previous = current;
  }
  return entities;
}

/** The entities of one tag sequence by seqeval's default rules: `["B-PER", "I-PER", "O", "I-LOC"]` → PER 0–1, LOC 3–3. */
export function extractEntities(tags: readonly string[]): Entity[] {
  return extractParsed(tags.map((tag, i) => parseTag('extractEntities', 'tags', 0, i, tag)));
}

/**
 * Scores predicted tag sequences against reference ones (one list of tags per sentence, sentences of equal length).
 * An entity counts as correct when a predicted entity has the same type, start and end as a reference entity.
 */
export function seqevalMetrics(predictions: readonly (readonly string[])[], references: readonly (readonly string[])[]): SeqevalScores {
  const metric = 'seqeval';
  checkPaired(metric, predictions, references);
  const predicted = new Map<string, Set<string>>();
  const actual = new Map<string, Set<string>>();
  let tokens = 0;
  let correctTokens = 0;
  for (let s = 0; s < predictions.length; s++) {
    const predictedTags = predictions[s]!;
    const referenceTags = references[s]!;
    if (predictedTags.length !== referenceTags.length) {
      throw new ValueError(`${metric}: predictions[${s}] has ${predictedTags.length} tags, references[${s}] has ${referenceTags.length}`);
    }
    for (let i = 0; i < referenceTags.length; i++) if (predictedTags[i] === referenceTags[i]) correctTokens++;
    tokens += referenceTags.length;
    collect(predicted, s, extractParsed(predictedTags.map((tag, i) => parseTag(metric, 'predictions', s, i, tag))));
    collect(actual, s, extractParsed(referenceTags.map((tag, i) => parseTag(metric, 'references', s, i, tag))));
  }
  if (tokens === 0) throw new ValueError(`${metric}: every sentence is empty; there are no tags to score`);

  const types = new Map<string, EntityScores>();
  let truePositives = 0;
  let predictedCount = 0;
  let actualCount = 0;
  for (const type of [...new Set([...predicted.keys(), ...actual.keys()])].sort()) {
    const predictedSpans = predicted.get(type) ?? new Set<string>();
    const actualSpans = actual.get(type) ?? new Set<string>();
    let matches = 0;
    for (const span of predictedSpans) if (actualSpans.has(span)) matches++;
    const { precision, recall, f1 } = precisionRecallF1(matches, predictedSpans.size, actualSpans.size);
    types.set(type, { precision, recall, f1, number: actualSpans.size });
    truePositives += matches;
    predictedCount += predictedSpans.size;
    actualCount += actualSpans.size;
  }
  const overall = precisionRecallF1(truePositives, predictedCount, actualCount);
  return {
    overall_precision: overall.precision,
    overall_recall: overall.recall,
    overall_f1: overall.f1,
    overall_accuracy: correctTokens / tokens,
    types,
  };
}

/** The flat object Hugging Face `evaluate`'s seqeval returns: one entry per type name, then the `overall_*` keys. */
export function seqevalJson(scores: SeqevalScores): Record<string, number | EntityScores> {
  // Object.fromEntries defines own properties, so a type named "__proto__" is a key like any other.
  return Object.fromEntries<number | EntityScores>([
    ...scores.types,
    ['overall_precision', scores.overall_precision],
    ['overall_recall', scores.overall_recall],
    ['overall_f1', scores.overall_f1],
    ['overall_accuracy', scores.overall_accuracy],
  ]);
}

/** Adds a sentence's entities to the per-type sets; the key holds the sentence so equal spans of two sentences differ. */
function collect(byType: Map<string, Set<string>>, sentence: number, entities: readonly Entity[]): void {
  for (const { type, start, end } of entities) {
    let spans = byType.get(type);
    if (spans === undefined) byType.set(type, (spans = new Set()));
    spans.add(`${sentence}:${start}:${end}`);
  }
}
