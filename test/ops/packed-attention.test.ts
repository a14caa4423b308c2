/** PackedSequences' checks and packedAttention's refusals (its values are tested through runEncoder and the kernels). */
import test from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError, ValueError } from '../../src/errors.js';
import { packedAttention, PackedSequences } from '../../src/ops/packed-attention.js';
import { Tensor } from '../../src/tensor/tensor.js';

test('PackedSequences: offsets from lengths, sizes, and a sequence of no rows is a ShapeError naming it', () => {
  const sequences = PackedSequences.fromLengths([3, 1, 2]);
  assert.deepEqual([...sequences.offsets], [0, 3, 4, 6]);
  assert.equal(sequences.count, 3);
  assert.equal(sequences.totalTokens, 6);
  assert.equal(sequences.maxLength, 3);
  assert.equal(sequences.probsSize(2), 2 * (9 + 1 + 4));
  assert.throws(() => PackedSequences.fromLengths([2, 0]), (e: unknown) => e instanceof ShapeError && /sequence 1 has 0 rows/.test(e.message));
  assert.throws(() => new PackedSequences(new Int32Array([1, 2])), (e: unknown) => e instanceof ShapeError && /must start at 0/.test(e.message));
});

test('packedAttention: rows that do not match the sequences are a ShapeError; a graph to record is a ValueError', () => {
  const x = Tensor.zeros([5, 4]);
  assert.throws(() => packedAttention(x, x, x, PackedSequences.fromLengths([2, 2]), 2),
    (e: unknown) => e instanceof ShapeError && /q has 5 rows but the packed sequences hold 4 tokens/.test(e.message));
  assert.throws(() => packedAttention(x, x, x, PackedSequences.fromLengths([5]), 3), ShapeError);
  const recorded = new Tensor(new Float32Array(20), [5, 4], true);
  assert.throws(() => packedAttention(recorded, x, x, PackedSequences.fromLengths([5]), 2),
    (e: unknown) => e instanceof ValueError && /no backward/.test(e.message));
  const { context, probs } = packedAttention(x, x, x, PackedSequences.fromLengths([4, 1]), 2);
  assert.deepEqual(context.shape, [5, 4]);
  assert.deepEqual(probs.shape, [2 * (16 + 1)]);
});
