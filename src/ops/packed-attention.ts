import { getBackend } from '../backend/select.js';
import { ShapeError, ValueError, shapeString } from '../errors.js';
import { assertSameShape, emptyLike, willRecord, type Tensor } from '../tensor/tensor.js';

/**
 * Sequences of different lengths packed one after another as rows [totalTokens, ...], with no padding rows:
 * sequence i is rows offsets[i] .. offsets[i+1]-1. Row-wise layers (Linear, LayerNorm, GELU, residuals) treat the
 * rows as one matrix; only attention needs the boundaries.
 */
export class PackedSequences {
  /** count + 1 entries, offsets[0] = 0, strictly increasing (every sequence has at least one row). */
  readonly offsets: Int32Array;
  readonly maxLength: number;

  constructor(offsets: Int32Array) {
    if (offsets.length < 2 || offsets[0] !== 0) {
      throw new ShapeError(`PackedSequences: offsets must start at 0 and hold at least one sequence, got [${offsets.slice(0, 4).join(', ')}${offsets.length > 4 ? ', …' : ''}]`);
    }
    let maxLength = 0;
    for (let i = 0; i + 1 < offsets.length; i++) {
      const length = offsets[i + 1]! - offsets[i]!;
      if (length <= 0) throw new ShapeError(`PackedSequences: sequence ${i} has ${length} rows (offsets ${offsets[i]} → ${offsets[i + 1]})`);
      if (length > maxLength) maxLength = length;
    }
    this.offsets = offsets;
    this.maxLength = maxLength;
  }

  /** Sequences of the given lengths, in order. */
  static fromLengths(lengths: ArrayLike<number>): PackedSequences {
    const offsets = new Int32Array(lengths.length + 1);
    for (let i = 0; i < lengths.length; i++) offsets[i + 1] = offsets[i]! + lengths[i]!;
    return new PackedSequences(offsets);
  }

  get count(): number {
    return this.offsets.length - 1;
  }

  get totalTokens(): number {
    return this.offsets[this.offsets.length - 1]!;
  }

  length(i: number): number {
    return this.offsets[i + 1]! - this.offsets[i]!;
  }

  /** Elements of the packed probabilities: Σ heads · length_i². */
  probsSize(heads: number): number {
    let size = 0;
    for (let i = 0; i < this.count; i++) size += heads * this.length(i) ** 2;
    return size;
  }
}

export interface PackedAttentionOutput {
  /** [totalTokens, hidden], heads merged back in their column blocks. */
  context: Tensor;
  /** [Σ heads · length_i²]: sequence i's [heads, length_i, length_i] block after sequence i-1's. */
  probs: Tensor;
}

/**
 * Multi-head scaled dot-product attention (Vaswani et al. §3.2.2) within each packed sequence: q, k, v
 * [totalTokens, hidden], every query attending to the keys of its own sequence only. No key is padding, so no mask
 * and no arithmetic on padding; the result equals `attention` over the same sequences padded and masked. Inference
 * only: no dropout and no backward (an input that would record a graph is a ValueError).
 */
export function packedAttention(q: Tensor, k: Tensor, v: Tensor, sequences: PackedSequences, heads: number): PackedAttentionOutput {
  const op = 'packedAttention';
  if (q.shape.length !== 2) throw new ShapeError(`${op}: q must be [totalTokens, hidden], got ${shapeString(q.shape)}`);
  assertSameShape(op, q, k);
  assertSameShape(op, q, v);
  const [rows, hidden] = q.shape as [number, number];
  if (rows !== sequences.totalTokens) {
    throw new ShapeError(`${op}: q has ${rows} rows but the packed sequences hold ${sequences.totalTokens} tokens`);
  }
  if (!Number.isInteger(heads) || heads <= 0 || hidden % heads !== 0) {
    throw new ShapeError(`${op}: hidden size ${hidden} is not divisible into ${heads} heads`);
  }
  if (willRecord([q, k, v])) throw new ValueError(`${op}: has no backward; run it under noGrad`);
  const headDim = hidden / heads;
  const scale = 1 / Math.sqrt(headDim);
  const dtype = q.computeDType(op);
  const context = emptyLike(dtype, [rows, hidden]);
  const probs = emptyLike(dtype, [sequences.probsSize(heads)]);
  getBackend().attentionForwardPacked(context.floats(op), probs.floats(op), q.floats(op), k.floats(op), v.floats(op),
    sequences.offsets, sequences.count, heads, headDim, scale);
  return { context, probs };
}
