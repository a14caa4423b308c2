import { paramsFromOptions, type InitOptions } from '../init-options.js';
import type { DistilBertConfig } from './distilbert-config.js';
import { DistilBertModel } from './distilbert-model.js';
import { DistilBertPreTrainedModel } from './distilbert-pretrained.js';

/** A DistilBERT task model: the encoder under `distilbert` (Hugging Face's base_model_prefix) plus a head. */
export abstract class DistilBertWithHead extends DistilBertPreTrainedModel {
  readonly distilbert: DistilBertModel;
  readonly basePrefix = 'distilbert.';

  constructor(readonly config: DistilBertConfig, options: InitOptions = {}) {
    super(paramsFromOptions(options));
    const params = this.params.at('distilbert');
    this.distilbert = new DistilBertModel(config, options.seed === undefined ? { params } : { params, seed: options.seed });
  }

  encoderModel(): DistilBertModel {
    return this.distilbert;
  }
}
