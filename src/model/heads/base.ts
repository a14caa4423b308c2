import { Rng } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import { BertModel, type BertModelOutput, type InitOptions } from '../bert-model.js';
import type { BertConfig } from '../config.js';
import { BertPreTrainedModel } from '../pretrained.js';

/** A task model: the encoder under `bert` (Hugging Face's base_model_prefix) plus a head built from the same init Rng. */
export abstract class BertWithHead extends BertPreTrainedModel {
  readonly bert: BertModel;
  readonly basePrefix = 'bert.';
  protected readonly initRng: Rng;

  constructor(readonly config: BertConfig, options: InitOptions & { addPoolingLayer?: boolean } = {}) {
    super();
    this.initRng = new Rng(options.seed ?? 0);
    const bertOptions: InitOptions & { addPoolingLayer?: boolean; initRng: Rng } = { initRng: this.initRng };
    if (options.seed !== undefined) bertOptions.seed = options.seed;
    if (options.addPoolingLayer !== undefined) bertOptions.addPoolingLayer = options.addPoolingLayer;
    this.bert = this.registerModule('bert', new BertModel(config, bertOptions));
  }

  encoderModel(): BertModel {
    return this.bert;
  }
}

/** Task outputs: the encoder's outputs, the head's logits and, with labels, the loss. */
export interface HeadOutput extends Omit<BertModelOutput, 'lastHiddenState' | 'poolerOutput'> {
  loss?: Tensor;
}

