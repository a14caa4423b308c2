/**
 * SQuAD v1.1 and v2.0 JSON (`{version, data: [{title, paragraphs: [{context, qas: [{id, question, answers:
 * [{text, answer_start}], is_impossible}]}]}]}`) read into SquadExamples. Malformed input is a DataError naming the
 * file and the JSON path (`dev.json: data[0].paragraphs[3].qas[1].answers[0].answer_start: expected a whole number
 * ≥ 0, found "12"`); a question whose answer text is not the context at its `answer_start` is skipped and counted,
 * since training on it would teach a wrong span (run_qa.py derives the span from `answer_start` and the text's length
 * and never looks at the text).
 */
import { valuePreview } from '../../error-text.js';
import { DataError } from '../../errors.js';
import { readInputText } from '../../io/checked-file.js';
import type { ReadExamples, SquadAnswer, SquadExample } from '../examples.js';
import { codePointToUtf16 } from './code-points.js';

export const SKIP_ANSWER_MISMATCH = 'answer text does not match the context at answer_start';

export interface SquadFile extends ReadExamples<SquadExample> {
  /** The file's `version` ("1.1", "v2.0"), when it has one. */
  version: string | undefined;
  /** v2.0: the file says so, or some question is `is_impossible` (post-processing then weighs the null answer). */
  hasImpossible: boolean;
}

export interface ReadSquadOptions {
  /** Told of each skipped question (where, and why), so a command can warn as it reads. */
  onSkip?: (source: string, reason: string) => void;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A value in the file and its JSON path, for messages. */
class Place {
  constructor(
    readonly file: string,
    readonly path: string,
  ) {}

  at(key: string | number): Place {
    return new Place(this.file, typeof key === 'number' ? `${this.path}[${key}]` : this.path === '' ? key : `${this.path}.${key}`);
  }

  error(problem: string): DataError {
    return new DataError(`${this.file}: ${this.path === '' ? '' : `${this.path}: `}${problem}`);
  }

  /** `file:path`, as an example's `source`. */
  get source(): string {
    return `${this.file}:${this.path}`;
  }
}

function expected(place: Place, what: string, value: Json | undefined): DataError {
  return place.error(value === undefined ? `missing (expected ${what})` : `expected ${what}, found ${valuePreview(value)}`);
}

function object(place: Place, value: Json | undefined): JsonObject {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) throw expected(place, 'an object', value);
  return value;
}

function array(place: Place, value: Json | undefined): Json[] {
  if (!Array.isArray(value)) throw expected(place, 'an array', value);
  return value;
}

function string(place: Place, value: Json | undefined): string {
  if (typeof value !== 'string') throw expected(place, 'a string', value);
  return value;
}

/** JSON.parse's "at position N" as a line and column, so the message points into the file. */
function parseJson(text: string, file: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    const message = (error as Error).message.replace(/ at position (\d+)/, (_, position: string) => {
      const before = text.slice(0, Number(position));
      const line = before.split('\n').length;
      return ` at line ${line} column ${before.length - before.lastIndexOf('\n')}`;
    });
    throw new DataError(`${file}: not valid JSON: ${message}`, { cause: error });
  }
}

/** An answer as JavaScript indexes the context, or undefined when its text is not there. */
function readAnswer(place: Place, value: Json | undefined, context: string, toUtf16: (codePoint: number) => number): SquadAnswer | undefined {
  const answer = object(place, value);
  const text = string(place.at('text'), answer['text']);
  const start = answer['answer_start'];
  if (typeof start !== 'number' || !Number.isInteger(start) || start < 0) {
    throw expected(place.at('answer_start'), 'a whole number ≥ 0', start);
  }
  // SQuAD counts characters as Python does (code points); JavaScript strings count UTF-16 units.
  const answerStart = toUtf16(start);
  if (answerStart < 0 || context.slice(answerStart, answerStart + text.length) !== text) return undefined;
  return { text, answerStart };
}

const isAnswer = (answer: SquadAnswer | undefined): answer is SquadAnswer => answer !== undefined;

/** The examples of a SQuAD file's text; `file` names it in messages and sources. */
export function readSquad(text: string, file: string, options: ReadSquadOptions = {}): SquadFile {
  const root = new Place(file, '');
  const top = object(root, parseJson(text, file));
  const version = top['version'];
  if (version !== undefined && typeof version !== 'string') throw expected(root.at('version'), 'a string', version);
  const examples: SquadExample[] = [];
  const skipped: Record<string, number> = {};
  const seen = new Map<string, string>();
  let hasImpossible = version?.startsWith('v2') ?? false;
  const data = root.at('data');
  array(data, top['data']).forEach((articleValue, a) => {
    const articlePlace = data.at(a);
    const article = object(articlePlace, articleValue);
    const title = article['title'] === undefined ? '' : string(articlePlace.at('title'), article['title']);
    const paragraphs = articlePlace.at('paragraphs');
    array(paragraphs, article['paragraphs']).forEach((paragraphValue, p) => {
      const paragraphPlace = paragraphs.at(p);
      const paragraph = object(paragraphPlace, paragraphValue);
      const context = string(paragraphPlace.at('context'), paragraph['context']);
      const toUtf16 = codePointToUtf16(context);
      const qas = paragraphPlace.at('qas');
      array(qas, paragraph['qas']).forEach((qaValue, q) => {
        const place = qas.at(q);
        const qa = object(place, qaValue);
        const id = string(place.at('id'), qa['id']);
        const question = string(place.at('question'), qa['question']);
        const impossibleValue = qa['is_impossible'];
        if (impossibleValue !== undefined && typeof impossibleValue !== 'boolean') {
          throw expected(place.at('is_impossible'), 'true or false', impossibleValue);
        }
        const isImpossible = impossibleValue ?? false;
        // Questions without answers are kept: a test file to predict on has none (run_qa.py labels them [CLS]).
        const answerValues = qa['answers'] === undefined ? [] : array(place.at('answers'), qa['answers']);
        if (isImpossible && answerValues.length > 0) {
          throw place.at('answers').error(`is_impossible is true, but there are ${answerValues.length} answers (v2.0 keeps them in plausible_answers)`);
        }
        const previous = seen.get(id);
        if (previous !== undefined) throw place.at('id').error(`id ${valuePreview(id)} was already used at ${previous}`);
        seen.set(id, place.path);
        hasImpossible ||= isImpossible;
        const answerPlace = (k: number): Place => place.at('answers').at(k);
        const answers = answerValues.map((value, k) => readAnswer(answerPlace(k), value, context, toUtf16));
        const wrong = answers.findIndex((answer) => answer === undefined);
        if (wrong >= 0) {
          skipped[SKIP_ANSWER_MISMATCH] = (skipped[SKIP_ANSWER_MISMATCH] ?? 0) + 1;
          options.onSkip?.(`${answerPlace(wrong).source} (id ${valuePreview(id)})`, SKIP_ANSWER_MISMATCH);
          return;
        }
        examples.push({ source: place.source, id, title, question, context, answers: answers.filter(isAnswer), isImpossible });
      });
    });
  });
  return { examples, skipped, version, hasImpossible };
}

/** Reads a SQuAD JSON file (through checked-file: a missing or unreadable file is a one-line DataError). */
export function readSquadFile(path: string, options: ReadSquadOptions = {}): SquadFile {
  return readSquad(readInputText(path, {}), path, options);
}
