import { gatherFirstTokens } from '../ops/gather-rows.js';
import { tanh } from '../ops/tanh.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import type { ParamSource } from '../nn/param-source.js';
import type { Tensor } from '../tensor/tensor.js';
import type { BertConfig } from './config.js';

/** BERT §3: the [CLS] position's final hidden state through dense + tanh is the sequence representation. */
export class BertPooler extends Module {
  readonly dense: Linear;

  /** layout 'flat': the dense layer's parameters at the pooler's own scope (`pooler.weight`), as ALBERT's AlbertModel holds them. */
  constructor(config: BertConfig, params: ParamSource, layout: 'nested' | 'flat' = 'nested') {
    super(params);
    this.dense = new Linear(layout === 'flat' ? params : params.at('dense'), config.hiddenSize, config.hiddenSize, config.initializerRange);
  }

  /** hidden [batch, seq, hidden] → [batch, hidden] from position 0 of each sequence. */
  forward(hidden: Tensor): Tensor {
    return this.forwardCls(gatherFirstTokens(hidden));
  }

  /** The [CLS] rows [batch, hidden] → [batch, hidden]. */
  forwardCls(cls: Tensor): Tensor {
    return tanh(this.dense.forward(cls));
  }
}
