import { ShapeError, ValueError, shapeString } from '../errors.js';
import { sliceRows } from '../ops/gather-rows.js';
import { ParamSource } from '../nn/param-source.js';
import { Rng } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';
import { validateBertConfig, type BertConfig } from './config.js';
import { BertEmbeddings } from './embeddings.js';
import { BertEncoder } from './encoder.js';
import { BertPooler } from './pooler.js';
import { BertPreTrainedModel } from './pretrained.js';

/** Hugging Face's additive mask value for hidden keys: float32's lowest finite number. */
export const MASK_VALUE = -3.4028234663852886e38;

/** A batch of encoded inputs: int32 tensors [batch, seq] as Hugging Face names them. */
export interface BertInputs {
  inputIds: Tensor;
  /** Segment A = 0, B = 1; all zeros when omitted. */
  tokenTypeIds?: Tensor;
  /** 1 = real token, 0 = padding; all ones when omitted. */
  attentionMask?: Tensor;
}

export interface BertModelOutput {
  /** [batch, seq, hidden]; [rows, hidden] with ForwardOptions.lastLayerRows. */
  lastHiddenState: Tensor;
  /** [batch, hidden] */
  poolerOutput: Tensor | null;
  hiddenStates?: Tensor[];
  attentions?: Tensor[];
}

export interface ForwardOptions {
  outputHiddenStates?: boolean;
  outputAttentions?: boolean;
  /**
   * Only these rows of the last hidden state will be read (flat indices into [batch·seq]): [CLS] for sequence
   * classification, [CLS] and the masked positions for pre-training. The last layer attends over all positions,
   * but its output projection, feed-forward and LayerNorms run at these rows alone, and `lastHiddenState` is
   * [rows, hidden]. Exact — every later operation is row-wise — and the last layer costs ~1/4 of itself. With a
   * pooler the rows must begin with each sequence's [CLS] row (firstTokenRows). Ignored with `outputHiddenStates`.
   */
  lastLayerRows?: Int32Array;
}

/** Construction options: the seed of the dropout stream and, without `params`, of the initial weights. */
export interface InitOptions {
  seed?: number;
  /** Where the weights come from (a checkpoint, or a parent model's scope); default: drawn from Rng(seed). */
  params?: ParamSource;
}

/** The source a model is built from: the given one, else fresh weights drawn from Rng(seed). */
export function paramsFromOptions(options: InitOptions): ParamSource {
  return options.params ?? ParamSource.initializing(new Rng(options.seed ?? 0));
}

/**
 * The BERT encoder (Devlin et al. 2019 §3): embeddings, numHiddenLayers post-LN transformer layers, pooler.
 * Holds the dropout Rng of the whole model; its state is part of a training checkpoint.
 */
export class BertModel extends BertPreTrainedModel {
  readonly architecture = 'BertModel';
  readonly basePrefix = '';
  readonly embeddings: BertEmbeddings;
  readonly encoder: BertEncoder;
  readonly pooler: BertPooler | null;
  readonly dropoutRng: Rng;

  constructor(readonly config: BertConfig, options: InitOptions & { addPoolingLayer?: boolean } = {}) {
    super(paramsFromOptions(options));
    validateBertConfig(config, 'BertModel');
    this.dropoutRng = new Rng((options.seed ?? 0) ^ 0x5bd1e995);
    this.embeddings = new BertEmbeddings(config, this.params.at('embeddings'), this.dropoutRng);
    this.encoder = new BertEncoder(config, this.params.at('encoder'), this.dropoutRng);
    this.pooler = options.addPoolingLayer === false ? null : new BertPooler(config, this.params.at('pooler'));
  }

  encoderModel(): BertModel {
    return this;
  }

  forward(inputs: BertInputs, options: ForwardOptions = {}): BertModelOutput {
    const { inputIds } = inputs;
    inputIds.ints('BertModel input_ids');
    if (inputIds.shape.length !== 2) throw new ShapeError(`BertModel: input_ids must be [batch, seq], got ${shapeString(inputIds.shape)}`);
    const [batch, seq] = inputIds.shape as [number, number];
    const tokenTypeIds = inputs.tokenTypeIds ?? new Tensor(new Int32Array(batch * seq), [batch, seq]);
    checkIds('token_type_ids', tokenTypeIds, inputIds, this.config.typeVocabSize);
    const mask = inputs.attentionMask === undefined ? null : additiveMask(inputs.attentionMask, inputIds);
    const embedded = this.embeddings.forward(inputIds, tokenTypeIds);
    const rows = options.outputHiddenStates === true ? null : options.lastLayerRows ?? null;
    if (rows !== null && this.pooler !== null) checkClsRowsFirst(rows, batch, seq);
    const encoded = this.encoder.forward(embedded, mask, options.outputHiddenStates, options.outputAttentions, rows);
    const last = encoded.lastHiddenState;
    let poolerOutput: Tensor | null = null;
    if (this.pooler !== null) poolerOutput = rows === null ? this.pooler.forward(last) : this.pooler.forwardCls(sliceRows(last, 0, batch));
    const output: BertModelOutput = { lastHiddenState: last, poolerOutput };
    if (encoded.hiddenStates !== undefined) output.hiddenStates = encoded.hiddenStates;
    if (encoded.attentions !== undefined) output.attentions = encoded.attentions;
    return output;
  }
}

function checkIds(name: string, ids: Tensor, inputIds: Tensor, limit: number): void {
  const data = ids.ints(`BertModel ${name}`);
  if (ids.shape.length !== 2 || ids.shape[0] !== inputIds.shape[0] || ids.shape[1] !== inputIds.shape[1]) {
    throw new ShapeError(`BertModel: ${name} ${shapeString(ids.shape)} differ from input_ids ${shapeString(inputIds.shape)}`);
  }
  for (let i = 0; i < data.length; i++) {
    if (data[i]! < 0 || data[i]! >= limit) throw new ValueError(`BertModel: ${name} holds ${data[i]} at position ${i}, outside [0, ${limit})`);
  }
}

/** attention_mask (1 keep / 0 pad) → additive [batch, seq] float32 mask: 0 or MASK_VALUE. */
export function additiveMask(attentionMask: Tensor, inputIds: Tensor): Tensor {
  checkIds('attention_mask', attentionMask, inputIds, 2);
  const data = attentionMask.ints('BertModel attention_mask');
  const mask = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) mask[i] = data[i] === 1 ? 0 : MASK_VALUE;
  return new Tensor(mask, attentionMask.shape);
}

function checkClsRowsFirst(rows: Int32Array, batch: number, seq: number): void {
  for (let b = 0; b < batch; b++) {
    if (rows[b] !== b * seq) throw new ValueError(`BertModel: lastLayerRows must begin with the [CLS] row of each sequence for the pooler; row ${b} is ${rows[b]}, not ${b * seq}`);
  }
  for (let i = 0; i < rows.length; i++) {
    if (!(rows[i]! >= 0 && rows[i]! < batch * seq)) throw new ValueError(`BertModel: lastLayerRows[${i}] = ${rows[i]} is outside the ${batch * seq} rows`);
  }
}
