/**
 * How the encoder lays out a batch of inputs of different lengths: `none` packs their real tokens (no arithmetic on
 * padding, the default), `max` pads each batch to its longest input — the baseline `tsbert predict --padding max`
 * measures the packed path against (issue 12). A scoped setting, as grad mode is (tensor/tensor.ts noGrad): the
 * CLI wraps a pipeline's `runBatch` in `withEncoderPadding`, and `runEncoder` reads `encoderPadding()`, so the
 * pipelines' options stay those of transformers.js and Hugging Face.
 */
import { runScoped } from '../tensor/scope.js';

export const ENCODER_PADDINGS = ['none', 'max'] as const;
export type EncoderPadding = (typeof ENCODER_PADDINGS)[number];

let current: EncoderPadding = 'none';

export function encoderPadding(): EncoderPadding {
  return current;
}

/** Runs fn (synchronous) with `padding` in effect, restoring the outer setting on return or throw. */
export function withEncoderPadding<T>(padding: EncoderPadding, fn: () => T): T {
  return runScoped('withEncoderPadding', encoderPadding, (value) => { current = value; }, padding, fn);
}
