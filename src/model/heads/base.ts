import { BertModel } from '../bert-model.js';
import { baseModelOptions, paramsFromOptions, type BaseModelOptions } from '../init-options.js';
import type { BertConfig } from '../config.js';
import { BertPreTrainedModel } from '../pretrained.js';

/** A task model: the encoder under `bert` (Hugging Face's base_model_prefix) plus a head from the same source. */
export abstract class BertWithHead extends BertPreTrainedModel {
  readonly bert: BertModel;
  readonly basePrefix = 'bert.';

  constructor(readonly config: BertConfig, options: BaseModelOptions = {}) {
    super(paramsFromOptions(options));
    this.bert = new BertModel(config, baseModelOptions(this.params.at('bert'), options));
  }

  encoderModel(): BertModel {
    return this.bert;
  }
}

export type { HeadOutput } from './head-output.js';

