/**
 * The int8 inference kernels, native against the JS reference on every ISA this CPU runs: quantizeRows and
 * quantizeRowsAsymmetric must give the same bytes, scales and offsets, int8Gemm the same int32 sums (with asymmetric
 * rows' offset · column-sum terms) (checked exactly against an independent integer dot product
 * with unit scales) and the same float32 epilogue (bit for bit without GELU; within GELU's vector approximation
 * with it). Sizes are awkward on purpose: 1 × 1, m, n, k off the tiles (6 × 16 on AVX2, 4 × 8 generic), odd k,
 * several k blocks (k = 3072), products big enough to be split across threads. Every native product runs twice,
 * on the weight packed once (int8PackWeight) and packed per call (packedB null), and the two must be bit-identical.
 * 7-bit weights ([-63, 63], packed with weightBits 7: the u8 × s8 kernel on AVX2) go through the same checks.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/backend/js/js-backend.js';
import type { Backend } from '../../src/backend/backend.js';
import { DTypeError } from '../../src/errors.js';
import { int8ColumnSums } from '../../src/ops/quantized-linear.js';
import { Rng } from '../../src/tensor/rng.js';
import { ELEMENTWISE_ATOL, ELEMENTWISE_RTOL, forEachIsa, nativeOrSkip, randomArray, toleranceRatio } from './native-harness.js';

/**
 * [m, n, k]: 1 × 1, tails of every tile dimension, odd and even k across k blocks of 384, thread-split sizes (200 rows
 * on AVX2: 34 slivers, split into row blocks of 8 and 9 so that the tasks come out even).
 */
const SHAPES: readonly [number, number, number][] = [
  [1, 1, 1], [1, 1, 2], [7, 17, 3], [6, 16, 384], [5, 15, 385], [13, 33, 767], [1, 768, 768], [31, 40, 3072],
  [2, 3, 3071], [97, 130, 257], [128, 96, 1000], [200, 48, 700],
];

function randomInt8(rng: Rng, n: number, limit = 127): Int8Array {
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(2 * limit + 1) - limit;
  return out;
}

/** Σ_p a[i, p]·b[j, p] by the definition: the oracle the int32 sums must equal exactly. */
function integerProduct(a: Int8Array, b: Int8Array, m: number, n: number, k: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let p = 0; p < k; p++) sum += a[i * k + p]! * b[j * k + p]!;
    out[i * n + j] = sum;
  }
  return out;
}

function firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>): string | undefined {
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) return `element ${i}: ${actual[i]} vs ${expected[i]}`;
  }
  return undefined;
}

/** b packed by the backend's int8PackWeight for weightBits (null where it packs nothing: JS). */
function packWeight(backend: Backend, b: Int8Array, n: number, k: number, bits: 7 | 8 = 8): Int8Array | null {
  const bytes = backend.int8PackedWeightBytes(n, k, bits);
  if (bytes === 0) return null;
  const packed = new Int8Array(bytes);
  backend.int8PackWeight(packed, b, n, k, bits);
  return packed;
}

/** The kernel a packed weight's header names (bytes 8 to 32, NUL-padded). */
function packedKernelName(packed: Int8Array): string {
  return String.fromCharCode(...packed.subarray(8, 32)).replace(/\0+$/, '');
}

/** The product on the weight packed once; where the backend packs, also packed per call, which must be identical. */
function runGemm(
  backend: Backend, a: Int8Array, aScales: Float32Array, b: Int8Array, bScales: Float32Array, bias: Float32Array | null,
  residual: Float32Array | null, m: number, n: number, k: number, gelu: 'none' | 'tanh' | null, bits: 7 | 8 = 8,
  aOffsets: Int32Array | null = null,
): Float32Array {
  const bSums = aOffsets === null ? null : int8ColumnSums(b, n, k);
  const run = (packed: Int8Array | null): Float32Array => {
    const out = new Float32Array(m * n).fill(NaN);
    backend.int8Gemm(out, a, aScales, aOffsets, b, packed, bScales, bSums, bias, residual, m, n, k, gelu);
    return out;
  };
  const packed = packWeight(backend, b, n, k, bits);
  const once = run(packed);
  if (packed !== null) {
    const mismatch = firstMismatch(run(null), once);
    assert.equal(mismatch, undefined, `${backend.name} [${m}, ${n}, ${k}]: packed per call vs once: ${mismatch}`);
  }
  return once;
}

for (const bits of [8, 7] as const) {
  const limit = bits === 7 ? 63 : 127;
  test(`int8Gemm, ${bits}-bit weights: the int32 sums equal the integer dot products exactly, on both backends`, async (t) => {
    const ones = (n: number): Float32Array => new Float32Array(n).fill(1);
    const check = (backend: Backend, label: string): void => {
      const rng = new Rng(31);
      for (const [m, n, k] of SHAPES) {
        // |sum| ≤ 127² · k stays below 2^24 for random values at these k, so float32(sum) is the sum itself.
        const a = randomInt8(rng, m * k), b = randomInt8(rng, n * k, limit);
        const out = runGemm(backend, a, ones(m), b, ones(n), null, null, m, n, k, null, bits);
        const mismatch = firstMismatch(out, integerProduct(a, b, m, n, k));
        assert.equal(mismatch, undefined, `${label} [${m}, ${n}, ${k}]: ${mismatch}`);
      }
    };
    check(jsBackend, 'js');
    await forEachIsa(t, (native, isa) => check(native, isa));
  });

  test(`int8Gemm, ${bits}-bit weights: the extreme sums (k = 3072: beyond 2^24) agree between native and JS bit for bit`, async (t) => {
    const m = 7, n = 19, k = 3072;
    // Rows of a: all 127 (u8 255: the largest u8 × s8 pairs, 2 · 255 · 63), all -127 (u8 1), alternating, ...; b:
    // all -limit, all +limit, alternating, ...
    const a = new Int8Array(m * k), b = new Int8Array(n * k);
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) a[i * k + p] = [127, -127, p % 2 ? 127 : -127, p % 5 ? 127 : -127][i % 4]! * (i < 4 ? 1 : -1);
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) b[j * k + p] = [-limit, limit, p % 2 ? limit : -limit][j % 3]!;
    const scales = (len: number): Float32Array => new Float32Array(len).fill(1);
    const want = runGemm(jsBackend, a, scales(m), b, scales(n), null, null, m, n, k, null, bits);
    assert.equal(want[0], -127 * limit * k, 'the oracle\'s first sum is all (127 · -limit)');
    assert.equal(want[n + 2], 0, 'and (-127 · alternating ±limit) cancels');
    await forEachIsa(t, (native, isa) => {
      assert.equal(firstMismatch(runGemm(native, a, scales(m), b, scales(n), null, null, m, n, k, null, bits), want), undefined, isa);
    });
  });
}

/** Random offsets of asymmetric rows, in [-127, 128] (128 - zero point), with both ends present. */
function randomOffsets(rng: Rng, m: number): Int32Array {
  const out = new Int32Array(m);
  for (let i = 0; i < m; i++) out[i] = i === 0 ? 128 : i === 1 ? -127 : rng.int(256) - 127;
  return out;
}

for (const bits of [8, 7] as const) {
  const limit = bits === 7 ? 63 : 127;
  test(`int8Gemm, asymmetric rows, ${bits}-bit weights: the sums are Σ a·b + offset · Σ b exactly, on both backends`, async (t) => {
    const ones = (n: number): Float32Array => new Float32Array(n).fill(1);
    const check = (backend: Backend, label: string): void => {
      const rng = new Rng(36);
      for (const [m, n, k] of SHAPES) {
        if (k > 1000) continue;  // |sum| < 2^24 (below), so float32(sum) is the sum itself
        const a = randomInt8(rng, m * k, 128).map((v) => Math.min(v, 127)), b = randomInt8(rng, n * k, limit);
        const offsets = randomOffsets(rng, m);
        const want = integerProduct(a, b, m, n, k);
        const sums = int8ColumnSums(b, n, k);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) want[i * n + j]! += offsets[i]! * sums[j]!;
        const out = runGemm(backend, a, ones(m), b, ones(n), null, null, m, n, k, null, bits, offsets);
        const mismatch = firstMismatch(out, want);
        assert.equal(mismatch, undefined, `${label} [${m}, ${n}, ${k}]: ${mismatch}`);
      }
    };
    check(jsBackend, 'js');
    await forEachIsa(t, (native, isa) => check(native, isa));
  });

  test(`int8Gemm, asymmetric rows, ${bits}-bit weights: extreme sums (a = -128, offset ±128, k = 3072) and the epilogue agree with JS bit for bit`, async (t) => {
    const m = 9, n = 21, k = 3072;
    const a = new Int8Array(m * k), b = new Int8Array(n * k);
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) a[i * k + p] = [-128, 127, p % 2 ? 127 : -128][i % 3]!;
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) b[j * k + p] = [-limit, limit, p % 3 ? limit : -limit][j % 3]!;
    const offsets = Int32Array.from({ length: m }, (_, i) => [128, -127, 0][Math.floor(i / 3)]!);
    const want = runGemm(jsBackend, a, new Float32Array(m).fill(1), b, new Float32Array(n).fill(1), null, null, m, n, k, null, bits, offsets);
    assert.equal(want[0], (-128 * -limit + 128 * -limit) * k, 'row 0 (a = -128, offset 128) against b = -limit: Σ (a + offset) b = 0');
    const rng = new Rng(37);
    const aScales = randomArray(rng, m, 0.01), bScales = randomArray(rng, n, 0.001), bias = randomArray(rng, n), residual = randomArray(rng, m * n);
    const wantScaled = runGemm(jsBackend, a, aScales, b, bScales, bias, residual, m, n, k, null, bits, offsets);
    await forEachIsa(t, (native, isa) => {
      assert.equal(firstMismatch(runGemm(native, a, new Float32Array(m).fill(1), b, new Float32Array(n).fill(1), null, null, m, n, k, null, bits, offsets), want), undefined, `${isa}: sums`);
      assert.equal(firstMismatch(runGemm(native, a, aScales, b, bScales, bias, residual, m, n, k, null, bits, offsets), wantScaled), undefined, `${isa}: epilogue`);
    });
  });
}

/**
 * int8GemmDynamic against its definition (quantizeRowsAsymmetric, then int8Gemm) on the same backend, bit for bit:
 * each native task quantizes its own rows, so a row quantized by the wrong task, with another row's scale or offset,
 * or a pad row left unzeroed would show. Rows of one sign, a constant row and a NaN row among random ones; 7- and 8-bit
 * weights, packed once and per call; bias, GELU and residual.
 */
test('int8GemmDynamic equals quantizeRowsAsymmetric then int8Gemm bit for bit, on both backends and every ISA', async (t) => {
  const check = (backend: Backend, label: string): void => {
    const rng = new Rng(41);
    for (const [m, n, k] of [...SHAPES, [1024, 96, 64], [130, 2100, 40]] as [number, number, number][]) {
      for (const bits of [8, 7] as const) {
        const x = randomArray(rng, m * k, 3);
        if (m > 3) {
          for (let p = 0; p < k; p++) x[k + p] = Math.abs(x[k + p]!);  // row 1: one sign (a GELU output's)
          x.fill(0.25, 2 * k, 3 * k);  // row 2: constant
          x[3 * k] = NaN;  // row 3: not finite
        }
        const b = randomInt8(rng, n * k, bits === 7 ? 63 : 127);
        const bScales = randomArray(rng, n, 0.01), bias = randomArray(rng, n), residual = randomArray(rng, m * n);
        const sums = int8ColumnSums(b, n, k);
        const q = new Int8Array(m * k), scales = new Float32Array(m), offsets = new Int32Array(m);
        backend.quantizeRowsAsymmetric(q, scales, offsets, x, m, k);
        const packed = packWeight(backend, b, n, k, bits);
        for (const gelu of [null, 'none'] as const) {
          const want = new Float32Array(m * n);
          backend.int8Gemm(want, q, scales, offsets, b, packed, bScales, sums, bias, residual, m, n, k, gelu);
          for (const weight of packed === null ? [null] : [packed, null]) {
            const got = new Float32Array(m * n).fill(-7);
            backend.int8GemmDynamic(got, x, b, weight, bScales, sums, bias, residual, m, n, k, gelu);
            const mismatch = firstMismatch(got, want);
            assert.equal(mismatch, undefined, `${label} [${m}, ${n}, ${k}] ${bits}-bit ${weight === null ? 'packed per call' : 'packed once'} gelu ${gelu}: ${mismatch}`);
          }
        }
      }
    }
  };
  check(jsBackend, 'js');
  await forEachIsa(t, (native, isa) => check(native, isa));
});

test('int8PackWeight: each ISA packs for its kernel, the header names it, and the packed size is the kernel\'s layout', async (t) => {
  const [n, k] = [33, 770];
  const b = randomInt8(new Rng(35), n * k, 63);
  // [8-bit kernel, 7-bit kernel, panel width] per ISA: VNNI's vpdpbusd (avx512bf16 has VNNI too) (exact for any int8) for both; AVX2's
  // vpmaddubsw only for 7-bit weights (8-bit ones could saturate its int16 pair sums); int16 pairs elsewhere.
  // k is padded to 4 (a group) or, for AMX's tiles, 64.
  const expected: Record<string, [string, string, number, number]> = {
    avx512amx: ['amx-int8', 'amx-int8', 32, 64],
    avx512bf16: ['vpdpbusd-512', 'vpdpbusd-512', 48, 4],
    avx512vnni: ['vpdpbusd-512', 'vpdpbusd-512', 48, 4],
    avx512: ['vpmaddwd', 'vpmaddwd', 16, 4],
    avx2vnni: ['vpdpbusd-256', 'vpdpbusd-256', 16, 4],
    avx2: ['vpmaddwd', 'vpmaddubsw', 16, 4],
  };
  await forEachIsa(t, (native, isa) => {
    const eight = packWeight(native, b, n, k, 8)!, seven = packWeight(native, b, n, k, 7)!;
    const [eightName, sevenName, nr, kAlign] = expected[isa] ?? ['vpmaddwd', 'vpmaddwd', 8, 4];
    assert.equal(packedKernelName(eight), eightName, `${isa}: 8-bit`);
    assert.equal(packedKernelName(seven), sevenName, `${isa}: 7-bit`);
    // u8 × s8 layouts: 1 byte a value (k padded to 4) plus nr int32 corrections a panel; int16 pairs: 2 bytes a value.
    const panels = Math.ceil(n / nr);
    const u8s8Bytes = 64 + panels * (nr * 4 + Math.ceil(k / kAlign) * kAlign * nr);
    const pairBytes = 64 + panels * Math.ceil(k / 2) * 2 * nr * 2;
    assert.equal(seven.length, sevenName === 'vpmaddwd' ? pairBytes : u8s8Bytes, `${isa}: 7-bit packed size`);
    assert.equal(eight.length, eightName === 'vpmaddwd' ? pairBytes : u8s8Bytes, `${isa}: 8-bit packed size`);
  });
});

test('int8PackWeight refuses weightBits other than 7 and 8, and under 7 a value outside [-63, 63], on both backends', async (t) => {
  const b = Int8Array.from([1, -63, 63, 0, 64, 2]);
  const check = (backend: Backend, label: string): void => {
    const packed = new Int8Array(Math.max(backend.int8PackedWeightBytes(2, 3, 8), 1));
    assert.throws(() => backend.int8PackWeight(packed, b, 2, 3, 7), /outside \[-63, 63\]/, `${label}: 64 under 7 bits`);
    b[4] = -64;
    assert.throws(() => backend.int8PackWeight(packed, b, 2, 3, 7), /outside \[-63, 63\]/, `${label}: -64 under 7 bits`);
    b[4] = 64;
    assert.throws(() => backend.int8PackWeight(packed, b, 2, 3, 9), /weightBits must be 7 or 8/, `${label}: 9 bits`);
    assert.throws(() => backend.int8PackedWeightBytes(2, 3, 6), /weightBits must be 7 or 8/, `${label}: 6 bits`);
    backend.int8PackWeight(packed, b, 2, 3, 8);
  };
  check(jsBackend, 'js');
  await forEachIsa(t, (native, isa) => check(native, isa));
});

test('int8Gemm epilogue: scales, bias and residual match JS bit for bit; GELU within its approximation', async (t) => {
  await forEachIsa(t, (native, isa) => {
    const rng = new Rng(32);
    for (const [m, n, k] of SHAPES) {
      const a = randomInt8(rng, m * k), b = randomInt8(rng, n * k);
      const aScales = randomArray(rng, m, 0.01), bScales = randomArray(rng, n, 0.001);
      const bias = randomArray(rng, n), residual = randomArray(rng, m * n);
      for (const [withBias, withResidual] of [[true, false], [false, true], [true, true]] as const) {
        const args = [a, aScales, b, bScales, withBias ? bias : null, withResidual ? residual : null, m, n, k] as const;
        const want = runGemm(jsBackend, ...args, null);
        const mismatch = firstMismatch(runGemm(native, ...args, null), want);
        assert.equal(mismatch, undefined, `${isa} [${m}, ${n}, ${k}] bias ${withBias} residual ${withResidual}: ${mismatch}`);
      }
      for (const form of ['none', 'tanh'] as const) {
        const args = [a, aScales, b, bScales, bias, residual, m, n, k, form] as const;
        const ratio = toleranceRatio(runGemm(native, ...args), runGemm(jsBackend, ...args));
        assert.ok(ratio <= 1, `${isa} [${m}, ${n}, ${k}] gelu ${form}: ${ratio}x the tolerance (${ELEMENTWISE_RTOL} + ${ELEMENTWISE_ATOL})`);
      }
    }
  });
});

test('quantizeRows: native gives the same bytes and scales as JS; values round half to even within [-127, 127]', async (t) => {
  const rng = new Rng(33);
  const cases: { rows: number; cols: number; x: Float32Array }[] = [];
  for (const [rows, cols] of [[1, 1], [3, 7], [5, 17], [9, 768], [64, 3072], [2, 33]] as const) {
    cases.push({ rows, cols, x: randomArray(rng, rows * cols, 3) });
  }
  // Exact halves after scaling by 127 / max = 1: 0.5 → 0, 1.5 → 2, 2.5 → 2, -0.5 → -0, -1.5 → -2; and 127.
  cases.push({ rows: 1, cols: 6, x: Float32Array.from([0.5, 1.5, 2.5, -0.5, -1.5, 127]) });
  // A zero row, a row with NaN, a row with -Infinity, a row of one huge value.
  cases.push({ rows: 4, cols: 9, x: Float32Array.from([...new Array<number>(9).fill(0), 1, NaN, ...new Array<number>(7).fill(2),
    ...new Array<number>(8).fill(1), -Infinity, 3e38, ...new Array<number>(8).fill(-1e-30)]) });
  const quantize = (backend: Backend, x: Float32Array, rows: number, cols: number, maxLevel = 127): { q: Int8Array; scales: Float32Array } => {
    const q = new Int8Array(rows * cols).fill(99), scales = new Float32Array(rows);
    backend.quantizeRows(q, scales, x, rows, cols, maxLevel);
    return { q, scales };
  };
  const want = cases.map(({ x, rows, cols }) => quantize(jsBackend, x, rows, cols));
  const halves = want[cases.length - 2]!;
  assert.deepEqual([...halves.q], [0, 2, 2, 0, -2, 127]);
  assert.equal(halves.scales[0], 1);
  const special = want[cases.length - 1]!;
  assert.deepEqual([special.scales[0], Number.isNaN(special.scales[1]), Number.isNaN(special.scales[2])], [0, true, true]);
  assert.ok([...special.q.subarray(0, 27)].every((v) => v === 0), 'zero and non-finite rows quantize to zeros');
  assert.ok([...want[4]!.q].every((v) => v >= -127 && v <= 127) && want[4]!.q.includes(127) || want[4]!.q.includes(-127));
  // 7-bit weights: maxLevel 63, so scale = max / 63 and values within [-63, 63], 63 reached.
  const want7 = cases.map(({ x, rows, cols }) => quantize(jsBackend, x, rows, cols, 63));
  assert.ok(want7[4]!.q.every((v) => v >= -63 && v <= 63) && (want7[4]!.q.includes(63) || want7[4]!.q.includes(-63)));
  assert.equal(want7[cases.length - 2]!.scales[0], Math.fround(127 / 63));
  assert.deepEqual([...want7[cases.length - 2]!.q], [0, 1, 1, 0, -1, 63], 'the halves at 63 / 127: 0.248 → 0, 0.744 → 1, ...');
  await forEachIsa(t, (native, isa) => {
    cases.forEach(({ x, rows, cols }, c) => {
      for (const [maxLevel, expected] of [[127, want], [63, want7]] as const) {
        const got = quantize(native, x, rows, cols, maxLevel);
        assert.equal(firstMismatch(got.q, expected[c]!.q), undefined, `${isa} case ${c} maxLevel ${maxLevel}: bytes`);
        assert.equal(firstMismatch(got.scales, expected[c]!.scales), undefined, `${isa} case ${c} maxLevel ${maxLevel}: scales`);
      }
    });
  });
});

test('quantizeRowsAsymmetric: a hand-computed row, the edge rows, scale · (q + offset) within half a step of x, native = JS', async (t) => {
  const quantize = (backend: Backend, x: Float32Array, rows: number, cols: number): { q: Int8Array; scales: Float32Array; offsets: Int32Array } => {
    const q = new Int8Array(rows * cols).fill(99), scales = new Float32Array(rows), offsets = new Int32Array(rows).fill(99);
    backend.quantizeRowsAsymmetric(q, scales, offsets, x, rows, cols);
    return { q, scales, offsets };
  };
  // [-1, 3]: scale 4 / 255, 255 / 4 = 63.75 per unit, zero point round(63.75) = 64 (offset 64); 0.5 → 31.875 → 32,
  // 3 → 191.25 → 191 (+ 64 = 255: q 127), -1 → -63.75 → -64 (+ 64 = 0: q -128); 0 is q -64, exactly -offset.
  const hand = quantize(jsBackend, Float32Array.from([-1, 0, 0.5, 3]), 1, 4);
  assert.deepEqual([...hand.q], [-128, -64, -32, 127]);
  assert.deepEqual([hand.scales[0], hand.offsets[0]], [Math.fround(4 / 255), 64]);
  // One sign: all positive → zero point 0 (offset 128), all negative → 255 (offset -127); every level used.
  const positive = quantize(jsBackend, Float32Array.from({ length: 256 }, (_, i) => i / 8), 1, 256);
  assert.deepEqual([positive.offsets[0], positive.q[0], positive.q[255]], [128, -128, 127]);
  assert.equal(new Set(positive.q).size, 256, 'a row of 256 evenly spaced values from 0 takes all 256 levels');
  // [-2, 0]: 127.5 per unit; -1 → -127.5, half to even → -128 (+ 255 = 127: q -1); -0.5 → -63.75 → -64 (q 63).
  const negative = quantize(jsBackend, Float32Array.from([-2, -1, -0.5]), 1, 3);
  assert.deepEqual([negative.offsets[0], [...negative.q]], [-127, [-128, -1, 63]]);
  // Rounding half to even: [0, 255] has scale 1, so x + 0 rounds as itself: 0.5 → 0, 1.5 → 2, 2.5 → 2.
  const halves = quantize(jsBackend, Float32Array.from([0, 0.5, 1.5, 2.5, 255]), 1, 5);
  assert.deepEqual([...halves.q].map((v) => v + 128), [0, 0, 2, 2, 255]);
  // Edge rows: zero; NaN; -Infinity; a range that overflows float32 (the symmetric row, offset 0).
  const edges = Float32Array.from([0, 0, 0, 1, NaN, 2, 1, -Infinity, 1, 3e38, -3e38, 1.5e38]);
  const special = quantize(jsBackend, edges, 4, 3);
  assert.deepEqual([special.scales[0], Number.isNaN(special.scales[1]), Number.isNaN(special.scales[2])], [0, true, true]);
  assert.deepEqual([...special.offsets], [0, 0, 0, 0]);
  assert.deepEqual([...special.q.subarray(0, 9)], new Array<number>(9).fill(0), 'zero and non-finite rows quantize to zeros');
  const symmetric = new Int8Array(3), symmetricScale = new Float32Array(1);
  jsBackend.quantizeRows(symmetric, symmetricScale, edges.subarray(9), 1, 3, 127);
  assert.deepEqual([[...special.q.subarray(9)], special.scales[3]], [[...symmetric], symmetricScale[0]]);
  // Random rows, GELU-like (one-sided with a small negative tail) and symmetric: the reconstruction error.
  const rng = new Rng(38);
  const cases: { rows: number; cols: number; x: Float32Array }[] = [];
  for (const [rows, cols] of [[1, 1], [3, 7], [5, 17], [9, 768], [64, 3072], [2, 33]] as const) {
    const x = randomArray(rng, rows * cols, 3);
    cases.push({ rows, cols, x }, { rows, cols, x: x.map((v) => v * 0.5 * (1 + Math.tanh(v))) });
  }
  for (const { rows, cols, x } of cases) {
    const { q, scales, offsets } = quantize(jsBackend, x, rows, cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const error = Math.abs(scales[r]! * (q[r * cols + c]! + offsets[r]!) - x[r * cols + c]!);
        assert.ok(error <= scales[r]! * 0.5001, `row ${r} col ${c}: |scale · (q + offset) − x| = ${error}, step ${scales[r]}`);
      }
    }
  }
  const all = [...cases, { rows: 1, cols: 4, x: Float32Array.from([-1, 0, 0.5, 3]) }, { rows: 4, cols: 3, x: edges }];
  const want = all.map(({ x, rows, cols }) => quantize(jsBackend, x, rows, cols));
  await forEachIsa(t, (native, isa) => {
    all.forEach(({ x, rows, cols }, c) => {
      const got = quantize(native, x, rows, cols);
      for (const part of ['q', 'scales', 'offsets'] as const) {
        assert.equal(firstMismatch(got[part], want[c]![part]), undefined, `${isa} case ${c}: ${part}`);
      }
    });
  });
});

test('int8 kernels refuse wrong arrays and sizes with errors, not crashes', (t) => {
  assert.throws(() => jsBackend.int8Gemm(new Float32Array(1), new Float32Array(1) as never, new Float32Array(1), null, new Int8Array(1),
    null, new Float32Array(1), null, null, null, 1, 1, 1, null), DTypeError);
  assert.throws(() => jsBackend.int8Gemm(new Float32Array(1), new Int8Array(1), new Float32Array(1), null, new Int8Array(1),
    new Uint8Array(1) as never, new Float32Array(1), null, null, null, 1, 1, 1, null), /packedB must be an Int8Array or null/);
  assert.throws(() => jsBackend.quantizeRows(new Int8Array(4), new Float64Array(1) as never, new Float64Array(4) as never, 1, 4, 127), DTypeError);
  assert.throws(() => jsBackend.quantizeRowsAsymmetric(new Int8Array(4), new Float32Array(1), new Float32Array(1) as never, new Float32Array(4), 1, 4),
    /offsets must be an Int32Array/);
  const offsetsAlone = (backend: Backend): void => backend.int8Gemm(new Float32Array(1), new Int8Array(1), new Float32Array(1), new Int32Array(1),
    new Int8Array(1), null, new Float32Array(1), null, null, null, 1, 1, 1, null);
  const tooLongK = (backend: Backend): void => backend.int8Gemm(new Float32Array(1), new Int8Array(65537), new Float32Array(1), null,
    new Int8Array(65537), null, new Float32Array(1), null, null, null, 1, 1, 65537, null);
  assert.throws(() => offsetsAlone(jsBackend), /aOffsets and bSums go together/);
  assert.throws(() => tooLongK(jsBackend), /above 65536/);
  const native = nativeOrSkip(t);
  if (native === undefined) return;
  assert.throws(() => offsetsAlone(native), /aOffsets and bSums go together/);
  assert.throws(() => tooLongK(native), /above 65536/);
  assert.throws(() => native.int8Gemm(new Float32Array(4), new Int8Array(4), new Float32Array(2), new Int32Array(1), new Int8Array(4),
    null, new Float32Array(2), new Int32Array(2), null, null, 2, 2, 2, null), /aOffsets has 1 elements/);
  assert.throws(() => native.quantizeRowsAsymmetric(new Int8Array(4), new Float32Array(1), new Int32Array(0), new Float32Array(4), 1, 4),
    /offsets has 0 elements/);
  assert.throws(() => native.int8Gemm(new Float32Array(4), new Int8Array(3), new Float32Array(2), null, new Int8Array(4),
    null, new Float32Array(2), null, null, null, 2, 2, 2, null), /a has 3 elements/);
  assert.throws(() => native.int8Gemm(new Float32Array(4), new Int8Array(4), new Float32Array(2), null, new Int8Array(4),
    null, new Float32Array(2), null, new Float32Array(1), null, 2, 2, 2, null), /bias has 1 elements/);
  assert.throws(() => native.int8Gemm(new Float32Array(4), new Int8Array(4), new Float32Array(2), null, new Int8Array(4),
    new Int8Array(8), new Float32Array(2), null, null, null, 2, 2, 2, null), /packedB has 8 elements/);
  assert.throws(() => native.int8PackWeight(new Int8Array(8), new Int8Array(4), 2, 2, 8), /packed has 8 elements/);
  assert.throws(() => native.quantizeRows(new Int8Array(3), new Float32Array(1), new Float32Array(4), 1, 4, 127), /q has 3 elements/);
  assert.throws(() => native.quantizeRows(new Uint8Array(4) as never, new Float32Array(1), new Float32Array(4), 1, 4, 127), DTypeError);
});

test('int8Gemm refuses a weight packed for other sizes, or for another kernel layout (the ISA switched since)', async (t) => {
  await forEachIsa(t, (native, isa) => {
    const [m, n, k] = [3, 16, 40];
    const rng = new Rng(34);
    const a = randomInt8(rng, m * k), b = randomInt8(rng, n * k), ones = new Float32Array(n).fill(1);
    const out = new Float32Array(m * n);
    const packed = packWeight(native, b, n, k)!;
    assert.ok(packed.length > n * k, `${isa}: a packed weight holds the header and whole panels`);
    // The same bytes read as a [2n, k / 2] weight (whole panels of 16 or 8 columns: the same buffer size), whose
    // header's sizes do not match.
    assert.throws(() => native.int8Gemm(new Float32Array(m * 2 * n), new Int8Array(m * k / 2), ones, null, b, packed,
      new Float32Array(2 * n), null, null, null, m, 2 * n, k / 2, null), /packed for another int8 kernel .* or another \[n, k\]/);
    const corrupted = packed.slice();
    corrupted[0] = 0;
    assert.throws(() => native.int8Gemm(out, a, ones, null, b, corrupted, ones, null, null, null, m, n, k, null), /packed for another/);
    // avx512 and avx2 run the same 6 × 16 kernel (one layout, so either reads the other's packing); avx512vnni's
    // u8 × s8 panels of 48 and generic's 8-column panels are another layout, which the header tells apart.
    const other = native.supportedIsas().find((name) => name !== isa);
    if (other === undefined) return;
    native.setIsa(other);
    try {
      const header = packWeight(native, b, n, k)!.subarray(0, 64);
      if (header.every((v, i) => v === packed[i])) {
        const got = new Float32Array(m * n);
        native.int8Gemm(got, a, ones, null, b, packed, ones, null, null, null, m, n, k, null);
        native.int8Gemm(out, a, ones, null, b, null, ones, null, null, null, m, n, k, null);
        assert.equal(firstMismatch(got, out), undefined, `${isa} packing read under ${other}`);
      } else {
        assert.throws(() => native.int8Gemm(out, a, ones, null, b, packed, ones, null, null, null, m, n, k, null), /packed for another int8 kernel/);
      }
    } finally {
      native.setIsa(isa);
    }
  });
});
