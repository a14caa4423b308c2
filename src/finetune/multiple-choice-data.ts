/**
 * Multiple-choice data, SWAG-style JSON Lines: `{"context", "question"?, "choices": [...], "label": i}`. The model
 * (BertForMultipleChoice) scores the choices of a batch as one [batch, choices, seq] tensor, so every example must
 * have the same number of choices: the first example's (or `choiceCount`, e.g. the training file's, for a dev
 * file); a different count is a DataError naming the line, never padded with fake choices. At least 2 choices;
 * `label` a whole number in [0, choices). Each choice is paired with the context as transformers' run_swag.py pairs
 * them: first segment the context, second the question and the choice joined by a space (choicePairs).
 */
import { valuePreview } from '../error-text.js';
import { requireExamples, requireLabels, type DataFileOptions } from './data-file.js';
import type { MultipleChoiceExample, ReadExamples } from './examples.js';
import { readJsonl, type JsonRecord } from './jsonl.js';

export interface MultipleChoiceReadOptions extends DataFileOptions {
  /** The number of choices every example must have; default: the first example's. */
  choiceCount?: number;
}

/** An example to predict: as MultipleChoiceExample, with the label optional. */
export type MultipleChoiceInput = Omit<MultipleChoiceExample, 'label'> & { label?: number };

const MIN_CHOICES = 2;

/** Labelled examples (training, evaluation): a missing label is a DataError naming the line. */
export async function readMultipleChoiceFile(path: string, options: MultipleChoiceReadOptions = {}): Promise<ReadExamples<MultipleChoiceExample>> {
  return requireLabels(await readInputs(path, options, true));
}

/** Examples to predict: a label is read when present, and may be absent. */
export function readMultipleChoiceInputs(path: string, options: MultipleChoiceReadOptions = {}): Promise<ReadExamples<MultipleChoiceInput>> {
  return readInputs(path, options, false);
}

async function readInputs(path: string, options: MultipleChoiceReadOptions, labelRequired: boolean): Promise<ReadExamples<MultipleChoiceInput>> {
  const examples: MultipleChoiceInput[] = [];
  let expected = options.choiceCount === undefined ? undefined : { count: options.choiceCount, from: 'the training data' };
  for await (const record of readJsonl(path, options)) {
    const example = jsonExample(record, labelRequired);
    expected ??= { count: example.choices.length, from: `line ${record.line}` };
    if (example.choices.length !== expected.count) {
      throw record.fieldError('choices', `${example.choices.length} choices, but ${expected.from} has ${expected.count}; every example needs the same number (the model scores them as one [batch, choices] block)`);
    }
    examples.push(example);
  }
  requireExamples(path, examples.length, {});
  return { examples, skipped: {} };
}

function jsonExample(record: JsonRecord, labelRequired: boolean): MultipleChoiceInput {
  const example: MultipleChoiceInput = { source: record.source, context: record.string('context'), choices: record.stringList('choices') };
  const question = record.optionalString('question');
  if (question !== undefined) example.question = question;
  const n = example.choices.length;
  if (n < MIN_CHOICES) throw record.fieldError('choices', `${n} choice${n === 1 ? '' : 's'}; a question needs at least ${MIN_CHOICES}`);
  if (!labelRequired && !record.has('label')) return example;
  const label = record.required('label', `a choice index from 0 to ${n - 1}`);
  if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label >= n) {
    throw record.fieldError('label', `expected a choice index from 0 to ${n - 1}, got ${valuePreview(label)}`);
  }
  example.label = label;
  return example;
}

/** The (first, second) segments of each choice: (context, question + " " + choice), as run_swag.py builds them. */
export function choicePairs(example: MultipleChoiceInput): Array<[string, string]> {
  return example.choices.map((choice) => [example.context, example.question === undefined ? choice : `${example.question} ${choice}`]);
}
