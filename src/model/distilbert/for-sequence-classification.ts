import { firstTokenRows } from '../../ops/gather-rows.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { EncoderInputs, ForwardOptions } from '../encoder-model.js';
import { encoderOutputs, type HeadOutput } from '../heads/head-output.js';
import { sequenceClassificationLoss } from '../heads/sequence-classification-loss.js';
import type { InitOptions } from '../init-options.js';
import { numLabels } from '../pretrained-config.js';
import type { DistilBertConfig } from './distilbert-config.js';
import { DistilBertWithFirstTokenClassifier } from './first-token-classifier.js';

/**
 * DistilBertForSequenceClassification: the first token's last hidden state through pre_classifier, ReLU, dropout
 * and classifier. The loss follows Hugging Face's problem_type rules, as BERT's (sequence-classification-loss.ts).
 */
export class DistilBertForSequenceClassification extends DistilBertWithFirstTokenClassifier {
  readonly architecture = 'DistilBertForSequenceClassification';

  constructor(config: DistilBertConfig, options: InitOptions = {}) {
    super(config, options, numLabels(config));
  }

  /** labels: int32 [batch] class ids; float32 [batch] regression targets (numLabels 1); float32 [batch, numLabels] 0/1 multi-label targets. */
  forward(inputs: EncoderInputs & { labels?: Tensor }, options: ForwardOptions = {}): HeadOutput & { logits: Tensor } {
    const [batch, seq] = inputs.inputIds.shape as [number, number];
    // Only the first token is read: the last layer runs after attention at those rows alone ([batch, dim]).
    const base = this.distilbert.forward(inputs, { ...options, lastLayerRows: firstTokenRows(batch, seq) });
    const logits = this.classifier.forward(this.dropout.forward(this.pooled(base.lastHiddenState)));
    const output: HeadOutput & { logits: Tensor } = { ...encoderOutputs(base), logits };
    if (inputs.labels !== undefined) output.loss = sequenceClassificationLoss(this.config, logits, inputs.labels);
    return output;
  }
}
