/**
 * The one place pipelines run the encoder. Inputs of different lengths are packed, not padded: their tokens are
 * concatenated into [totalTokens, hidden] rows, every Linear, LayerNorm, GELU and residual runs on those rows as one
 * matrix, and attention runs per input on its own rows (ops/packed-attention.ts). No arithmetic is spent on padding,
 * so a batch of mixed lengths costs what its real tokens cost; the result equals the model's forward over the same
 * inputs padded with an attention mask, minus the padding rows. BERT, RoBERTa, ALBERT and DistilBERT run packed
 * (packed-layers.ts); another encoder runs padded to the batch's longest (run-encoder-padded.ts), which pipelines
 * keep short by batching inputs of similar lengths.
 */
import { ShapeError, ValueError } from '../errors.js';
import type { EncoderModel } from '../model/encoder-model.js';
import { gatherRows } from '../ops/gather-rows.js';
import { PackedSequences } from '../ops/packed-attention.js';
import { Arena, withArena } from '../tensor/arena.js';
import { noGrad, Tensor } from '../tensor/tensor.js';
import { INFERENCE_ARENA } from '../model/layer-stack.js';
import { encoderPadding } from './encoder-padding.js';
import { embedPacked, encodePacked, packableModel, packedPooler, writePositions, type PackableModel } from './packed-layers.js';
import { runEncoderPadded } from './run-encoder-padded.js';

/** One tokenized input: its ids and token type ids, of the same length (special tokens included). */
export interface EncodedInput {
  ids: ArrayLike<number>;
  typeIds: ArrayLike<number>;
}

export interface EncoderRun {
  /**
   * [totalTokens, hidden]: the rows of input i are offsets[i] .. offsets[i+1]-1, no padding rows. With
   * `firstTokensOnly`, each input's first-token row alone: [n, hidden], offsets 0, 1, ..., n.
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

export interface RunEncoderOptions {
  /**
   * Only each input's first token ([CLS], `<s>`) and the pooler over it will be read (sequence classification,
   * zero-shot): packed, the last layer runs attention over every token but the rest of it at the first tokens alone
   * (ForwardOptions.lastLayerRows) — exact, and a quarter of that layer's cost.
   */
  firstTokensOnly?: boolean;
}

/**
 * Runs the encoder (no graph) over inputs of any lengths; the caller applies its head to `hidden` or `pooled` as one
 * [rows, hidden] tensor (e.g. model.classifier.forward(new Tensor(pooled, [n, hidden]))). The model must be in eval
 * mode (packed attention has no dropout). An input longer than the model's positions (EncoderModel.maxInputTokens)
 * is a ShapeError naming the input; an empty input, ids and type ids of different lengths, an id outside the
 * vocabulary (or a type id outside type_vocab_size, for a model with token types) a ValueError naming the input
 * (and position). Under withEncoderPadding('max') (the baseline `tsbert predict --padding max` measures) the same
 * inputs run padded to the longest instead (run-encoder-padded.ts), with the same result.
 */
export function runEncoder(model: EncoderModel, inputs: readonly EncodedInput[], options: RunEncoderOptions = {}): EncoderRun {
  const hiddenSize = model.hiddenSize;
  if (model.training) throw new ValueError('runEncoder: the model is in training mode; call model.eval() first (inference runs without dropout)');
  if (inputs.length === 0) {
    return { hidden: new Float32Array(0), offsets: new Int32Array(1), pooled: model.hasPooler ? new Float32Array(0) : null, hiddenSize };
  }
  const lengths = checkedLengths(model, inputs);
  const packable = packableModel(model);
  if (packable === null || encoderPadding() === 'max') {
    const run = runEncoderPadded(model, inputs);
    return options.firstTokensOnly === true ? firstTokenRun(run) : run;
  }
  const batch = packInputs(packable, inputs, lengths);
  const { sequences } = batch;
  return noGrad(() => {
    const columns = [batch.ids, batch.typeIds, batch.positions].map((column) => new Tensor(column, [sequences.totalTokens]));
    const arena = embeddingArena(packable);
    arena.reset(); // the previous call's embeddings: read by its first layer only
    const embedded = withArena(arena, () => embedPacked(packable, columns[0]!, columns[1]!, columns[2]!)); // [totalTokens, embedding width]
    const pooler = packedPooler(packable);
    // BERT §3: the pooler and sequence heads read each input's first token ([CLS], RoBERTa's <s>).
    const firstRows = sequences.offsets.subarray(0, sequences.count);
    if (options.firstTokensOnly === true) {
      const first = encodePacked(packable, embedded, sequences, firstRows); // [n, hidden]
      const offsets = Int32Array.from({ length: sequences.count + 1 }, (_, i) => i);
      return { hidden: float32Of(first), offsets, pooled: pooler === null ? null : float32Of(pooler.forwardCls(first)), hiddenSize };
    }
    const hidden = encodePacked(packable, embedded, sequences); // [totalTokens, hidden]
    const pooled = pooler?.forwardCls(gatherRows(hidden, firstRows)) ?? null; // [n, hidden]
    return { hidden: float32Of(hidden), offsets: sequences.offsets, pooled: pooled === null ? null : float32Of(pooled), hiddenSize };
  });
}

/**
 * Each model's memory for the embedding step, reused from call to call as the layers' pools are (model/layer-stack.ts):
 * fresh buffers there were ~40 % of the typed-array memory a feature-extraction run allocated.
 */
const embeddingArenas = new WeakMap<PackableModel, Arena>();

function embeddingArena(model: PackableModel): Arena {
  let arena = embeddingArenas.get(model);
  if (arena === undefined) embeddingArenas.set(model, (arena = new Arena(INFERENCE_ARENA)));
  return arena;
}

/** A whole run cut to each input's first-token row (what a packed firstTokensOnly run gives). */
function firstTokenRun(run: EncoderRun): EncoderRun {
  const count = run.offsets.length - 1;
  const { hiddenSize } = run;
  const hidden = new Float32Array(count * hiddenSize); // [n, hidden]
  for (let i = 0; i < count; i++) hidden.set(run.hidden.subarray(run.offsets[i]! * hiddenSize, (run.offsets[i]! + 1) * hiddenSize), i * hiddenSize);
  return { hidden, offsets: Int32Array.from({ length: count + 1 }, (_, i) => i), pooled: run.pooled, hiddenSize };
}

/** Each input's token count, after checking it is one the model can run. */
function checkedLengths(model: EncoderModel, inputs: readonly EncodedInput[]): Int32Array {
  const maxTokens = model.maxInputTokens;
  const lengths = new Int32Array(inputs.length);
  inputs.forEach((input, i) => {
    const length = input.ids.length;
    if (length === 0) throw new ValueError(`runEncoder: input ${i} has no tokens`);
    if (input.typeIds.length !== length) {
      throw new ValueError(`runEncoder: input ${i} has ${length} ids but ${input.typeIds.length} type ids`);
    }
    if (length > maxTokens) {
      throw new ShapeError(`runEncoder: input ${i} has ${length} tokens, more than the model's ${maxTokens} positions`);
    }
    lengths[i] = length;
  });
  return lengths;
}

/** Concatenates the inputs, checking their ids; positions restart for each input (packed-layers.ts). */
function packInputs(model: PackableModel, inputs: readonly EncodedInput[], lengths: Int32Array): PackedBatch {
  const { vocabSize } = model.config;
  const { typeVocabSize } = model; // 0: the model takes no token types (DistilBERT), and their ids are not read
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
      if (typeVocabSize > 0 && !(Number.isInteger(typeId) && typeId >= 0 && typeId < typeVocabSize)) {
        throw new ValueError(`runEncoder: input ${i} holds token type id ${typeId} at position ${t}, outside [0, ${typeVocabSize})`);
      }
      ids[start + t] = id;
      typeIds[start + t] = typeId;
    }
    writePositions(model, input.ids, positions, start);
  });
  return { ids, typeIds, positions, sequences };
}

/** A result's values as float32 (a float64 model's are converted). */
function float32Of(tensor: Tensor): Float32Array {
  const data = tensor.floats('runEncoder');
  return data instanceof Float32Array ? data : Float32Array.from(data);
}
