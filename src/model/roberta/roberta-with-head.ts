import { baseModelOptions, paramsFromOptions, type BaseModelOptions } from '../init-options.js';
import type { RobertaConfig } from './roberta-config.js';
import { RobertaModel } from './roberta-model.js';
import { RobertaPreTrainedModel } from './roberta-pretrained.js';

/** A RoBERTa task model: the encoder under `roberta` (Hugging Face's base_model_prefix) plus a head from the same source. */
export abstract class RobertaWithHead extends RobertaPreTrainedModel {
  readonly roberta: RobertaModel;
  readonly basePrefix = 'roberta.';

  constructor(readonly config: RobertaConfig, options: BaseModelOptions = {}) {
    super(paramsFromOptions(options));
    this.roberta = new RobertaModel(config, baseModelOptions(this.params.at('roberta'), options));
  }

  encoderModel(): RobertaModel {
    return this.roberta;
  }
}
