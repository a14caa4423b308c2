import type { ParamSource } from '../nn/param-source.js';
import type { Rng } from '../tensor/rng.js';
import type { BertConfig } from './config.js';
import { BertLayer } from './layer.js';
import { LayerStack } from './layer-stack.js';

/** BERT's `encoder`: numHiddenLayers BertLayers at `encoder.layer.N`. */
export class BertEncoder extends LayerStack<BertLayer> {
  constructor(config: BertConfig, params: ParamSource, dropoutRng: Rng) {
    super(params, config.numHiddenLayers, (layer) => new BertLayer(config, layer, dropoutRng));
  }
}
