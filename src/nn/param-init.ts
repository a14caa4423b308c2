import type { Rng } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';

/** How a fresh parameter gets its values; drawing ones take their numbers from the model's init Rng. */
export type ParamInit = (tensor: Tensor, rng: Rng) => void;

/**
 * BERT's initialisation (google-research/bert modeling.py; HF _init_weights): weights ~ N(0, std = initializer_range).
 * Drawn element by element in row-major order: seeded models and their goldens depend on this order.
 */
export function normalInit(std: number): ParamInit {
  return (tensor, rng) => {
    const data = tensor.data;
    for (let i = 0; i < data.length; i++) data[i] = std * rng.normal();
  };
}

/** A constant: LayerNorm weight 1, biases 0 (HF _init_weights). Draws nothing. */
export function constantInit(value: number): ParamInit {
  return (tensor) => {
    tensor.data.fill(value);
  };
}
