import { ShapeError, shapeString } from '../../errors.js';
import type { Rng } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import { additiveMask } from '../bert-forward.js';
import type { EncoderInputs, EncoderModel, EncoderModelOutput, ForwardOptions } from '../encoder-model.js';
import { dropoutRngFromOptions, paramsFromOptions, type InitOptions } from '../init-options.js';
import { LayerStack } from '../layer-stack.js';
import { validateDistilBertConfig, type DistilBertConfig } from './distilbert-config.js';
import { DistilBertPreTrainedModel } from './distilbert-pretrained.js';
import { DistilBertEmbeddings } from './embeddings.js';
import { TransformerBlock } from './transformer-block.js';

/**
 * DistilBERT (Sanh et al. 2019): BERT's post-LN encoder without token types and without a pooler — `embeddings`,
 * then n_layers TransformerBlocks at `transformer.layer.N`. token_type_ids are ignored (Hugging Face's forward has
 * none). Holds the dropout Rng of the whole model; its state is part of a training checkpoint.
 */
export class DistilBertModel extends DistilBertPreTrainedModel implements EncoderModel {
  readonly architecture = 'DistilBertModel';
  readonly basePrefix = '';
  readonly embeddings: DistilBertEmbeddings;
  readonly transformer: LayerStack<TransformerBlock>;
  readonly dropoutRng: Rng;
  readonly typeVocabSize = 0;
  readonly hasPooler = false;

  constructor(readonly config: DistilBertConfig, options: InitOptions = {}) {
    super(paramsFromOptions(options));
    validateDistilBertConfig(config, 'DistilBertModel');
    this.dropoutRng = dropoutRngFromOptions(options);
    this.embeddings = new DistilBertEmbeddings(config, this.params.at('embeddings'), this.dropoutRng);
    const dropoutRng = this.dropoutRng;
    this.transformer = new LayerStack(this.params.at('transformer'), config.nLayers, (layer) => new TransformerBlock(config, layer, dropoutRng));
  }

  encoderModel(): DistilBertModel {
    return this;
  }

  get hiddenSize(): number {
    return this.config.dim;
  }

  get maxInputTokens(): number {
    return this.config.maxPositionEmbeddings;
  }

  wordEmbeddings(): Tensor {
    return this.embeddings.word_embeddings.weight;
  }

  /** input_ids, attention_mask [batch, seq] → lastHiddenState [batch, seq, dim] (or [rows, dim] with lastLayerRows). */
  forward(inputs: EncoderInputs, options: ForwardOptions = {}): EncoderModelOutput {
    const { inputIds } = inputs;
    inputIds.ints('DistilBertModel input_ids');
    if (inputIds.shape.length !== 2) throw new ShapeError(`DistilBertModel: input_ids must be [batch, seq], got ${shapeString(inputIds.shape)}`);
    const mask = inputs.attentionMask === undefined ? null : additiveMask(inputs.attentionMask, inputIds, 'DistilBertModel');
    const embedded = this.embeddings.forward(inputIds);
    const rows = options.outputHiddenStates === true ? null : options.lastLayerRows ?? null;
    const encoded = this.transformer.forward(embedded, mask, options.outputHiddenStates, options.outputAttentions, rows);
    const output: EncoderModelOutput = { lastHiddenState: encoded.lastHiddenState, poolerOutput: null };
    if (encoded.hiddenStates !== undefined) output.hiddenStates = encoded.hiddenStates;
    if (encoded.attentions !== undefined) output.attentions = encoded.attentions;
    return output;
  }
}
