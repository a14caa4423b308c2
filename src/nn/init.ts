import type { Rng } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';

/** BERT's initialisation (google-research/bert modeling.py; HF _init_weights): weights ~ N(0, std = 0.02). */
export function normalTensor(rng: Rng, shape: readonly number[], std: number): Tensor {
  const tensor = Tensor.zeros(shape);
  const data = tensor.data;
  for (let i = 0; i < data.length; i++) data[i] = std * rng.normal();
  return tensor;
}

export function filledTensor(shape: readonly number[], value: number): Tensor {
  const tensor = Tensor.zeros(shape);
  tensor.data.fill(value);
  return tensor;
}
