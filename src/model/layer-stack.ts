import { Module } from '../nn/module.js';
import type { ParamSource } from '../nn/param-source.js';
import { allocate, Arena, withArena, type ArenaOptions } from '../tensor/arena.js';
import { isGradEnabled, Tensor } from '../tensor/tensor.js';
import type { AttentionMask } from './attention.js';
import { ModuleList } from './module-list.js';

/** One transformer layer as a stack runs it (BertLayer, DistilBERT's TransformerBlock). */
export interface StackedLayer extends Module {
  /** hidden [batch, seq, hidden] → [batch, seq, hidden], or [rows, hidden] at the given flat rows; probs per head. */
  forward(hidden: Tensor, mask: AttentionMask, rows: Int32Array | null): { hidden: Tensor; probs: Tensor };
}

export interface EncoderOutput {
  lastHiddenState: Tensor;
  /** Embedding output plus every layer's output, when asked for. */
  hiddenStates?: Tensor[];
  /** Every layer's attention probabilities [batch, heads, seq, seq], when asked for. */
  attentions?: Tensor[];
}

/**
 * The inference pools' buffers serve requests down to an eighth of their size: a window of inputs sorted longest
 * first (inference/length-batches.ts) shrinks ~8× from its first batch to its last, which then reuses the first
 * batch's memory (with the default 2× a Brown-sentence run allocated ~130 MiB of fresh buffers per 2,000 texts).
 */
export const INFERENCE_ARENA: ArenaOptions = Object.freeze({ maxOversize: 8 });

/**
 * Hugging Face's `layer` ModuleList run in order (BertEncoder's `encoder.layer.N`, DistilBERT's
 * `transformer.layer.N`): hidden states and attentions gathered when asked, and inference in two arenas.
 */
export class LayerStack<L extends StackedLayer> extends Module {
  readonly layer: ModuleList<L>;
  /** Inference memory: layer i works in pool i mod 2, so only two layers' activations are ever alive. */
  private inferencePools: [Arena, Arena] | undefined;

  constructor(params: ParamSource, count: number, build: (params: ParamSource) => L) {
    super(params);
    this.layer = new ModuleList(params.at('layer'), count, build);
  }

  /** lastLayerRows: the last layer's output at these flat rows alone, [rows, hidden] (ForwardOptions.lastLayerRows). */
  forward(hidden: Tensor, mask: AttentionMask, outputHiddenStates = false, outputAttentions = false, lastLayerRows: Int32Array | null = null): EncoderOutput {
    if (!isGradEnabled() && !outputHiddenStates && !outputAttentions) return { lastHiddenState: this.forwardInference(hidden, mask, lastLayerRows) };
    const hiddenStates: Tensor[] = [hidden];
    const attentions: Tensor[] = [];
    let current = hidden;
    const last = this.layer.items.length - 1;
    for (const [i, layer] of this.layer.items.entries()) {
      const result = layer.forward(current, mask, i === last ? lastLayerRows : null);
      current = result.hidden;
      hiddenStates.push(current);
      attentions.push(result.probs);
    }
    const output: EncoderOutput = { lastHiddenState: current };
    if (outputHiddenStates) output.hiddenStates = hiddenStates;
    if (outputAttentions) output.attentions = attentions;
    return output;
  }

  /**
   * Without a graph nothing needs a layer's temporaries once the next layer has read its output: layer i
   * allocates from pool i mod 2, and resetting that pool frees layer i-2's buffers. Peak memory is the weights
   * plus two layers' activations instead of all of them. The result is copied out of the pools.
   */
  private forwardInference(hidden: Tensor, mask: AttentionMask, lastLayerRows: Int32Array | null): Tensor {
    const pools = (this.inferencePools ??= [new Arena(INFERENCE_ARENA), new Arena(INFERENCE_ARENA)]);
    let current = hidden;
    const last = this.layer.items.length - 1;
    this.layer.items.forEach((layer, i) => {
      const pool = pools[i % 2]!;
      pool.reset();
      current = withArena(pool, () => layer.forward(current, mask, i === last ? lastLayerRows : null).hidden);
    });
    const out = new Tensor(allocate(current.dtype, current.size, false), current.shape);
    out.data.set(current.data);
    return out;
  }
}
