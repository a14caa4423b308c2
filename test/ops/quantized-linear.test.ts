/**
 * What the int8 Linear does to go fast must not change what it computes: the weight packed once (kept beside the
 * int8 tensor) gives the bytes of the product packed per call; the Q, K, V input quantized once (forwardLinears)
 * gives each Linear's own forward() bit for bit, with one quantizeRowsAsymmetric instead of three; a packed weight follows a
 * switch of ISA. The oracle is the same kernels called directly (quantizeRowsAsymmetric, then int8Gemm packing per call).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../../src/backend/backend.js';
import { getBackend } from '../../src/backend/select.js';
import { forwardLinears, Linear } from '../../src/nn/linear.js';
import { ParamSource } from '../../src/nn/param-source.js';
import { int8ColumnSums, quantizedLinear, quantizeWeight } from '../../src/ops/quantized-linear.js';
import { Rng } from '../../src/tensor/rng.js';
import { noGrad, Tensor } from '../../src/tensor/tensor.js';
import { forEachIsa, randomArray } from '../backend/native-harness.js';
import { backendCases, withBackend } from '../helpers/backends.js';

/** x [rows, in] through an int8 weight [out, in] by the kernels themselves, packing the weight in the call. */
function perCallProduct(x: Float32Array, weight: Tensor, bias: Float32Array, rows: number, gelu: 'tanh' | null): Float32Array {
  const [outFeatures = 0, inFeatures = 0] = weight.shape;
  const backend = getBackend();
  const q = new Int8Array(rows * inFeatures), scales = new Float32Array(rows), offsets = new Int32Array(rows);
  backend.quantizeRowsAsymmetric(q, scales, offsets, x, rows, inFeatures);
  const out = new Float32Array(rows * outFeatures);
  const values = weight.data as Int8Array;
  backend.int8Gemm(out, q, scales, offsets, values, null, weight.scales!.values, int8ColumnSums(values, outFeatures, inFeatures), bias, null, rows,
    outFeatures, inFeatures, gelu);
  return out;
}

function sameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${label}: element ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

function int8Linears(rng: Rng, count: number, inFeatures: number, outFeatures: number, bits: 7 | 8 = 8): Linear[] {
  const params = ParamSource.initializing(rng);
  return Array.from({ length: count }, (_, i) => {
    const layer = new Linear(params.at(`linear${i}`), inFeatures, outFeatures, 0.05);
    layer.bias!.data.set(randomArray(rng, outFeatures, 0.1));
    layer.quantize(bits);
    return layer;
  });
}

for (const backendCase of backendCases()) {
  test(`quantizedLinear on the weight packed once equals the product packed per call, bit for bit (${backendCase.name})`, (t) => {
    if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
    withBackend(backendCase.backend!, () => {
      const rng = new Rng(41);
      // Sizes off the 6 × 16 and 4 × 8 tiles, odd k, and a product large enough to be split across threads.
      // 7-bit weights run on the u8 × s8 kernel when packed once (AVX2), on the int16 pairs when packed per call.
      for (const [rows, inFeatures, outFeatures, bits] of [[5, 37, 21, 8], [130, 384, 200, 8], [5, 37, 21, 7], [130, 384, 200, 7]] as const) {
        const weight = quantizeWeight(new Tensor(randomArray(rng, outFeatures * inFeatures, 0.05), [outFeatures, inFeatures]), bits);
        const bias = randomArray(rng, outFeatures, 0.1);
        const x = randomArray(rng, rows * inFeatures);
        for (const gelu of [null, 'tanh'] as const) {
          const want = perCallProduct(x, weight, bias, rows, gelu);
          // Twice: the first call packs the weight, the second reads the kept packing.
          for (const call of ['first', 'second']) {
            const y = noGrad(() => quantizedLinear(new Tensor(x, [rows, inFeatures]), weight, new Tensor(bias, [outFeatures]), gelu));
            sameBits(y.data as Float32Array, want, `[${rows}, ${inFeatures}] → ${outFeatures}, ${bits}-bit, gelu ${gelu}, ${call} call`);
          }
        }
      }
    });
  });

  test(`forwardLinears quantizes a shared input once and gives each Linear's forward() bit for bit (${backendCase.name})`, (t) => {
    if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
    const backend = backendCase.backend!;
    let quantizations = 0, dynamicProducts = 0;
    const counting: Backend = {
      ...backend,
      quantizeRowsAsymmetric: (...args) => {
        quantizations++;
        backend.quantizeRowsAsymmetric(...args);
      },
      int8GemmDynamic: (...args) => {
        dynamicProducts++;
        backend.int8GemmDynamic(...args);
      },
    };
    withBackend(counting, () => {
      const rng = new Rng(42);
      const [query, key, value] = int8Linears(rng, 3, 48, 48) as [Linear, Linear, Linear];
      const x = new Tensor(randomArray(rng, 2 * 7 * 48), [2, 7, 48]);
      quantizations = 0;
      const separate = noGrad(() => [query.forward(x), key.forward(x), value.forward(x)]);
      assert.deepEqual([quantizations, dynamicProducts], [0, 3], 'three Linears on their own quantize x in their products');
      quantizations = dynamicProducts = 0;
      const shared = noGrad(() => forwardLinears(x, [query, key, value]));
      assert.deepEqual([quantizations, dynamicProducts], [1, 0], 'forwardLinears quantizes x once');
      shared.forEach((y, i) => {
        assert.deepEqual(y.shape, [2, 7, 48]);
        sameBits(y.data as Float32Array, separate[i]!.data as Float32Array, `projection ${i}`);
      });
    });
  });
}

test('forwardLinears on float32 Linears is each forward(), and a packed weight follows a switch of ISA', async (t) => {
  const rng = new Rng(43);
  const params = ParamSource.initializing(rng);
  const floats = [new Linear(params.at('a'), 16, 8, 0.1), new Linear(params.at('b'), 16, 8, 0.1)] as const;
  const x = new Tensor(randomArray(rng, 3 * 16), [3, 16]);
  const [a, b] = noGrad(() => forwardLinears(x, floats));
  sameBits(a.data as Float32Array, noGrad(() => floats[0].forward(x)).data as Float32Array, 'float32 a');
  sameBits(b.data as Float32Array, noGrad(() => floats[1].forward(x)).data as Float32Array, 'float32 b');

  // The same layer run under every ISA in turn (its packing made under the first): each run repacks as needed and
  // gives the JS reference's bytes (the sums are exact and the epilogue without GELU is bit for bit on every ISA).
  const layers = [...int8Linears(rng, 1, 70, 40, 8), ...int8Linears(rng, 1, 70, 40, 7)];
  const input = new Tensor(randomArray(rng, 9 * 70), [9, 70]);
  const want = layers.map((layer) => withBackend(backendCases()[0]!.backend!, () => noGrad(() => layer.forward(input)).data as Float32Array));
  await forEachIsa(t, (native, isa) => {
    layers.forEach((layer, i) => {
      const got = withBackend(native, () => noGrad(() => layer.forward(input)).data as Float32Array);
      sameBits(got, want[i]!, `${isa}, ${i === 0 ? 8 : 7}-bit weights`);
    });
  });
});
