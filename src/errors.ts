import { singleLine } from './error-text.js';

/**
 * Typed errors. Library code throws these and never exits the process; the CLI turns them into one-line messages.
 * Each message names the thing at fault (op, file, field, tensor) and the problem.
 */
export class TsbertError extends Error {
  override readonly name: string = 'TsbertError';
  constructor(message: string, options?: { cause?: unknown }) {
    // Messages quote what files hold (tensor and entry names, tokens, JSON.parse's excerpt of the text), which may
    // contain line breaks; escaping control characters here keeps every message on one line.
    super(singleLine(message), options);
  }
}

/** Tensor shapes that an op cannot combine: `matmul: inner sizes differ: a is [2, 8, 32], b is [64, 16]`. */
export class ShapeError extends TsbertError {
  override readonly name = 'ShapeError';
}

/** A tensor of the wrong element type for an op (float32 where int32 ids are expected, ...). */
export class DTypeError extends TsbertError {
  override readonly name = 'DTypeError';
}

/** A value that an op can detect will produce NaN or garbage (negative dropout rate, ids out of range, ...). */
export class ValueError extends TsbertError {
  override readonly name = 'ValueError';
}

/** A checkpoint or safetensors file that cannot be read as what it claims to be. */
export class CheckpointError extends TsbertError {
  override readonly name = 'CheckpointError';
}

/** A vocabulary or tokenizer file that is unusable, or input that cannot be tokenized. */
export class TokenizerError extends TsbertError {
  override readonly name = 'TokenizerError';
}

/** A model or training configuration with missing or absurd fields. */
export class ConfigError extends TsbertError {
  override readonly name = 'ConfigError';
}

/** A data file (corpus, pre-training instances, task data) that is empty, truncated or malformed. */
export class DataError extends TsbertError {
  override readonly name = 'DataError';
}

/** The native addon could not be loaded or rejected its arguments. */
export class BackendError extends TsbertError {
  override readonly name = 'BackendError';
}

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
