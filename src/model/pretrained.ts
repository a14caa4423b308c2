import { BERT_FAMILY } from './bert-checkpoint.js';
import type { BertModel } from './bert-model.js';
import type { BertConfig } from './config.js';
import { PreTrainedModel } from './pretrained-model.js';

/**
 * What every BERT model class shares: the BERT family (config.json, checkpoint layout) and BertModel as its
 * encoder — under `bert` for heads, the model itself for BertModel.
 */
export abstract class BertPreTrainedModel extends PreTrainedModel<BertConfig> {
  static readonly family = BERT_FAMILY;
  readonly family = BERT_FAMILY;
  abstract override encoderModel(): BertModel;
}
