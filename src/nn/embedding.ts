import { embedding } from '../ops/embedding.js';
import type { Tensor } from '../tensor/tensor.js';
import { normalInit, type ParamInit } from './param-init.js';
import type { ParamSource } from './param-source.js';
import { Module } from './module.js';

/** nn.Embedding [num, dim] ~ N(0, initStd); the paddingIdx row starts at zero and gets no gradient from lookups. */
export class Embedding extends Module {
  readonly weight: Tensor;

  constructor(params: ParamSource, readonly num: number, readonly dim: number, initStd: number, readonly paddingIdx = -1) {
    super(params);
    this.weight = params.get('weight', [num, dim], paddedNormalInit(initStd, paddingIdx));
  }

  forward(ids: Tensor): Tensor {
    return embedding(ids, this.weight, this.paddingIdx);
  }
}

/** HF _init_weights for nn.Embedding: normal, then the padding_idx row zeroed. A loaded table keeps its own row. */
function paddedNormalInit(std: number, paddingIdx: number): ParamInit {
  const normal = normalInit(std);
  return (tensor, rng) => {
    normal(tensor, rng);
    const [rows, dim] = tensor.shape as [number, number];
    if (paddingIdx >= 0 && paddingIdx < rows) tensor.data.fill(0, paddingIdx * dim, (paddingIdx + 1) * dim);
  };
}
