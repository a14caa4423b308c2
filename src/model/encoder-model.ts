/**
 * The encoder contract every model family fulfils (BertModel, RobertaModel, ...): what sits above the model —
 * heads, fine-tuning, pipelines, training checkpoints — reads an encoder through this and nothing else.
 */
import type { Module } from '../nn/module.js';
import type { Rng } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import type { PretrainedConfig } from './pretrained-config.js';

/** A batch of encoded inputs: int32 tensors [batch, seq] as Hugging Face names them. */
export interface EncoderInputs {
  inputIds: Tensor;
  /** Segment A = 0, B = 1; all zeros when omitted (a model without token types ignores them). */
  tokenTypeIds?: Tensor;
  /** 1 = real token, 0 = padding; all ones when omitted. */
  attentionMask?: Tensor;
}

export interface EncoderModelOutput {
  /** [batch, seq, hidden]; [rows, hidden] with ForwardOptions.lastLayerRows. */
  lastHiddenState: Tensor;
  /** [batch, hidden]; null when the model has no pooler. */
  poolerOutput: Tensor | null;
  hiddenStates?: Tensor[];
  attentions?: Tensor[];
}

export interface ForwardOptions {
  outputHiddenStates?: boolean;
  outputAttentions?: boolean;
  /**
   * Only these rows of the last hidden state will be read (flat indices into [batch·seq]): [CLS] for sequence
   * classification, [CLS] and the masked positions for pre-training. The last layer attends over all positions,
   * but its output projection, feed-forward and LayerNorms run at these rows alone, and `lastHiddenState` is
   * [rows, hidden]. Exact — every later operation is row-wise — and the last layer costs ~1/4 of itself. With a
   * pooler the rows must begin with each sequence's [CLS] row (firstTokenRows). Ignored with `outputHiddenStates`.
   * An encoder may ignore it and return every row ([batch, seq, hidden]); callers slice by the shape they get.
   */
  lastLayerRows?: Int32Array;
}

/** A family's base model as the layers above use it. */
export interface EncoderModel extends Module {
  readonly config: PretrainedConfig;
  /** The dropout stream of the whole model; its state is part of a training checkpoint. */
  readonly dropoutRng: Rng;
  readonly hiddenSize: number;
  /** Token types the model embeds; 0 when it takes no token_type_ids (they are then ignored). */
  readonly typeVocabSize: number;
  /** The most tokens one input may have (special tokens included), as the position embeddings allow. */
  readonly maxInputTokens: number;
  /** Whether forward gives a poolerOutput. */
  readonly hasPooler: boolean;
  /** [vocab, hidden]: the word-embedding matrix an MLM decoder is tied to. */
  wordEmbeddings(): Tensor;
  forward(inputs: EncoderInputs, options?: ForwardOptions): EncoderModelOutput;
}
