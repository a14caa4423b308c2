/**
 * The one place pipelines run the encoder. Inputs of different lengths are packed, not padded: their tokens are
 * concatenated into [totalTokens, hidden] rows, every Linear, LayerNorm, GELU and residual runs on those rows as one
 * matrix, and attention runs per input on its own rows (ops/packed-attention.ts). No arithmetic is spent on padding,
 * so a batch of mixed lengths costs what its real tokens cost; the result equals BertModel.forward over the same
 * inputs padded with an attention mask, minus the padding rows.
 */
import { ConfigError, ShapeError, ValueError } from '../errors.js';
import { BertModel } from '../model/bert-model.js';
import type { EncoderModel } from '../model/encoder-model.js';
import { gatherRows } from '../ops/gather-rows.js';
import { PackedSequences } from '../ops/packed-attention.js';
import { noGrad, Tensor } from '../tensor/tensor.js';
import { encoderPadding } from './encoder-padding.js';
import { runEncoderPadded } from './run-encoder-padded.js';

/** One tokenized input: its ids and token type ids, of the same length (special tokens included). */
export interface EncodedInput {
  ids: ArrayLike<number>;
  typeIds: ArrayLike<number>;
}

export interface EncoderRun {
  /**
   * [totalTokens, hidden]: the rows of input i are offsets[i] .. offsets[i+1]-1, no padding rows. With
   * `pooledOnly` (packed), each input's [CLS] row alone: [n, hidden], offsets 0, 1, ..., n.
   */
  hidden: Float32Array;
  /** n + 1 entries, from 0. */
  offsets: Int32Array;
  /** [n, hidden]: the pooler's output per input, or null when the model has no pooler. */
  pooled: Float32Array | null;
  hiddenSize: number;
}

/** The packed token columns of a batch: ids, token types and positions [totalTokens], and the inputs' boundaries. */
interface PackedBatch {
  ids: Int32Array;
  typeIds: Int32Array;
  positions: Int32Array;
  sequences: PackedSequences;
}

/**
 * Runs the encoder (no graph) over inputs of any lengths; the caller applies its head's Linear layers to `hidden`
 * or `pooled` as one [rows, hidden] tensor (e.g. model.classifier.forward(new Tensor(pooled, [n, hidden]))).
 * The model must be in eval mode (packed attention has no dropout). An input longer than max_position_embeddings
 * is a ShapeError naming the input; an empty input, ids and type ids of different lengths, an id outside the
 * vocabulary (or a type id outside type_vocab_size) a ValueError naming the input (and position).
 * Under withEncoderPadding('max') (the baseline `tsbert predict --padding max` measures) the same inputs run padded
 * to the longest instead (run-encoder-padded.ts), with the same result.
 */
export interface RunEncoderOptions {
  /**
   * Only `pooled` will be read (sequence classification, zero-shot): the last layer runs attention over every token
   * but the rest of it at [CLS] alone (ForwardOptions.lastLayerRows) — exact, and a quarter of that layer's cost.
   */
  pooledOnly?: boolean;
}

export function runEncoder(model: BertModel, inputs: readonly EncodedInput[], options: RunEncoderOptions = {}): EncoderRun {
  const hiddenSize = model.config.hiddenSize;
  if (model.training) throw new ValueError('runEncoder: the model is in training mode; call model.eval() first (inference runs without dropout)');
  if (inputs.length === 0) {
    return { hidden: new Float32Array(0), offsets: new Int32Array(1), pooled: model.pooler === null ? null : new Float32Array(0), hiddenSize };
  }
  const lengths = checkedLengths(model, inputs);
  if (encoderPadding() === 'max') return runEncoderPadded(model, inputs);
  const batch = packInputs(model, inputs, lengths);
  const { sequences } = batch;
  return noGrad(() => {
    const columns = [batch.ids, batch.typeIds, batch.positions].map((column) => new Tensor(column, [sequences.totalTokens]));
    const embedded = model.embeddings.forward(columns[0]!, columns[1]!, columns[2]!); // [totalTokens, hidden]
    // BERT §3: the pooler reads each input's first token ([CLS]).
    const clsRows = sequences.offsets.subarray(0, sequences.count);
    if (options.pooledOnly === true && model.pooler !== null) {
      const cls = model.encoder.forward(embedded, sequences, false, false, clsRows).lastHiddenState; // [n, hidden]
      const offsets = Int32Array.from({ length: sequences.count + 1 }, (_, i) => i);
      return { hidden: float32Of(cls), offsets, pooled: float32Of(model.pooler.forwardCls(cls)), hiddenSize };
    }
    const hidden = model.encoder.forward(embedded, sequences).lastHiddenState; // [totalTokens, hidden]
    const pooled = model.pooler?.forwardCls(gatherRows(hidden, clsRows)) ?? null; // [n, hidden]
    return { hidden: float32Of(hidden), offsets: sequences.offsets, pooled: pooled === null ? null : float32Of(pooled), hiddenSize };
  });
}

/**
 * `encoder` as one the packed path runs: BERT's embeddings, layers and pooler. Another family's encoder is a
 * ConfigError naming `task` and `source` (the packed path is BERT's for now).
 */
export function packableEncoder(encoder: EncoderModel, task: string, source: string): BertModel {
  if (encoder instanceof BertModel) return encoder;
  throw new ConfigError(`${task}: ${source} has a ${encoder.config.modelType} encoder; the packed inference path runs BERT encoders only`);
}

/** Each input's token count, after checking it is one BERT can run. */
function checkedLengths(model: BertModel, inputs: readonly EncodedInput[]): Int32Array {
  const { maxPositionEmbeddings } = model.config;
  const lengths = new Int32Array(inputs.length);
  inputs.forEach((input, i) => {
    const length = input.ids.length;
    if (length === 0) throw new ValueError(`runEncoder: input ${i} has no tokens`);
    if (input.typeIds.length !== length) {
      throw new ValueError(`runEncoder: input ${i} has ${length} ids but ${input.typeIds.length} type ids`);
    }
    if (length > maxPositionEmbeddings) {
      throw new ShapeError(`runEncoder: input ${i} has ${length} tokens, more than max_position_embeddings ${maxPositionEmbeddings}`);
    }
    lengths[i] = length;
  });
  return lengths;
}

/** Concatenates the inputs, checking their ids; positions restart at 0 for each input (Hugging Face's position_ids). */
function packInputs(model: BertModel, inputs: readonly EncodedInput[], lengths: Int32Array): PackedBatch {
  const { vocabSize, typeVocabSize } = model.config;
  const sequences = PackedSequences.fromLengths(lengths);
  const total = sequences.totalTokens;
  const ids = new Int32Array(total), typeIds = new Int32Array(total), positions = new Int32Array(total);
  inputs.forEach((input, i) => {
    const start = sequences.offsets[i]!;
    for (let t = 0; t < lengths[i]!; t++) {
      const id = input.ids[t]!, typeId = input.typeIds[t]!;
      if (!(Number.isInteger(id) && id >= 0 && id < vocabSize)) {
        throw new ValueError(`runEncoder: input ${i} holds id ${id} at position ${t}, outside the vocabulary [0, ${vocabSize})`);
      }
      if (!(Number.isInteger(typeId) && typeId >= 0 && typeId < typeVocabSize)) {
        throw new ValueError(`runEncoder: input ${i} holds token type id ${typeId} at position ${t}, outside [0, ${typeVocabSize})`);
      }
      ids[start + t] = id;
      typeIds[start + t] = typeId;
      positions[start + t] = t;
    }
  });
  return { ids, typeIds, positions, sequences };
}

/** A result's values as float32 (a float64 model's are converted). */
function float32Of(tensor: Tensor): Float32Array {
  const data = tensor.floats('runEncoder');
  return data instanceof Float32Array ? data : Float32Array.from(data);
}
