import { Module } from '../nn/module.js';
import type { Rng } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import type { BertConfig } from './config.js';
import { BertLayer } from './layer.js';
import { ModuleList } from './module-list.js';

export interface EncoderOutput {
  lastHiddenState: Tensor;
  /** Embedding output plus every layer's output, when asked for. */
  hiddenStates?: Tensor[];
  /** Every layer's attention probabilities [batch, heads, seq, seq], when asked for. */
  attentions?: Tensor[];
}

export class BertEncoder extends Module {
  readonly layer: ModuleList<BertLayer>;

  constructor(config: BertConfig, rng: Rng, dropoutRng: Rng) {
    super();
    const layers = Array.from({ length: config.numHiddenLayers }, () => new BertLayer(config, rng, dropoutRng));
    this.layer = this.registerModule('layer', new ModuleList(layers));
  }

  forward(hidden: Tensor, mask: Tensor | null, outputHiddenStates = false, outputAttentions = false): EncoderOutput {
    const hiddenStates: Tensor[] = [hidden];
    const attentions: Tensor[] = [];
    let current = hidden;
    for (const layer of this.layer.items) {
      const result = layer.forward(current, mask);
      current = result.hidden;
      hiddenStates.push(current);
      attentions.push(result.probs);
    }
    const output: EncoderOutput = { lastHiddenState: current };
    if (outputHiddenStates) output.hiddenStates = hiddenStates;
    if (outputAttentions) output.attentions = attentions;
    return output;
  }
}
