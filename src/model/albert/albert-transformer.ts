import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import type { ParamSource } from '../../nn/param-source.js';
import type { Rng } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { AttentionMask } from '../attention.js';
import type { EncoderOutput } from '../layer-stack.js';
import { ModuleList } from '../module-list.js';
import type { AlbertConfig } from './albert-config.js';
import { AlbertLayer } from './albert-layer.js';

/** Hugging Face's AlbertLayerGroup: inner_group_num distinct layers, run in turn. */
export class AlbertLayerGroup extends Module {
  readonly albert_layers: ModuleList<AlbertLayer>;

  constructor(config: AlbertConfig, params: ParamSource, dropoutRng: Rng) {
    super(params);
    this.albert_layers = new ModuleList(params.at('albert_layers'), config.innerGroupNum, (layer) => new AlbertLayer(config, layer, dropoutRng));
  }
}

/**
 * ALBERT's encoder (Lan et al. 2020 §3.1, cross-layer parameter sharing; Hugging Face's AlbertTransformer): the
 * embeddings [.., E] are mapped to [.., hidden] by embedding_hidden_mapping_in, then each of num_hidden_layers steps
 * runs a layer group — step i the group floor(i / (num_hidden_layers / num_hidden_groups)), Python's
 * int(i / (L / G)) — so every group's weights serve several steps and their gradients sum over all of them (the
 * tape accumulates into a leaf used more than once).
 */
export class AlbertTransformer extends Module {
  readonly embedding_hidden_mapping_in: Linear;
  readonly albert_layer_groups: ModuleList<AlbertLayerGroup>;

  constructor(readonly config: AlbertConfig, params: ParamSource, dropoutRng: Rng) {
    super(params);
    this.embedding_hidden_mapping_in = new Linear(params.at('embedding_hidden_mapping_in'), config.embeddingSize, config.hiddenSize, config.initializerRange);
    this.albert_layer_groups = new ModuleList(params.at('albert_layer_groups'), config.numHiddenGroups, (group) => new AlbertLayerGroup(config, group, dropoutRng));
  }

  /** The group step i runs. */
  groupOfStep(step: number): AlbertLayerGroup {
    const { numHiddenLayers: layers, numHiddenGroups: groups } = this.config;
    return this.albert_layer_groups.items[Math.floor(step / (layers / groups))]!;
  }

  /**
   * embedded [batch, seq, E] → [batch, seq, hidden]. hiddenStates: the mapped embeddings and each step's output (a
   * step is a whole group, as Hugging Face collects them); attentions: every layer run, [batch, heads, seq, seq].
   * lastLayerRows: the last layer's output at these flat rows alone, [rows, hidden] (ForwardOptions.lastLayerRows).
   */
  forward(embedded: Tensor, mask: AttentionMask, outputHiddenStates = false, outputAttentions = false, lastLayerRows: Int32Array | null = null): EncoderOutput {
    let current = this.embedding_hidden_mapping_in.forward(embedded);
    const hiddenStates: Tensor[] = [current];
    const attentions: Tensor[] = [];
    const { numHiddenLayers, innerGroupNum } = this.config;
    for (let step = 0; step < numHiddenLayers; step++) {
      for (const [j, layer] of this.groupOfStep(step).albert_layers.items.entries()) {
        const isLast = step === numHiddenLayers - 1 && j === innerGroupNum - 1;
        const result = layer.forward(current, mask, isLast ? lastLayerRows : null);
        current = result.hidden;
        if (outputAttentions) attentions.push(result.probs);
      }
      hiddenStates.push(current);
    }
    const output: EncoderOutput = { lastHiddenState: current };
    if (outputHiddenStates) output.hiddenStates = hiddenStates;
    if (outputAttentions) output.attentions = attentions;
    return output;
  }
}
