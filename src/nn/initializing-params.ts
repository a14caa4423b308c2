import type { Rng } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';
import type { ParamInit } from './param-init.js';
import type { ParamProvider } from './param-source.js';

/** Fresh parameters: each one's init applied in creation order, drawing from one Rng (a seed fixes the model). */
export class InitializingParams implements ParamProvider {
  constructor(private readonly rng: Rng) {}

  create(_path: string, shape: readonly number[], init: ParamInit): Tensor {
    const tensor = Tensor.zeros(shape);
    init(tensor, this.rng);
    return tensor;
  }
}
