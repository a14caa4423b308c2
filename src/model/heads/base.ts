import type { Tensor } from '../../tensor/tensor.js';
import { BertModel, paramsFromOptions, type BertModelOutput, type InitOptions } from '../bert-model.js';
import type { BertConfig } from '../config.js';
import { BertPreTrainedModel } from '../pretrained.js';

/** A task model: the encoder under `bert` (Hugging Face's base_model_prefix) plus a head from the same source. */
export abstract class BertWithHead extends BertPreTrainedModel {
  readonly bert: BertModel;
  readonly basePrefix = 'bert.';

  constructor(readonly config: BertConfig, options: InitOptions & { addPoolingLayer?: boolean } = {}) {
    super(paramsFromOptions(options));
    const bertOptions: InitOptions & { addPoolingLayer?: boolean } = { params: this.params.at('bert') };
    if (options.seed !== undefined) bertOptions.seed = options.seed;
    if (options.addPoolingLayer !== undefined) bertOptions.addPoolingLayer = options.addPoolingLayer;
    this.bert = new BertModel(config, bertOptions);
  }

  encoderModel(): BertModel {
    return this.bert;
  }
}

/** Task outputs: the encoder's outputs, the head's logits and, with labels, the loss. */
export interface HeadOutput extends Omit<BertModelOutput, 'lastHiddenState' | 'poolerOutput'> {
  loss?: Tensor;
}

