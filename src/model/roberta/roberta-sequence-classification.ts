import { gatherFirstTokens, firstTokenRows } from '../../ops/gather-rows.js';
import { tanh } from '../../ops/tanh.js';
import { Dropout } from '../../nn/dropout.js';
import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import type { ParamSource } from '../../nn/param-source.js';
import type { Rng } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { EncoderInputs, ForwardOptions } from '../encoder-model.js';
import { classifierDropoutProb } from '../heads/classifier-dropout.js';
import { encoderOutputs, type HeadOutput } from '../heads/head-output.js';
import { sequenceClassificationLoss } from '../heads/sequence-classification-loss.js';
import type { InitOptions } from '../init-options.js';
import { numLabels } from '../pretrained-config.js';
import type { RobertaConfig } from './roberta-config.js';
import { RobertaWithHead } from './roberta-with-head.js';

/**
 * Hugging Face's RobertaClassificationHead, on `<s>`'s final hidden state (RoBERTa has no pooler here): dropout →
 * dense → tanh → dropout → out_proj, both dropouts classifier_dropout (else hidden_dropout_prob).
 */
export class RobertaClassificationHead extends Module {
  readonly dense: Linear;
  readonly dropout: Dropout;
  readonly out_proj: Linear;

  constructor(config: RobertaConfig, params: ParamSource, dropoutRng: Rng) {
    super(params);
    this.dense = new Linear(params.at('dense'), config.hiddenSize, config.hiddenSize, config.initializerRange);
    this.dropout = new Dropout(params.at('dropout'), classifierDropoutProb(config), dropoutRng);
    this.out_proj = new Linear(params.at('out_proj'), config.hiddenSize, numLabels(config), config.initializerRange);
  }

  /** `<s>` rows [batch, hidden] → logits [batch, numLabels]. */
  forward(first: Tensor): Tensor {
    return this.out_proj.forward(this.dropout.forward(tanh(this.dense.forward(this.dropout.forward(first)))));
  }
}

/** RoBERTa's sequence classification / regression; the loss follows problem_type as BERT's (sequence-classification-loss.ts). */
export class RobertaForSequenceClassification extends RobertaWithHead {
  readonly architecture = 'RobertaForSequenceClassification';
  readonly classifier: RobertaClassificationHead;

  constructor(config: RobertaConfig, options: InitOptions = {}) {
    super(config, { ...options, addPoolingLayer: false });
    this.classifier = new RobertaClassificationHead(config, this.params.at('classifier'), this.roberta.dropoutRng);
  }

  /** labels: int32 [batch] class ids; float32 [batch] regression targets (numLabels 1); float32 [batch, numLabels] 0/1 multi-label targets. */
  forward(inputs: EncoderInputs & { labels?: Tensor }, options: ForwardOptions = {}): HeadOutput & { logits: Tensor } {
    const [batch, seq] = inputs.inputIds.shape as [number, number];
    // Only `<s>`'s row is read: the last layer runs at it alone, unless every layer's states were asked for.
    const base = this.roberta.forward(inputs, { ...options, lastLayerRows: firstTokenRows(batch, seq) });
    const last = base.lastHiddenState;
    const first = last.shape.length === 3 ? gatherFirstTokens(last) : last; // [batch, hidden]
    const logits = this.classifier.forward(first);
    const output: HeadOutput & { logits: Tensor } = { ...encoderOutputs(base), logits };
    if (inputs.labels !== undefined) output.loss = sequenceClassificationLoss(this.config, logits, inputs.labels);
    return output;
  }
}
