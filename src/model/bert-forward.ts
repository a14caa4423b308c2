/**
 * BertModel.forward, shared by the families built from BERT's embeddings, layers and pooler (RoBERTa): the inputs'
 * checks, the additive attention mask, the encoder (with ForwardOptions.lastLayerRows) and the pooler. `name` (the
 * class) names the model in errors.
 */
import { ShapeError, ValueError, shapeString } from '../errors.js';
import { sliceRows } from '../ops/gather-rows.js';
import { Tensor } from '../tensor/tensor.js';
import type { BertConfig } from './config.js';
import type { BertEncoder } from './encoder.js';
import type { EncoderInputs, EncoderModelOutput, ForwardOptions } from './encoder-model.js';
import type { BertPooler } from './pooler.js';

/** Hugging Face's additive mask value for hidden keys: float32's lowest finite number. */
export const MASK_VALUE = -3.4028234663852886e38;

/** What bertForward runs: embeddings (input_ids, token_type_ids [batch, seq] → [batch, seq, hidden]), layers, pooler. */
export interface BertLayers {
  readonly config: BertConfig;
  readonly embeddings: { forward(inputIds: Tensor, tokenTypeIds: Tensor): Tensor };
  /** BertEncoder's forward (ALBERT's AlbertTransformer has the same). */
  readonly encoder: Pick<BertEncoder, 'forward'>;
  readonly pooler: BertPooler | null;
}

export function bertForward(model: BertLayers, name: string, inputs: EncoderInputs, options: ForwardOptions): EncoderModelOutput {
  const { inputIds } = inputs;
  inputIds.ints(`${name} input_ids`);
  if (inputIds.shape.length !== 2) throw new ShapeError(`${name}: input_ids must be [batch, seq], got ${shapeString(inputIds.shape)}`);
  const [batch, seq] = inputIds.shape as [number, number];
  const tokenTypeIds = inputs.tokenTypeIds ?? new Tensor(new Int32Array(batch * seq), [batch, seq]);
  checkIds(name, 'token_type_ids', tokenTypeIds, inputIds, model.config.typeVocabSize);
  const mask = inputs.attentionMask === undefined ? null : additiveMask(inputs.attentionMask, inputIds, name);
  const embedded = model.embeddings.forward(inputIds, tokenTypeIds);
  const rows = options.outputHiddenStates === true ? null : options.lastLayerRows ?? null;
  if (rows !== null && model.pooler !== null) checkClsRowsFirst(name, rows, batch, seq);
  const encoded = model.encoder.forward(embedded, mask, options.outputHiddenStates, options.outputAttentions, rows);
  const last = encoded.lastHiddenState;
  let poolerOutput: Tensor | null = null;
  if (model.pooler !== null) poolerOutput = rows === null ? model.pooler.forward(last) : model.pooler.forwardCls(sliceRows(last, 0, batch));
  const output: EncoderModelOutput = { lastHiddenState: last, poolerOutput };
  if (encoded.hiddenStates !== undefined) output.hiddenStates = encoded.hiddenStates;
  if (encoded.attentions !== undefined) output.attentions = encoded.attentions;
  return output;
}

function checkIds(model: string, name: string, ids: Tensor, inputIds: Tensor, limit: number): void {
  const data = ids.ints(`${model} ${name}`);
  if (ids.shape.length !== 2 || ids.shape[0] !== inputIds.shape[0] || ids.shape[1] !== inputIds.shape[1]) {
    throw new ShapeError(`${model}: ${name} ${shapeString(ids.shape)} differ from input_ids ${shapeString(inputIds.shape)}`);
  }
  for (let i = 0; i < data.length; i++) {
    if (data[i]! < 0 || data[i]! >= limit) throw new ValueError(`${model}: ${name} holds ${data[i]} at position ${i}, outside [0, ${limit})`);
  }
}

/** attention_mask (1 keep / 0 pad) → additive [batch, seq] float32 mask: 0 or MASK_VALUE. */
export function additiveMask(attentionMask: Tensor, inputIds: Tensor, model = 'BertModel'): Tensor {
  checkIds(model, 'attention_mask', attentionMask, inputIds, 2);
  const data = attentionMask.ints(`${model} attention_mask`);
  const mask = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) mask[i] = data[i] === 1 ? 0 : MASK_VALUE;
  return new Tensor(mask, attentionMask.shape);
}

function checkClsRowsFirst(model: string, rows: Int32Array, batch: number, seq: number): void {
  for (let b = 0; b < batch; b++) {
    if (rows[b] !== b * seq) throw new ValueError(`${model}: lastLayerRows must begin with the [CLS] row of each sequence for the pooler; row ${b} is ${rows[b]}, not ${b * seq}`);
  }
  for (let i = 0; i < rows.length; i++) {
    if (!(rows[i]! >= 0 && rows[i]! < batch * seq)) throw new ValueError(`${model}: lastLayerRows[${i}] = ${rows[i]} is outside the ${batch * seq} rows`);
  }
}
