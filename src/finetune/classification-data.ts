/**
 * Sequence classification data: single sentences or pairs with a label, from JSON Lines (`{"text", "text_pair"?,
 * "label"}`) or from CSV/TSV with a header; and the labels of the task, decided from the training file.
 *
 * Columns of a CSV/TSV file (what is not named by an option), after transformers' run_glue.py for files it reads:
 * `sentence1` + `sentence2` when both are there; else `text` (+ `text_pair` when there); else `sentence` alone (GLUE's
 * SST-2 and CoLA); else run_glue's rule: the first column that is not the label column, paired with the second such
 * column when there is one. The label column is `label`. JSONL uses the same option names for its fields, with
 * `text`, `text_pair` and `label` as defaults.
 *
 * The problem type, from the training labels, as transformers decides it (run_glue.py's float-dtype test, and
 * run_classification.py's list test for multi-label; BertForSequenceClassification's problem_type):
 * - `multi_label_classification` when labels are lists of names (sigmoid + BCE over multi-hot targets);
 * - `regression` when every label is a number and some label is written as a float — a CSV/TSV cell with a decimal
 *   point or exponent ("3.800", as pandas reads STS-B as float64), or a JSON number that is not whole. JSON.parse
 *   cannot tell `5.0` from `5`, so a JSONL file whose labels are all whole numbers is read as classes; force
 *   regression with `problemType`;
 * - else `single_label_classification`, over the distinct labels sorted (run_glue's `label_list.sort()`): numerically
 *   when all are whole numbers (SST-2's 0/1; their names are the numbers as text), else by code point.
 * Labelled examples whose text is blank are skipped and counted ("blank text"); prediction input keeps them.
 */
import { valuePreview } from '../error-text.js';
import { DataError } from '../errors.js';
import { countSkip, requireExamples, requireLabels, sourceOf, type DataFileOptions } from './data-file.js';
import { delimiterFor, readDelimitedTable, type DelimitedTable } from './delimited.js';
import type { ClassificationExample, ReadExamples, SkipCounts } from './examples.js';
import { readJsonl, type JsonRecord } from './jsonl.js';
import { LabelMap } from './label-map.js';

export type ProblemType = 'single_label_classification' | 'multi_label_classification' | 'regression';

export interface ClassificationColumns {
  /** The text's column (CSV/TSV) or field (JSONL); see the file comment for defaults. */
  textColumn?: string;
  /** The second text's column or field, for pairs. */
  pairColumn?: string;
  /** Default "label". */
  labelColumn?: string;
}

export interface ClassificationReadOptions extends ClassificationColumns, DataFileOptions {}

type Label = ClassificationExample['label'];

/** An example to predict: as ClassificationExample, with the label optional (prediction input may have none). */
export type ClassificationInput = Omit<ClassificationExample, 'label'> & { label?: Label };

/** The columns a CSV/TSV file's examples are read from (exported so a command can say which it took). */
export function resolveColumns(columns: readonly string[], options: ClassificationColumns): { text: string; pair?: string; label: string } {
  const label = options.labelColumn ?? 'label';
  const has = (name: string): boolean => columns.includes(name);
  const withPair = (text: string, pair: string | undefined): { text: string; pair?: string; label: string } => {
    const chosen = options.pairColumn ?? pair;
    return chosen === undefined ? { text, label } : { text, pair: chosen, label };
  };
  if (options.textColumn !== undefined) return withPair(options.textColumn, undefined);
  if (has('sentence1') && has('sentence2')) return withPair('sentence1', 'sentence2');
  if (has('text')) return withPair('text', has('text_pair') ? 'text_pair' : undefined);
  if (has('sentence')) return withPair('sentence', undefined);
  const others = columns.filter((c) => c !== label);
  return withPair(others[0] ?? 'text', others[1]);
}

/** Labelled examples (training, evaluation): a missing label is a DataError naming the line. */
export async function readClassificationFile(path: string, options: ClassificationReadOptions = {}): Promise<ReadExamples<ClassificationExample>> {
  return requireLabels(await readInputs(path, options, true));
}

/** Examples to predict: labels are read when present (so predictions can be scored), and may be absent. */
export function readClassificationInputs(path: string, options: ClassificationReadOptions = {}): Promise<ReadExamples<ClassificationInput>> {
  return readInputs(path, options, false);
}

async function readInputs(path: string, options: ClassificationReadOptions, labelRequired: boolean): Promise<ReadExamples<ClassificationInput>> {
  const examples: ClassificationInput[] = [];
  const skipped: SkipCounts = {};
  // Prediction input keeps every example, so that each input line gets its prediction.
  const keep = (input: ClassificationInput): void => {
    if (labelRequired && input.text.trim().length === 0) countSkip(skipped, 'blank text');
    else examples.push(input);
  };
  const delimiter = delimiterFor(path);
  if (delimiter === undefined) {
    for await (const record of readJsonl(path, options)) keep(jsonInput(record, options, labelRequired));
  } else {
    const table = await readDelimitedTable(path, delimiter, options);
    for (const input of tableInputs(table, options, labelRequired)) keep(input);
  }
  requireExamples(path, examples.length, skipped);
  return { examples, skipped };
}

function jsonInput(record: JsonRecord, options: ClassificationColumns, labelRequired: boolean): ClassificationInput {
  const labelKey = options.labelColumn ?? 'label';
  const input: ClassificationInput = { source: record.source, text: record.string(options.textColumn ?? 'text') };
  const pair = record.optionalString(options.pairColumn ?? 'text_pair');
  if (pair !== undefined) input.textPair = pair;
  const value = labelRequired ? record.required(labelKey, LABEL_KINDS) : record.value(labelKey);
  if (value === undefined) return input;
  if (typeof value === 'string' || typeof value === 'number') input.label = value;
  else if (Array.isArray(value)) input.label = record.stringList(labelKey);
  else throw record.wrongType(labelKey, LABEL_KINDS);
  return input;
}

const LABEL_KINDS = 'a string, number or list of strings';

function tableInputs(table: DelimitedTable, options: ClassificationColumns, labelRequired: boolean): ClassificationInput[] {
  const columns = resolveColumns(table.columns, options);
  const text = table.index(columns.text, options.textColumn === undefined ? undefined : 'text column');
  const pair = columns.pair === undefined ? undefined : table.index(columns.pair, options.pairColumn === undefined ? undefined : 'pair column');
  const label = labelRequired || table.has(columns.label) ? table.index(columns.label, options.labelColumn === undefined ? undefined : 'label column') : undefined;
  return table.rows.map((row) => {
    const input: ClassificationInput = { source: sourceOf(table.path, row.line), text: row.fields[text]! };
    if (pair !== undefined) input.textPair = row.fields[pair]!;
    const cell = label === undefined ? '' : row.fields[label]!.trim();
    if (cell.length > 0) input.label = cell;
    else if (labelRequired) throw table.cellError(row, label!, 'the label is empty');
    return input;
  });
}

/** Array.isArray does not narrow a readonly array type; this does. */
function isList(label: Label): label is readonly string[] {
  return Array.isArray(label);
}

const NUMBER_LITERAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A label's number, when it is one (a JSON number, or a CSV cell written as a number). */
function numberOf(label: string | number): number | undefined {
  if (typeof label === 'number') return label;
  if (typeof label === 'string' && NUMBER_LITERAL.test(label)) return Number(label);
  return undefined;
}

/** Whether a numeric label is written as a float: not whole, or a cell with a decimal point or exponent. */
function writtenAsFloat(label: Label): boolean {
  return typeof label === 'number' ? !Number.isInteger(label) : typeof label === 'string' && /[.eE]/.test(label);
}

/** The task's labels, decided from the training examples (see the file comment), and each example's target. */
export class ClassificationLabels {
  private constructor(
    readonly problemType: ProblemType,
    /** The classes; undefined for regression. */
    readonly classes: LabelMap | undefined,
    /** Class names are whole numbers: a label 1, "1" or "1.0" is class "1". */
    private readonly wholeNumberNames: boolean,
    readonly trainFile: string,
  ) {}

  /** Labels of the training file `trainFile`; `problemType` overrides the decision. */
  static fromTrain(examples: readonly ClassificationExample[], trainFile: string, problemType?: ProblemType): ClassificationLabels {
    const type = problemType ?? decideProblemType(examples);
    if (type === 'regression') {
      for (const example of examples) regressionTarget(example, trainFile);
      return new ClassificationLabels(type, undefined, false, trainFile);
    }
    if (type === 'multi_label_classification') {
      const names = examples.flatMap((example) => {
        if (!isList(example.label)) throw new DataError(`${example.source}: label ${valuePreview(example.label)} is not a list; multi-label data has a list of labels on every line`);
        return example.label;
      });
      return new ClassificationLabels(type, LabelMap.sorted(names, trainFile), false, trainFile);
    }
    const wholeNumbers = examples.every((example) => !isList(example.label) && Number.isInteger(numberOf(example.label)));
    const names = examples.map((example) => className(example.label, wholeNumbers, example.source));
    const classes = LabelMap.sorted(names, trainFile, 'label', wholeNumbers ? (a, b) => Number(a) - Number(b) : undefined);
    return new ClassificationLabels(type, classes, wholeNumbers, trainFile);
  }

  /** The labels a fine-tuned model was saved with (config.json's id2label and problem_type), in id order. */
  static fromModel(problemType: ProblemType, names: readonly string[], source: string): ClassificationLabels {
    if (problemType === 'regression') return new ClassificationLabels(problemType, undefined, false, source);
    const wholeNumbers = problemType === 'single_label_classification' && names.every((name) => Number.isInteger(numberOf(name)));
    return new ClassificationLabels(problemType, new LabelMap(names, source), wholeNumbers, source);
  }

  /** The model's outputs: 1 for regression, else the number of classes. */
  get numLabels(): number {
    return this.classes?.size ?? 1;
  }

  /** The target of an example: a class id, a multi-hot vector over the classes, or the regression value. */
  target(example: ClassificationExample): number | Float32Array {
    const classes = this.classes;
    if (classes === undefined) return regressionTarget(example, this.trainFile);
    if (this.problemType === 'single_label_classification') return classes.id(className(example.label, this.wholeNumberNames, example.source), example.source);
    if (!isList(example.label)) throw new DataError(`${example.source}: label ${valuePreview(example.label)} is not a list, and ${this.trainFile} is multi-label`);
    const hot = new Float32Array(classes.size);
    for (const name of example.label) hot[classes.id(name, example.source)] = 1;
    return hot;
  }
}

function decideProblemType(examples: readonly ClassificationExample[]): ProblemType {
  const first = examples[0];
  if (first === undefined) return 'single_label_classification';
  const kind = (label: Label): string => (isList(label) ? 'a list' : typeof label === 'number' ? 'a number' : 'a string');
  // A JSONL file mixing kinds has no one reading (datasets refuses to build such a column).
  for (const example of examples) {
    if (kind(example.label) !== kind(first.label)) {
      throw new DataError(`${example.source}: label ${valuePreview(example.label)} is ${kind(example.label)}, but ${first.source} has ${kind(first.label)}`);
    }
  }
  if (isList(first.label)) return 'multi_label_classification';
  const numeric = examples.every((example) => !isList(example.label) && numberOf(example.label) !== undefined);
  return numeric && examples.some((example) => writtenAsFloat(example.label)) ? 'regression' : 'single_label_classification';
}

function regressionTarget(example: ClassificationExample, trainFile: string): number {
  const value = isList(example.label) ? undefined : numberOf(example.label);
  if (value === undefined) throw new DataError(`${example.source}: label ${valuePreview(example.label)} is not a number, and the task (from ${trainFile}) is regression`);
  return value;
}

function className(label: Label, wholeNumbers: boolean, source: string): string {
  if (isList(label)) throw new DataError(`${source}: label ${valuePreview(label)} is a list, but the task is single-label`);
  const number = wholeNumbers ? numberOf(label) : undefined;
  return number !== undefined ? String(number) : String(label);
}
