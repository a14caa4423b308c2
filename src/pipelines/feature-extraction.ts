/**
 * Feature extraction as transformers.js's FeatureExtractionPipeline: the encoder's last hidden states, per token or
 * pooled into one vector per text (mean over the real tokens, or the [CLS] row), optionally L2-normalized.
 */
import { runEncoder } from '../inference/run-encoder.js';
import type { EncoderModel } from '../model/encoder-model.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { FeatureTensor } from './feature-tensor.js';
import { Pipeline } from './pipeline-base.js';
import { textInput } from './text-input.js';
import { OptionReader, optionsArgument } from './pipeline-options.js';
import { maxInputTokens, TruncatedEncoder } from './truncated-encoding.js';

/** transformers.js's pooling methods for an encoder ('cls' and 'first_token' are the same row). */
export const POOLINGS = ['none', 'mean', 'cls', 'first_token'] as const;
export type Pooling = (typeof POOLINGS)[number];

export interface FeatureExtractionCallOptions {
  pooling?: Pooling;
  /** L2-normalize each vector (each token's, without pooling). */
  normalize?: boolean;
}

export interface FeatureExtractionOptions {
  pooling: Pooling;
  normalize: boolean;
}

/** torch.nn.functional.normalize's eps: a zero vector stays zero instead of becoming NaN. */
const NORM_EPS = 1e-12;

export interface FeatureExtractionPipeline {
  /** One text: [1, tokens, hidden], or [1, hidden] pooled. */
  (texts: string, options?: FeatureExtractionCallOptions): Promise<FeatureTensor>;
  /** Many: [texts, hidden] pooled; without pooling [texts, longest, hidden] with zero rows past each text's end. */
  (texts: readonly string[], options?: FeatureExtractionCallOptions): Promise<FeatureTensor>;
}

export class FeatureExtractionPipeline extends Pipeline<string, FeatureExtractionOptions, FeatureTensor> {
  readonly task = 'feature-extraction' as const;
  private readonly encoder: TruncatedEncoder;

  /** `model`: the encoder of any family (a task model's encoderModel()). */
  constructor(readonly model: EncoderModel, readonly tokenizer: Tokenizer) {
    super();
    model.eval();
    this.encoder = new TruncatedEncoder(tokenizer, maxInputTokens(model, tokenizer));
  }

  /** What calling the pipeline resolves to, synchronously. */
  run(texts: string | readonly string[], options?: FeatureExtractionCallOptions): FeatureTensor {
    return this.callWith([texts, options]);
  }

  protected override callWith(args: readonly unknown[]): FeatureTensor {
    const options = this.checkOptions(optionsArgument(args[1], this.task));
    const texts = args[0];
    if (!Array.isArray(texts)) return this.runBatch([textInput(texts, this.task)], options)[0]!;
    return stack(this.runAll(texts.map((text) => textInput(text, this.task)), options), this.model.hiddenSize, options.pooling);
  }

  inputFromJson(value: unknown): string {
    return textInput(value, this.task);
  }

  checkOptions(options: Record<string, unknown>): FeatureExtractionOptions {
    const reader = new OptionReader(this.task, options, ['pooling', 'normalize']);
    return { pooling: reader.choice('pooling', POOLINGS, 'none'), normalize: reader.boolean('normalize', false) };
  }

  lengthOf(input: string): number {
    return this.encoder.length(input);
  }

  runBatch(inputs: readonly string[], options: FeatureExtractionOptions): FeatureTensor[] {
    const encodings = inputs.map((input) => this.encoder.encode(input));
    this.encoder.warn(this.task);
    const { hidden, offsets, hiddenSize } = runEncoder(this.model, encodings); // hidden [totalTokens, hidden]
    return inputs.map((_, i) => {
      const start = offsets[i]!;
      const length = offsets[i + 1]! - start;
      let vectors: Float32Array;
      if (options.pooling === 'none') vectors = hidden.slice(start * hiddenSize, (start + length) * hiddenSize); // [length, hidden]
      else if (options.pooling === 'mean') vectors = meanRows(hidden, start, length, hiddenSize); // [hidden]
      else vectors = hidden.slice(start * hiddenSize, (start + 1) * hiddenSize); // [hidden], the [CLS] row
      if (options.normalize) normalizeRows(vectors, hiddenSize);
      return new FeatureTensor(vectors, options.pooling === 'none' ? [1, length, hiddenSize] : [1, hiddenSize]);
    });
  }
}

/** transformers.js's mean_pooling: the average of the text's rows (padding has none here), summed in float64. */
function meanRows(hidden: Float32Array, start: number, length: number, hiddenSize: number): Float32Array {
  const sums = new Float64Array(hiddenSize);
  for (let t = start; t < start + length; t++) {
    const row = t * hiddenSize;
    for (let d = 0; d < hiddenSize; d++) sums[d]! += hidden[row + d]!;
  }
  const mean = new Float32Array(hiddenSize);
  for (let d = 0; d < hiddenSize; d++) mean[d] = sums[d]! / length;
  return mean;
}

/** Each row of `vectors` divided by its L2 norm, in place. */
function normalizeRows(vectors: Float32Array, hiddenSize: number): void {
  for (let row = 0; row < vectors.length; row += hiddenSize) {
    let squares = 0;
    for (let d = 0; d < hiddenSize; d++) squares += vectors[row + d]! * vectors[row + d]!;
    const norm = Math.max(Math.sqrt(squares), NORM_EPS);
    for (let d = 0; d < hiddenSize; d++) vectors[row + d]! /= norm;
  }
}

/**
 * Single-text tensors [1, ...] → one batch tensor: [n, hidden] pooled; without pooling [n, longest, hidden], rows past a
 * text's end zero (transformers.js leaves there what the model computed at padding positions, which means nothing).
 */
function stack(tensors: readonly FeatureTensor[], hiddenSize: number, pooling: Pooling): FeatureTensor {
  if (pooling !== 'none') {
    const data = new Float32Array(tensors.length * hiddenSize);
    tensors.forEach((tensor, i) => data.set(tensor.data, i * hiddenSize));
    return new FeatureTensor(data, [tensors.length, hiddenSize]);
  }
  let longest = 0;
  for (const tensor of tensors) longest = Math.max(longest, tensor.dims[1]!);
  const data = new Float32Array(tensors.length * longest * hiddenSize);
  tensors.forEach((tensor, i) => data.set(tensor.data, i * longest * hiddenSize));
  return new FeatureTensor(data, [tensors.length, longest, hiddenSize]);
}
