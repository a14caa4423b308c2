import type { Rng } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import { bertForward } from '../bert-forward.js';
import { BertEncoder } from '../encoder.js';
import type { EncoderInputs, EncoderModel, EncoderModelOutput, ForwardOptions } from '../encoder-model.js';
import { dropoutRngFromOptions, paramsFromOptions, type InitOptions } from '../init-options.js';
import { BertPooler } from '../pooler.js';
import { validateRobertaConfig, type RobertaConfig } from './roberta-config.js';
import { RobertaEmbeddings } from './roberta-embeddings.js';
import { RobertaPreTrainedModel } from './roberta-pretrained.js';

/**
 * RoBERTa's encoder (Liu et al. 2019; Hugging Face's RobertaModel): BERT's post-LN layers and pooler over embeddings
 * whose positions count only real tokens (roberta-embeddings.ts). Holds the dropout Rng of the whole model.
 */
export class RobertaModel extends RobertaPreTrainedModel implements EncoderModel {
  readonly architecture = 'RobertaModel';
  readonly basePrefix = '';
  readonly embeddings: RobertaEmbeddings;
  readonly encoder: BertEncoder;
  readonly pooler: BertPooler | null;
  readonly dropoutRng: Rng;

  constructor(readonly config: RobertaConfig, options: InitOptions & { addPoolingLayer?: boolean } = {}) {
    super(paramsFromOptions(options));
    validateRobertaConfig(config, 'RobertaModel');
    this.dropoutRng = dropoutRngFromOptions(options);
    this.embeddings = new RobertaEmbeddings(config, this.params.at('embeddings'), this.dropoutRng);
    this.encoder = new BertEncoder(config, this.params.at('encoder'), this.dropoutRng);
    this.pooler = options.addPoolingLayer === false ? null : new BertPooler(config, this.params.at('pooler'));
  }

  /** The encoder contract's sizes (encoder-model.ts), read from the config as BertModel's. */
  get hiddenSize(): number {
    return this.config.hiddenSize;
  }

  get typeVocabSize(): number {
    return this.config.typeVocabSize;
  }

  /** Positions run from pad_token_id + 1, so max_position_embeddings - pad_token_id - 1 tokens fit (512 in roberta-base). */
  get maxInputTokens(): number {
    return this.config.maxPositionEmbeddings - this.config.padTokenId - 1;
  }

  get hasPooler(): boolean {
    return this.pooler !== null;
  }

  encoderModel(): RobertaModel {
    return this;
  }

  wordEmbeddings(): Tensor {
    return this.embeddings.word_embeddings.weight;
  }

  forward(inputs: EncoderInputs, options: ForwardOptions = {}): EncoderModelOutput {
    return bertForward(this, 'RobertaModel', inputs, options);
  }
}
