import { firstTokenRows } from '../../ops/gather-rows.js';
import { add } from '../../ops/add.js';
import { crossEntropy } from '../../ops/cross-entropy.js';
import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import type { ParamSource } from '../../nn/param-source.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { BertInputs, ForwardOptions, InitOptions } from '../bert-model.js';
import type { BertConfig } from '../config.js';
import { BertWithHead, type HeadOutput } from './base.js';
import { encodeForMaskedLm, maskedLmForward } from './mlm-loss.js';
import { BertLMPredictionHead } from './prediction-head.js';

/** Both pre-training heads (BERT §3.1): masked LM over the vocabulary and the 2-way next-sentence classifier. */
export class BertPreTrainingHeads extends Module {
  readonly predictions: BertLMPredictionHead;
  readonly seq_relationship: Linear;

  constructor(config: BertConfig, params: ParamSource, wordEmbeddings: Tensor) {
    super(params);
    this.predictions = new BertLMPredictionHead(config, params.at('predictions'), wordEmbeddings);
    this.seq_relationship = new Linear(params.at('seq_relationship'), config.hiddenSize, 2, config.initializerRange);
  }
}

export interface PreTrainingInputs extends BertInputs {
  /** MLM targets [batch, seq]: the original id at masked positions, -100 elsewhere. */
  labels?: Tensor;
  /** [batch]: 0 = B follows A, 1 = B is random (Hugging Face's and the original's convention). */
  nextSentenceLabel?: Tensor;
}

export interface PreTrainingOutput extends HeadOutput {
  predictionLogits: Tensor;
  seqRelationshipLogits: Tensor;
  /** [batch, seq, hidden]; with onlyMaskedPositions [batch + masked, hidden]: the [CLS] rows, then the masked rows. */
  lastHiddenState: Tensor;
  poolerOutput: Tensor;
  mlmLoss?: Tensor;
  nspLoss?: Tensor;
}

export interface PreTrainingOptions extends ForwardOptions {
  /** Score the vocabulary only where labels are set (prediction logits are then [masked, vocab]; mlm-loss.ts). */
  onlyMaskedPositions?: boolean;
}

/** BertForPreTraining: loss = MLM cross-entropy + NSP cross-entropy, as Hugging Face computes it. */
export class BertForPreTraining extends BertWithHead {
  readonly architecture = 'BertForPreTraining';
  readonly cls: BertPreTrainingHeads;

  constructor(config: BertConfig, options: InitOptions = {}) {
    super(config, options);
    this.cls = new BertPreTrainingHeads(config, this.params.at('cls'), this.bert.embeddings.word_embeddings.weight);
  }

  forward(inputs: PreTrainingInputs, options: PreTrainingOptions = {}): PreTrainingOutput {
    const [batch, seq] = inputs.inputIds.shape as [number, number];
    const { base, mlmHidden, targets } = encodeForMaskedLm(this.bert, inputs, options, options.onlyMaskedPositions ?? false, firstTokenRows(batch, seq));
    const pooled = base.poolerOutput!;
    const mlm = maskedLmForward(this.cls.predictions, mlmHidden, targets);
    const seqRelationshipLogits = this.cls.seq_relationship.forward(pooled);
    const output: PreTrainingOutput = {
      ...base,
      poolerOutput: pooled,
      predictionLogits: mlm.logits,
      seqRelationshipLogits,
    };
    if (mlm.loss !== undefined) output.mlmLoss = mlm.loss;
    if (inputs.nextSentenceLabel !== undefined) output.nspLoss = crossEntropy(seqRelationshipLogits, inputs.nextSentenceLabel);
    if (output.mlmLoss !== undefined && output.nspLoss !== undefined) output.loss = add(output.mlmLoss, output.nspLoss);
    return output;
  }
}
