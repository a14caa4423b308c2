import { embedding } from '../ops/embedding.js';
import type { Rng } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import { normalTensor } from './init.js';
import { Module } from './module.js';

/** nn.Embedding [num, dim] ~ N(0, initStd); the paddingIdx row starts at zero and gets no gradient from lookups. */
export class Embedding extends Module {
  readonly weight: Tensor;

  constructor(readonly num: number, readonly dim: number, rng: Rng, initStd: number, readonly paddingIdx = -1) {
    super();
    this.weight = this.registerParameter('weight', normalTensor(rng, [num, dim], initStd));
    if (paddingIdx >= 0 && paddingIdx < num) this.weight.data.fill(0, paddingIdx * dim, (paddingIdx + 1) * dim);
  }

  forward(ids: Tensor): Tensor {
    return embedding(ids, this.weight, this.paddingIdx);
  }
}
