import { baseModelOptions, paramsFromOptions, type BaseModelOptions } from '../../init-options.js';
import type { AlbertConfig } from '../albert-config.js';
import { AlbertModel } from '../albert-model.js';
import { AlbertPreTrainedModel } from '../albert-pretrained.js';

/** An ALBERT task model: the encoder under `albert` (Hugging Face's base_model_prefix) plus a head from the same source. */
export abstract class AlbertWithHead extends AlbertPreTrainedModel {
  readonly albert: AlbertModel;
  readonly basePrefix = 'albert.';

  constructor(readonly config: AlbertConfig, options: BaseModelOptions = {}) {
    super(paramsFromOptions(options));
    this.albert = new AlbertModel(config, baseModelOptions(this.params.at('albert'), options));
  }

  encoderModel(): AlbertModel {
    return this.albert;
  }
}
