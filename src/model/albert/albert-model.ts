import type { Rng } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import { bertForward } from '../bert-forward.js';
import { BertEmbeddings } from '../embeddings.js';
import { BertPooler } from '../pooler.js';
import type { EncoderInputs, EncoderModel, EncoderModelOutput, ForwardOptions } from '../encoder-model.js';
import { dropoutRngFromOptions, paramsFromOptions, type InitOptions } from '../init-options.js';
import { validateAlbertConfig, type AlbertConfig } from './albert-config.js';
import { AlbertPreTrainedModel } from './albert-pretrained.js';
import { AlbertTransformer } from './albert-transformer.js';

/**
 * ALBERT (Lan et al. 2020): BERT's embeddings at width E (§3.1, factorised embedding parameterisation — BERT's
 * module with E for its width: same names, same LayerNorm and dropout), the shared-layer encoder (AlbertTransformer)
 * and BERT's pooler with its dense layer at `pooler.weight` (Hugging Face's AlbertModel: a bare Linear + tanh).
 * Its forward is BERT's (bert-forward.ts): the same input checks, mask, encoder call and pooler.
 */
export class AlbertModel extends AlbertPreTrainedModel implements EncoderModel {
  readonly architecture = 'AlbertModel';
  readonly basePrefix = '';
  readonly embeddings: BertEmbeddings;
  readonly encoder: AlbertTransformer;
  readonly pooler: BertPooler | null;
  readonly dropoutRng: Rng;

  constructor(readonly config: AlbertConfig, options: InitOptions & { addPoolingLayer?: boolean } = {}) {
    super(paramsFromOptions(options));
    validateAlbertConfig(config, 'AlbertModel');
    this.dropoutRng = dropoutRngFromOptions(options);
    this.embeddings = new BertEmbeddings({ ...config, hiddenSize: config.embeddingSize }, this.params.at('embeddings'), this.dropoutRng);
    this.encoder = new AlbertTransformer(config, this.params.at('encoder'), this.dropoutRng);
    this.pooler = options.addPoolingLayer === false ? null : new BertPooler(config, this.params.at('pooler'), 'flat');
  }

  /** The encoder contract's sizes (encoder-model.ts), read from the config as BertModel's. */
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

  encoderModel(): AlbertModel {
    return this;
  }

  /** [vocab, E]: what the MLM decoder is tied to (E-sized, as AlbertMLMHead's decoder). */
  wordEmbeddings(): Tensor {
    return this.embeddings.word_embeddings.weight;
  }

  forward(inputs: EncoderInputs, options: ForwardOptions = {}): EncoderModelOutput {
    return bertForward(this, 'AlbertModel', inputs, options);
  }
}
