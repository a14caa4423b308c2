import { dropout } from '../ops/dropout.js';
import type { Rng } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ParamSource } from './param-source.js';
import { Module } from './module.js';

/** nn.Dropout drawing from the model's Rng, so a seed (and a checkpointed Rng state) fixes every mask. */
export class Dropout extends Module {
  constructor(params: ParamSource, readonly p: number, private readonly rng: Rng) {
    super(params);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.rng);
  }
}
