import type { Rng } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';

let skipRandomInit = false;

/**
 * Builds modules without drawing their random initial weights (they stay zero): for models about to be
 * overwritten by a checkpoint, where drawing 110M normals would cost seconds for nothing.
 */
export function withoutRandomInit<T>(build: () => T): T {
  const outer = skipRandomInit;
  skipRandomInit = true;
  try {
    return build();
  } finally {
    skipRandomInit = outer;
  }
}

/** BERT's initialisation (google-research/bert modeling.py; HF _init_weights): weights ~ N(0, std = 0.02). */
export function normalTensor(rng: Rng, shape: readonly number[], std: number): Tensor {
  const tensor = Tensor.zeros(shape);
  if (skipRandomInit) return tensor;
  const data = tensor.data;
  for (let i = 0; i < data.length; i++) data[i] = std * rng.normal();
  return tensor;
}

export function filledTensor(shape: readonly number[], value: number): Tensor {
  const tensor = Tensor.zeros(shape);
  tensor.data.fill(value);
  return tensor;
}
