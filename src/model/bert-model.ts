import type { Rng } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import { bertForward } from './bert-forward.js';
import { validateBertConfig, type BertConfig } from './config.js';
import { BertEmbeddings } from './embeddings.js';
import { BertEncoder } from './encoder.js';
import { BertPooler } from './pooler.js';
import type { EncoderInputs, EncoderModel, EncoderModelOutput, ForwardOptions } from './encoder-model.js';
import { dropoutRngFromOptions, paramsFromOptions, type InitOptions } from './init-options.js';
import { BertPreTrainedModel } from './pretrained.js';

/** BERT's names for the encoder contract's inputs and outputs (encoder-model.ts). */
export type BertInputs = EncoderInputs;
export type BertModelOutput = EncoderModelOutput;
export type { ForwardOptions, InitOptions };
export { paramsFromOptions };
export { additiveMask, MASK_VALUE } from './bert-forward.js';

/**
 * The BERT encoder (Devlin et al. 2019 §3): embeddings, numHiddenLayers post-LN transformer layers, pooler.
 * Holds the dropout Rng of the whole model; its state is part of a training checkpoint.
 */
export class BertModel extends BertPreTrainedModel implements EncoderModel {
  readonly architecture = 'BertModel';
  readonly basePrefix = '';
  readonly embeddings: BertEmbeddings;
  readonly encoder: BertEncoder;
  readonly pooler: BertPooler | null;
  readonly dropoutRng: Rng;

  constructor(readonly config: BertConfig, options: InitOptions & { addPoolingLayer?: boolean } = {}) {
    super(paramsFromOptions(options));
    validateBertConfig(config, 'BertModel');
    this.dropoutRng = dropoutRngFromOptions(options);
    this.embeddings = new BertEmbeddings(config, this.params.at('embeddings'), this.dropoutRng);
    this.encoder = new BertEncoder(config, this.params.at('encoder'), this.dropoutRng);
    this.pooler = options.addPoolingLayer === false ? null : new BertPooler(config, this.params.at('pooler'));
  }

  encoderModel(): BertModel {
    return this;
  }

  get hiddenSize(): number {
    return this.config.hiddenSize;
  }

  get typeVocabSize(): number {
    return this.config.typeVocabSize;
  }

  get maxInputTokens(): number {
    return this.config.maxPositionEmbeddings;
  }

  get hasPooler(): boolean {
    return this.pooler !== null;
  }

  wordEmbeddings(): Tensor {
    return this.embeddings.word_embeddings.weight;
  }

  forward(inputs: BertInputs, options: ForwardOptions = {}): BertModelOutput {
    return bertForward(this, 'BertModel', inputs, options);
  }
}
