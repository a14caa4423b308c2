import { crossEntropy } from '../../ops/cross-entropy.js';
import { reshape } from '../../ops/reshape.js';
import { firstTokenRows } from '../../ops/gather-rows.js';
import { Dropout } from '../../nn/dropout.js';
import { Linear } from '../../nn/linear.js';
import { ShapeError, shapeString } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import type { BertInputs, ForwardOptions, InitOptions } from '../bert-model.js';
import type { BertConfig } from '../config.js';
import { BertWithHead, type HeadOutput } from './base.js';
import { classifierDropoutProb } from './classifier-dropout.js';

/**
 * BERT §4.4 (SWAG): each choice is encoded as its own pair; one learned vector scores each pooled [CLS] and a
 * softmax runs over the choices. Inputs are [batch, choices, seq]; logits [batch, choices].
 */
export class BertForMultipleChoice extends BertWithHead {
  readonly architecture = 'BertForMultipleChoice';
  readonly dropout: Dropout;
  readonly classifier: Linear;

  constructor(config: BertConfig, options: InitOptions = {}) {
    super(config, options);
    this.dropout = new Dropout(this.params.at('dropout'), classifierDropoutProb(config), this.bert.dropoutRng);
    this.classifier = new Linear(this.params.at('classifier'), config.hiddenSize, 1, config.initializerRange);
  }

  forward(inputs: BertInputs & { labels?: Tensor }, options: ForwardOptions = {}): HeadOutput & { logits: Tensor } {
    if (inputs.inputIds.shape.length !== 3) {
      throw new ShapeError(`BertForMultipleChoice: input_ids must be [batch, choices, seq], got ${shapeString(inputs.inputIds.shape)}`);
    }
    const [batch, choices, seq] = inputs.inputIds.shape as [number, number, number];
    // Each choice is a sequence of its own: [batch, choices, seq] → [batch·choices, seq], as Hugging Face's view(-1, seq).
    const flat = (t: Tensor, name: string): Tensor => {
      if (t.shape.length !== 3 || t.shape.some((dim, i) => dim !== inputs.inputIds.shape[i])) {
        throw new ShapeError(`BertForMultipleChoice: ${name} ${shapeString(t.shape)} must match input_ids ${shapeString(inputs.inputIds.shape)}`);
      }
      return new Tensor(t.data, [batch * choices, seq]);
    };
    const flatInputs: BertInputs = { inputIds: flat(inputs.inputIds, 'input_ids') };
    if (inputs.tokenTypeIds !== undefined) flatInputs.tokenTypeIds = flat(inputs.tokenTypeIds, 'token_type_ids');
    if (inputs.attentionMask !== undefined) flatInputs.attentionMask = flat(inputs.attentionMask, 'attention_mask');
    const base = this.bert.forward(flatInputs, { ...options, lastLayerRows: firstTokenRows(batch * choices, seq) });
    const scores = this.classifier.forward(this.dropout.forward(base.poolerOutput!)); // [batch·choices, 1]
    const logits = reshape(scores, [batch, choices]); // choice scores of one example are adjacent rows
    const { lastHiddenState: _last, poolerOutput: _pooled, ...encoderOutputs } = base;
    const output: HeadOutput & { logits: Tensor } = { ...encoderOutputs, logits };
    if (inputs.labels !== undefined) output.loss = crossEntropy(logits, inputs.labels);
    return output;
  }
}
