import { add } from '../../../ops/add.js';
import { crossEntropy } from '../../../ops/cross-entropy.js';
import { firstTokenRows } from '../../../ops/gather-rows.js';
import { Dropout } from '../../../nn/dropout.js';
import { Linear } from '../../../nn/linear.js';
import { Module } from '../../../nn/module.js';
import type { ParamSource } from '../../../nn/param-source.js';
import type { Rng } from '../../../tensor/rng.js';
import type { Tensor } from '../../../tensor/tensor.js';
import type { EncoderInputs, ForwardOptions } from '../../encoder-model.js';
import { encoderOutputs, type HeadOutput } from '../../heads/head-output.js';
import { encodeForMaskedLm, maskedLmForward } from '../../heads/mlm-loss.js';
import type { InitOptions } from '../../init-options.js';
import { numLabels } from '../../pretrained-config.js';
import { albertClassifierDropoutProb, type AlbertConfig } from '../albert-config.js';
import { AlbertMLMHead } from './albert-mlm-head.js';
import { AlbertWithHead } from './albert-with-head.js';

/** Hugging Face's AlbertSOPHead: dropout(classifier_dropout_prob) and the sentence-order classifier on the pooled output. */
export class AlbertSOPHead extends Module {
  readonly dropout: Dropout;
  readonly classifier: Linear;

  constructor(config: AlbertConfig, params: ParamSource, dropoutRng: Rng) {
    super(params);
    this.dropout = new Dropout(params.at('dropout'), albertClassifierDropoutProb(config), dropoutRng);
    this.classifier = new Linear(params.at('classifier'), config.hiddenSize, numLabels(config), config.initializerRange);
  }

  /** pooled [batch, hidden] → [batch, labels]. */
  forward(pooled: Tensor): Tensor {
    return this.classifier.forward(this.dropout.forward(pooled));
  }
}

export interface AlbertPreTrainingInputs extends EncoderInputs {
  /** MLM targets [batch, seq]: the original id at masked positions, -100 elsewhere. */
  labels?: Tensor;
  /** [batch]: 0 = the segments in their original order, 1 = swapped (ALBERT §4.1, sentence-order prediction). */
  sentenceOrderLabel?: Tensor;
}

export interface AlbertPreTrainingOutput extends HeadOutput {
  /** [batch, seq, vocab]; with onlyMaskedPositions [masked, vocab]. */
  predictionLogits: Tensor;
  /** [batch, 2] */
  sopLogits: Tensor;
  mlmLoss?: Tensor;
  sopLoss?: Tensor;
}

export interface AlbertPreTrainingOptions extends ForwardOptions {
  /** Score the vocabulary only where labels are set (mlm-loss.ts), as BertForPreTraining's option. */
  onlyMaskedPositions?: boolean;
}

/** AlbertForPreTraining (§4.1): loss = MLM cross-entropy + SOP cross-entropy, as Hugging Face computes it. */
export class AlbertForPreTraining extends AlbertWithHead {
  readonly architecture = 'AlbertForPreTraining';
  readonly predictions: AlbertMLMHead;
  readonly sop_classifier: AlbertSOPHead;

  constructor(config: AlbertConfig, options: InitOptions = {}) {
    super(config, options);
    this.predictions = new AlbertMLMHead(config, this.params.at('predictions'), this.albert.wordEmbeddings());
    this.sop_classifier = new AlbertSOPHead(config, this.params.at('sop_classifier'), this.albert.dropoutRng);
  }

  forward(inputs: AlbertPreTrainingInputs, options: AlbertPreTrainingOptions = {}): AlbertPreTrainingOutput {
    const [batch, seq] = inputs.inputIds.shape as [number, number];
    const { base, mlmHidden, targets } = encodeForMaskedLm(this.albert, inputs, options, options.onlyMaskedPositions ?? false, firstTokenRows(batch, seq));
    const mlm = maskedLmForward(this.predictions, mlmHidden, targets);
    const output: AlbertPreTrainingOutput = {
      ...encoderOutputs(base),
      predictionLogits: mlm.logits,
      sopLogits: this.sop_classifier.forward(base.poolerOutput!),
    };
    if (mlm.loss !== undefined) output.mlmLoss = mlm.loss;
    if (inputs.sentenceOrderLabel !== undefined) output.sopLoss = crossEntropy(output.sopLogits, inputs.sentenceOrderLabel);
    if (output.mlmLoss !== undefined && output.sopLoss !== undefined) output.loss = add(output.mlmLoss, output.sopLoss);
    return output;
  }
}
