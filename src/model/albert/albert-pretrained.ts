import { PreTrainedModel } from '../pretrained-model.js';
import { ALBERT_FAMILY } from './albert-checkpoint.js';
import type { AlbertConfig } from './albert-config.js';
import type { AlbertModel } from './albert-model.js';

/** What every ALBERT model class shares: the ALBERT family (config.json, checkpoint layout) and AlbertModel as its encoder. */
export abstract class AlbertPreTrainedModel extends PreTrainedModel<AlbertConfig> {
  static readonly family = ALBERT_FAMILY;
  readonly family = ALBERT_FAMILY;
  abstract override encoderModel(): AlbertModel;
}
