/**
 * Text classification (sentiment analysis, topics, sentence pairs) as transformers.js's TextClassificationPipeline,
 * with the options of Hugging Face's Python one (function_to_apply, text pairs) that it lacks.
 */
import { numLabels, type PretrainedConfig } from '../model/pretrained-config.js';
import type { PreTrainedModel } from '../model/pretrained-model.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { sequenceClassifierOf, type HeadReader } from './head-readers.js';
import { Pipeline } from './pipeline-base.js';
import { OptionReader, optionsArgument } from './pipeline-options.js';
import { sigmoid, softmax, topIndices } from './scores.js';
import { headLogits } from './head-logits.js';
import { inputObject, textField } from './text-input.js';
import { maxInputTokens, TruncatedEncoder } from './truncated-encoding.js';

/** A text, or a pair classified together, laid out by the tokenizer (`[CLS] A [SEP] B [SEP]`, RoBERTa's `<s> A </s></s> B </s>`). */
export type TextClassificationInput = string | { text: string; text_pair?: string };

export interface TextClassificationResult {
  label: string;
  score: number;
}

export const CLASSIFICATION_FUNCTIONS = ['softmax', 'sigmoid', 'none'] as const;
export type ClassificationFunction = (typeof CLASSIFICATION_FUNCTIONS)[number];

/** The call's options as transformers.js and Hugging Face name them. */
export interface TextClassificationCallOptions {
  /** How many labels per input, best first (1); null: all labels. */
  top_k?: number | null;
  /** Default: as Hugging Face's pipeline decides from the config (defaultClassificationFunction). */
  function_to_apply?: ClassificationFunction;
}

export interface TextClassificationOptions {
  top_k: number | null;
  function_to_apply: ClassificationFunction;
}

/**
 * Hugging Face's TextClassificationPipeline.postprocess default: none for regression; sigmoid for multi-label
 * classification or a single label; softmax otherwise.
 */
export function defaultClassificationFunction(config: PretrainedConfig): ClassificationFunction {
  const problemType = config.extra['problem_type'];
  if (problemType === 'regression') return 'none';
  if (problemType === 'multi_label_classification' || numLabels(config) === 1) return 'sigmoid';
  return 'softmax';
}

/** A call's or a JSON line's input: a string, or an object with `text` (and `text_pair`); other fields are ignored. */
export function textClassificationInput(value: unknown, task: string): TextClassificationInput {
  if (typeof value === 'string') return value;
  const input = inputObject(value, task, 'a text or {text, text_pair}');
  const text = textField(input, 'text', task);
  return input['text_pair'] === undefined || input['text_pair'] === null ? text : { text, text_pair: textField(input, 'text_pair', task) };
}

export interface TextClassificationPipeline {
  /** One input: its top_k results (a list of one by default). */
  (texts: TextClassificationInput, options?: TextClassificationCallOptions): Promise<TextClassificationResult[]>;
  /** Many: one result each with top_k 1 (a flat list), else a list per input — transformers.js's shapes. */
  (texts: readonly TextClassificationInput[], options?: TextClassificationCallOptions): Promise<TextClassificationResult[] | TextClassificationResult[][]>;
}

export class TextClassificationPipeline extends Pipeline<TextClassificationInput, TextClassificationOptions, TextClassificationResult[]> {
  readonly task = 'text-classification' as const;
  private readonly encoder: TruncatedEncoder;
  private readonly head: HeadReader;

  /** `model`: a sequence classifier of any family (head-readers.ts). */
  constructor(readonly model: PreTrainedModel, readonly tokenizer: Tokenizer) {
    super();
    this.head = sequenceClassifierOf(model);
    model.eval();
    this.encoder = new TruncatedEncoder(tokenizer, maxInputTokens(this.head.encoder, tokenizer));
  }

  /** What calling the pipeline resolves to, synchronously. */
  run(texts: TextClassificationInput, options?: TextClassificationCallOptions): TextClassificationResult[];
  run(texts: readonly TextClassificationInput[], options?: TextClassificationCallOptions): TextClassificationResult[] | TextClassificationResult[][];
  run(texts: TextClassificationInput | readonly TextClassificationInput[], options?: TextClassificationCallOptions): TextClassificationResult[] | TextClassificationResult[][] {
    return this.callWith([texts, options]);
  }

  protected override callWith(args: readonly unknown[]): TextClassificationResult[] | TextClassificationResult[][] {
    const options = this.checkOptions(optionsArgument(args[1], this.task));
    const texts = args[0];
    if (!Array.isArray(texts)) return this.runBatch([textClassificationInput(texts, this.task)], options)[0]!;
    const outputs = this.runAll(texts.map((text) => textClassificationInput(text, this.task)), options);
    return options.top_k === 1 ? outputs.map((output) => output[0]!) : outputs;
  }

  inputFromJson(value: unknown): TextClassificationInput {
    return textClassificationInput(value, this.task);
  }

  checkOptions(options: Record<string, unknown>): TextClassificationOptions {
    const reader = new OptionReader(this.task, options, ['top_k', 'function_to_apply']);
    return {
      top_k: reader.integerOrNull('top_k', 1, 1),
      function_to_apply: reader.choice('function_to_apply', CLASSIFICATION_FUNCTIONS, undefined) ?? defaultClassificationFunction(this.model.config),
    };
  }

  lengthOf(input: TextClassificationInput): number {
    return typeof input === 'string' ? this.encoder.length(input) : this.encoder.length(input.text, input.text_pair);
  }

  runBatch(inputs: readonly TextClassificationInput[], options: TextClassificationOptions): TextClassificationResult[][] {
    const encodings = inputs.map((input) => (typeof input === 'string' ? this.encoder.encode(input) : this.encoder.encode(input.text, input.text_pair)));
    this.encoder.warn(this.task);
    const logits = headLogits(this.head, encodings).values; // [n, labels]
    const labels = numLabels(this.model.config);
    return inputs.map((_, i) => {
      const row = logits.subarray(i * labels, (i + 1) * labels);
      const scores = options.function_to_apply === 'softmax' ? softmax(row) : options.function_to_apply === 'sigmoid' ? sigmoid(row) : Float64Array.from(row);
      return topIndices(scores, options.top_k).map((label) => ({ label: this.model.config.id2label[String(label)] ?? `LABEL_${label}`, score: scores[label]! }));
    });
  }
}
