import { embedding } from '../../ops/embedding.js';
import { Module } from '../../nn/module.js';
import type { ParamInit } from '../../nn/param-init.js';
import type { ParamSource } from '../../nn/param-source.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * create_sinusoidal_embeddings (modeling_distilbert.py; Vaswani et al. §3.5): angle(pos, j) = pos / 10000^(2·⌊j/2⌋ / dim)
 * in float64, sine in even columns, cosine in odd ones. Written into a table [positions, dim].
 */
export const sinusoidalInit: ParamInit = (tensor) => {
  const [positions, dim] = tensor.shape as [number, number];
  const data = tensor.data;
  for (let pos = 0; pos < positions; pos++) {
    for (let j = 0; j < dim; j++) {
      const angle = pos / Math.pow(10000, (2 * Math.floor(j / 2)) / dim);
      data[pos * dim + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
};

/**
 * DistilBERT's position_embeddings with sinusoidal_pos_embds: a fresh model gets the sinusoidal table, a checkpoint
 * keeps its own (Hugging Face's too), and it is never trained — Hugging Face sets requires_grad False — so the
 * weight takes no gradient and optimizers skip it. Saved as `position_embeddings.weight`, as Hugging Face saves it.
 */
export class SinusoidalPositionEmbedding extends Module {
  readonly weight: Tensor;

  constructor(params: ParamSource, readonly num: number, readonly dim: number) {
    super(params);
    this.weight = params.get('weight', [num, dim], sinusoidalInit);
    this.weight.requiresGrad = false;
  }

  forward(positions: Tensor): Tensor {
    return embedding(positions, this.weight);
  }
}
