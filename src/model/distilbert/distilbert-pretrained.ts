import { PreTrainedModel } from '../pretrained-model.js';
import type { DistilBertConfig } from './distilbert-config.js';
import { DISTILBERT_FAMILY } from './distilbert-checkpoint.js';
import type { DistilBertModel } from './distilbert-model.js';

/**
 * What every DistilBERT model class shares: the DistilBERT family (config.json, checkpoint layout) and DistilBertModel
 * as its encoder — under `distilbert` for heads, the model itself for DistilBertModel.
 */
export abstract class DistilBertPreTrainedModel extends PreTrainedModel<DistilBertConfig> {
  static readonly family = DISTILBERT_FAMILY;
  readonly family = DISTILBERT_FAMILY;
  abstract override encoderModel(): DistilBertModel;
}
