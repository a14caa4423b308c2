/**
 * Zero-shot classification (Yin et al. 2019) as Hugging Face's ZeroShotClassificationPipeline: each candidate label
 * becomes a hypothesis ("This example is sports.") that an NLI model — sequence-pair classification with an
 * entailment label — scores against the text as premise.
 */
import { valuePreview } from '../error-text.js';
import { ConfigError, ValueError } from '../errors.js';
import type { PretrainedConfig } from '../model/pretrained-config.js';
import type { PreTrainedModel } from '../model/pretrained-model.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { sequenceClassifierOf, type HeadReader } from './head-readers.js';
import { Pipeline } from './pipeline-base.js';
import { OptionReader, optionsArgument, stringList } from './pipeline-options.js';
import { softmax, topIndices } from './scores.js';
import { headLogits } from './head-logits.js';
import { inputObject, textField } from './text-input.js';
import { maxInputTokens, TruncatedEncoder } from './truncated-encoding.js';

export interface ZeroShotClassificationInput {
  text: string;
  labels: readonly string[];
}

export interface ZeroShotClassificationResult {
  sequence: string;
  /** The candidate labels, best first. */
  labels: string[];
  scores: number[];
}

export interface ZeroShotClassificationCallOptions {
  /** "{}" is replaced by each label (default "This example is {}."). */
  hypothesis_template?: string;
  /** Score each label on its own (entailment vs contradiction) instead of one softmax over the labels. */
  multi_label?: boolean;
}

export interface ZeroShotClassificationOptions {
  hypothesis_template: string;
  multi_label: boolean;
}

export const DEFAULT_HYPOTHESIS_TEMPLATE = 'This example is {}.';

/** Hugging Face's entailment_id: the first label whose name starts with "entail", case-insensitive. */
export function entailmentId(config: PretrainedConfig, source: string): number {
  const labels = Object.keys(config.id2label).map(Number).sort((a, b) => a - b);
  const found = labels.find((id) => config.id2label[String(id)]!.toLowerCase().startsWith('entail'));
  if (found === undefined) {
    throw new ConfigError(`zero-shot-classification: ${source} has no entailment label (id2label: ${labels.map((id) => config.id2label[String(id)]).join(', ')}); `
      + 'it needs a model fine-tuned on NLI with a label named "entailment"');
  }
  return found;
}

/** Candidate labels: a list, or one string of comma-separated labels (Hugging Face's _parse_labels). */
export function candidateLabels(value: unknown, task: string): string[] {
  const labels = stringList(value);
  if (labels === undefined) throw new ValueError(`${task}: candidate labels must be a list of strings or a comma-separated string, got ${valuePreview(value)}`);
  if (labels.length === 0) throw new ValueError(`${task}: no candidate labels: at least one is needed`);
  return labels;
}

export interface ZeroShotClassificationPipeline {
  (texts: string, labels: string | readonly string[], options?: ZeroShotClassificationCallOptions): Promise<ZeroShotClassificationResult>;
  (texts: readonly string[], labels: string | readonly string[], options?: ZeroShotClassificationCallOptions): Promise<ZeroShotClassificationResult[]>;
}

export class ZeroShotClassificationPipeline
  extends Pipeline<ZeroShotClassificationInput, ZeroShotClassificationOptions, ZeroShotClassificationResult> {
  readonly task = 'zero-shot-classification' as const;
  readonly entailmentId: number;
  /** Hugging Face's: the last label when entailment is label 0, else label 0. */
  readonly contradictionId: number;
  private readonly encoder: TruncatedEncoder;
  private readonly head: HeadReader;

  /**
   * `model`: a sequence-pair classifier of any family (head-readers.ts); `source` (the model folder) names it in the
   * error of a config without an entailment label.
   */
  constructor(readonly model: PreTrainedModel, readonly tokenizer: Tokenizer, source = model.architecture) {
    super();
    this.head = sequenceClassifierOf(model);
    model.eval();
    this.entailmentId = entailmentId(model.config, source);
    this.contradictionId = this.entailmentId === 0 ? Object.keys(model.config.id2label).length - 1 : 0;
    // Hugging Face truncates only the premise (TruncationStrategy.ONLY_FIRST): the hypothesis stays whole.
    this.encoder = new TruncatedEncoder(tokenizer, maxInputTokens(this.head.encoder, tokenizer), 'only_first');
  }

  /** What calling the pipeline resolves to, synchronously. */
  run(texts: string, labels: string | readonly string[], options?: ZeroShotClassificationCallOptions): ZeroShotClassificationResult;
  run(texts: readonly string[], labels: string | readonly string[], options?: ZeroShotClassificationCallOptions): ZeroShotClassificationResult[];
  run(texts: string | readonly string[], labels: string | readonly string[], options?: ZeroShotClassificationCallOptions): ZeroShotClassificationResult | ZeroShotClassificationResult[] {
    return this.callWith([texts, labels, options]);
  }

  protected override callWith(args: readonly unknown[]): ZeroShotClassificationResult | ZeroShotClassificationResult[] {
    const options = this.checkOptions(optionsArgument(args[2], this.task));
    const labels = candidateLabels(args[1], this.task);
    const texts = args[0];
    const input = (text: unknown): ZeroShotClassificationInput => this.inputFromJson({ text, labels });
    if (!Array.isArray(texts)) return this.runBatch([input(texts)], options)[0]!;
    return this.runAll(texts.map(input), options);
  }

  /** {"text", "labels"}: labels a list or a comma-separated string. */
  inputFromJson(value: unknown): ZeroShotClassificationInput {
    const input = inputObject(value, this.task, '{text, labels}');
    return { text: textField(input, 'text', this.task), labels: candidateLabels(input['labels'], this.task) };
  }

  checkOptions(options: Record<string, unknown>): ZeroShotClassificationOptions {
    const reader = new OptionReader(this.task, options, ['hypothesis_template', 'multi_label']);
    const hypothesisTemplate = reader.string('hypothesis_template', DEFAULT_HYPOTHESIS_TEMPLATE);
    if (!hypothesisTemplate.includes('{}')) {
      throw new ValueError(`${this.task}: option hypothesis_template ${valuePreview(hypothesisTemplate)} has no {} for the label`);
    }
    return { hypothesis_template: hypothesisTemplate, multi_label: reader.boolean('multi_label', false) };
  }

  /** Tokens of all the input's (text, hypothesis) pairs: the model runs one sequence per label. */
  lengthOf(input: ZeroShotClassificationInput, options: ZeroShotClassificationOptions): number {
    let total = 0;
    for (const label of input.labels) {
      total += this.encoder.length(input.text, hypothesis(options, label));
    }
    return total;
  }

  runBatch(inputs: readonly ZeroShotClassificationInput[], options: ZeroShotClassificationOptions): ZeroShotClassificationResult[] {
    const pairs = inputs.flatMap((input) => input.labels.map((label) => this.encoder.encode(input.text, hypothesis(options, label))));
    this.encoder.warn(this.task);
    const { values: logits, width: classes } = headLogits(this.head, pairs); // [pairs, classes]
    let pair = 0;
    return inputs.map((input) => {
      const at = (label: number, column: number): number => logits[(pair + label) * classes + column]!;
      const count = input.labels.length;
      let scores: Float64Array;
      if (options.multi_label || count === 1) {
        // Each label on its own: softmax over its [contradiction, entailment] logits.
        scores = Float64Array.from({ length: count }, (_, j) => softmax([at(j, this.contradictionId), at(j, this.entailmentId)])[1]!);
      } else {
        // The labels compete: softmax of the entailment logits over the labels.
        scores = softmax(Float64Array.from({ length: count }, (_, j) => at(j, this.entailmentId)));
      }
      pair += count;
      const order = topIndices(scores, null);
      return { sequence: input.text, labels: order.map((j) => input.labels[j]!), scores: order.map((j) => scores[j]!) };
    });
  }
}

function hypothesis(options: ZeroShotClassificationOptions, label: string): string {
  // String.replace with a function: a "$&" in a label stays literal.
  return options.hypothesis_template.replace('{}', () => label);
}
