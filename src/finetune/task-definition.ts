/**
 * What one fine-tuning task type supplies (classification, token classification, QA, multiple choice); the
 * training loop, batching, evaluation and the commands are shared (finetuning-task.ts, cli/commands/finetune.ts).
 * Adding a task type is one implementation of this interface.
 */
import type { TaskHeadName } from '../model/heads/task-heads.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import type { ReadExamples, SkipCounts } from './examples.js';
import type { Feature } from './features.js';
import type { FinetuneTaskName } from './task-names.js';
import type { Preprocessing } from './preprocessing.js';

/** The labels a head predicts, by id; with the problem type for sequence classification (Hugging Face's names). */
export interface LabelScheme {
  labels: readonly string[];
  /** Where the labels come from (the training file, a model's config.json), for "never appears in …" errors. */
  source?: string;
  problemType?: 'single_label_classification' | 'regression' | 'multi_label_classification';
}

/** One feature's outputs under Hugging Face's names; token-level outputs are cut to the feature's length. */
export type FeatureOutputs = Record<string, Float32Array>;

/** Reading options the commands pass through (columns of CSV/TSV, the CoNLL tag column). */
export interface ReadOptions {
  textColumn?: string;
  pairColumn?: string;
  labelColumn?: string;
  tagColumn?: number;
}

export interface FeatureContext {
  tokenizer: Tokenizer;
  scheme: LabelScheme | undefined;
  preprocessing: Preprocessing;
  /** Training features carry targets (and QA's windows their answer positions); evaluation features what post-processing needs. */
  training: boolean;
}

export interface BestMetric {
  /** A key of metrics(), without the `eval_` prefix. */
  metric: string;
  greaterIsBetter: boolean;
}

export interface FinetuneTaskDefinition<Example, F extends Feature = Feature> {
  readonly name: FinetuneTaskName;
  /** The head it trains (registry task and `tsbert forward --head` name). */
  readonly head: TaskHeadName;
  /** Whether the head's outputs have a sequence axis (token classification, QA) to cut padding from. */
  readonly tokenLevel: boolean;
  /** Whether it encodes words already split (transformers' is_split_into_words): byte-level BPE then adds a prefix space. */
  readonly encodesWords?: boolean;
  readonly defaultMaxSeqLength: number;
  /** Reads a data file; `labelled` false (predict) accepts examples without labels. */
  read(path: string, options: ReadOptions, labelled: boolean): Promise<ReadExamples<Example>>;
  /** The label set learnt from the training examples (none for QA). */
  labelScheme(train: readonly Example[], source: string): LabelScheme | undefined;
  /** Checks that another file's labels are the scheme's (a dev label train never saw is an error naming file and line). */
  checkLabels?(examples: readonly Example[], scheme: LabelScheme): void;
  bestMetric(scheme: LabelScheme | undefined): BestMetric;
  /** Settings the training data decides (QA: SQuAD v2.0 when some question is unanswerable). */
  adjustPreprocessing?(train: readonly Example[], preprocessing: Preprocessing): Preprocessing;
  features(examples: readonly Example[], context: FeatureContext): { features: F[]; skipped: SkipCounts };
  /** The loss arguments (labels, start_positions, ...) of a batch padded to seqLength; undefined: no loss. */
  targets(features: readonly F[], seqLength: number, scheme: LabelScheme | undefined): Map<string, Tensor> | undefined;
  /** The task's official metrics over all examples (keys as the official scripts name them, without `eval_`). */
  metrics(examples: readonly Example[], features: readonly F[], outputs: readonly FeatureOutputs[], context: FeatureContext): Record<string, number>;
  /**
   * Writes the predictions for `input` to `output` (atomically): JSONL input → one JSON line per example; SQuAD →
   * the official `{id: answer}` file; CoNLL → the input with the predicted tag as a last column.
   */
  writePredictions(output: string, input: PredictionFiles, examples: readonly Example[], features: readonly F[], outputs: readonly FeatureOutputs[], context: FeatureContext): void | Promise<void>;
}

/** The files of a `predict` run besides its output. */
export interface PredictionFiles {
  input: string;
  /** QA v2: where to write `{id: null_odds}`. */
  nullOdds?: string;
}
