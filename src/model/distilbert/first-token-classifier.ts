import { gatherFirstTokens } from '../../ops/gather-rows.js';
import { Dropout } from '../../nn/dropout.js';
import { Linear } from '../../nn/linear.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { InitOptions } from '../init-options.js';
import type { DistilBertConfig } from './distilbert-config.js';
import { DistilBertWithHead } from './distilbert-with-head.js';

const RELU = { kind: 'relu' } as const;

/**
 * DistilBertForSequenceClassification's and ForMultipleChoice's classifier on the first token's last hidden state:
 * pre_classifier [dim → dim], ReLU, dropout(seq_classif_dropout), classifier [dim → outputs] — attributes of the head
 * itself, under Hugging Face's names (`pre_classifier.weight`, `classifier.weight`).
 */
export abstract class DistilBertWithFirstTokenClassifier extends DistilBertWithHead {
  readonly pre_classifier: Linear;
  readonly classifier: Linear;
  readonly dropout: Dropout;

  constructor(config: DistilBertConfig, options: InitOptions, outputs: number) {
    super(config, options);
    const { dim, initializerRange } = config;
    this.pre_classifier = new Linear(this.params.at('pre_classifier'), dim, dim, initializerRange);
    this.classifier = new Linear(this.params.at('classifier'), dim, outputs, initializerRange);
    this.dropout = new Dropout(this.params.at('dropout'), config.seqClassifDropout, this.distilbert.dropoutRng);
  }

  /**
   * ReLU(pre_classifier(first token)) [rows, dim]. hidden: [rows, dim] when the encoder ran its last layer at the
   * first tokens alone (lastLayerRows), [rows, seq, dim] when it could not (outputHiddenStates).
   */
  protected pooled(hidden: Tensor): Tensor {
    const first = hidden.shape.length === 3 ? gatherFirstTokens(hidden) : hidden;
    return this.pre_classifier.forwardActivation(first, RELU);
  }
}
