import { PreTrainedModel } from '../pretrained-model.js';
import { ROBERTA_FAMILY } from './roberta-checkpoint.js';
import type { RobertaConfig } from './roberta-config.js';
import type { RobertaModel } from './roberta-model.js';

/**
 * What every RoBERTa model class shares: the RoBERTa family (config.json, checkpoint layout) and RobertaModel as
 * its encoder — under `roberta` for heads, the model itself for RobertaModel.
 */
export abstract class RobertaPreTrainedModel extends PreTrainedModel<RobertaConfig> {
  static readonly family = ROBERTA_FAMILY;
  readonly family = ROBERTA_FAMILY;
  abstract override encoderModel(): RobertaModel;
}
