/**
 * The bfloat16 kernels. bf16Round against torch's own `.to(torch.bfloat16)` bits (reference/make_bf16_goldens.py:
 * ties, one bit either side, overflow to Inf, subnormals, signed zeros, random values of every scale), exactly, on
 * both backends; NaN by the rule of AVX512-BF16's vcvtneps2bf16 (sign and upper payload kept, quiet bit set).
 * bf16Gemm: the native product widens A and B while packing and runs the float32 micro-kernel, so it must equal the
 * native float32 gemm on the widened operands bit for bit, and the JS reference within float32 GEMM rounding — on
 * every ISA, every transpose layout, off-tile sizes, padded leading dimensions, alpha/beta, batches, the epilogue
 * and a deep k split into slabs.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import type { Backend, GemmParams } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/js/js-backend.js';
import { DTypeError } from '../../src/errors.js';
import { bfloat16BitsToFloat32 } from '../../src/io/tensor-conversions.js';
import { Rng } from '../../src/tensor/rng.js';
import { backendCases } from '../helpers/backends.js';
import { readFixture } from '../helpers/fixtures.js';
import { normRelativeError } from '../helpers/assert-close.js';
import { forEachIsa, NORM_RTOL, nativeOrSkip, randomArray } from './native-harness.js';

const golden = readFixture('reference', 'bf16', 'golden.safetensors');

function goldenRounding(): { values: Float32Array; bits: Uint16Array } {
  const values = golden.get('values').data;
  const bits = golden.get('values_bf16').data;
  assert.ok(values instanceof Float32Array && bits instanceof Int16Array, 'values F32, values_bf16 I16');
  return { values, bits: new Uint16Array(bits.buffer, bits.byteOffset, bits.length) };
}

function firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length} vs ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) return `element ${i}: ${actual[i]} vs ${expected[i]}`;
  }
  return undefined;
}

/** bf16Round against torch's bits, ties, overflow and NaNs (each native ISA compiles its own loop). */
function checkRounding(backend: Backend, label: string): void {
  const { values, bits } = goldenRounding();
  const out = new Uint16Array(values.length);
  backend.bf16Round(out, values, values.length);
  assert.equal(firstMismatch(out, bits), undefined, label);
  // Ties go to even: 0x3f808000 → 0x3f80, 0x3f818000 → 0x3f82; the largest float32 overflows to Inf.
  assert.deepEqual([...out.subarray(0, 2)], [0x3f80, 0x3f82]);
  assert.equal(out[8], 0x7f80);

  const nanBits = new Uint32Array([0x7fc00000, 0x7f800001, 0xffc00001, 0xff812345]);
  const nans = new Uint16Array(4);
  backend.bf16Round(nans, new Float32Array(nanBits.buffer), 4);
  assert.deepEqual([...nans], [0x7fc0, 0x7fc0, 0xffc0, 0xffc1]);
  for (const h of nans) assert.ok((h & 0x7f80) === 0x7f80 && (h & 0x40) !== 0, `${label}: quiet NaN ${h.toString(16)}`);
  // Every length's tail (the vector loops' remainders) against the JS reference's bits.
  const rng = new Rng(9);
  for (const n of [1, 15, 16, 17, 63, 64, 65, 1000]) {
    const x = randomArray(rng, n, 3);
    const want = new Uint16Array(n), got = new Uint16Array(n);
    jsBackend.bf16Round(want, x, n);
    backend.bf16Round(got, x, n);
    assert.equal(firstMismatch(got, want), undefined, `${label}: n = ${n}`);
  }
}

for (const backendCase of backendCases()) {
  test(`bf16Round gives torch's bfloat16 bits exactly; NaN stays a quiet NaN of its sign (${backendCase.name})`, async (t) => {
    if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
    checkRounding(backendCase.backend!, backendCase.name);
    if (backendCase.name === 'native') await forEachIsa(t, (native, isa) => checkRounding(native, isa));
  });
}

/**
 * bf16RoundSumRows is the same backend's bf16Round plus sumRowsAccumulate, bit for bit (bf16Round's bits are
 * checked against torch's above): shapes with a partial row block and a column
 * count off the vector width, one big enough for two threads' column ranges, a starting dBias to accumulate onto.
 */
function checkRoundSumRows(backend: Backend, label: string): void {
  const rng = new Rng(21);
  for (const [rows, cols] of [[1, 1], [3, 17], [9, 33], [17, 768], [700, 300]] as const) {
    const dy = randomArray(rng, rows * cols, 3), bias0 = randomArray(rng, cols);
    const wantBits = new Uint16Array(rows * cols), wantBias = bias0.slice();
    backend.bf16Round(wantBits, dy, rows * cols);
    backend.sumRowsAccumulate(wantBias, dy, rows, cols);
    const bits = new Uint16Array(rows * cols), bias = bias0.slice();
    backend.bf16RoundSumRows(bits, bias, dy, rows, cols);
    assert.equal(firstMismatch(bits, wantBits), undefined, `${label}: bits ${rows}×${cols}`);
    assert.deepEqual(bias, wantBias, `${label}: dBias ${rows}×${cols}`);
  }
}

for (const backendCase of backendCases()) {
  test(`bf16RoundSumRows equals bf16Round then sumRowsAccumulate exactly (${backendCase.name})`, async (t) => {
    if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
    checkRoundSumRows(backendCase.backend!, backendCase.name);
    if (backendCase.name === 'native') await forEachIsa(t, (native, isa) => checkRoundSumRows(native, isa));
  });
}

/** The widened operands' product by the backend's float32 gemm: what bf16Gemm must compute. */
function widenedGemm(backend: Backend, c: Float32Array, a: Uint16Array, b: Uint16Array, p: GemmParams): void {
  backend.gemm(c, bfloat16BitsToFloat32(a), bfloat16BitsToFloat32(b), p);
}

function roundedRandom(rng: Rng, n: number): Uint16Array {
  const bits = new Uint16Array(n);
  jsBackend.bf16Round(bits, randomArray(rng, n), n);
  return bits;
}

interface Case {
  label: string;
  p: GemmParams;
}

/** Off-tile sizes in every layout, padded leading dimensions, alpha and beta, a batch, the epilogue, a deep k. */
function cases(): Case[] {
  const out: Case[] = [];
  const base = { alpha: 1, beta: 0, batch: 1, strideA: 0, strideB: 0, strideC: 0 };
  for (const [m, n, k] of [[1, 1, 1], [7, 17, 3], [13, 33, 385], [61, 300, 257], [150, 64, 129]] as const) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const pad = 3;
        out.push({
          label: `${m}×${n}×${k} transA ${transA} transB ${transB}`,
          p: { ...base, transA, transB, m, n, k, lda: (transA ? m : k) + pad, ldb: (transB ? k : n) + pad, ldc: n + pad },
        });
      }
    }
  }
  out.push({ label: 'alpha −0.5, beta 1', p: { ...base, transA: false, transB: true, m: 20, n: 40, k: 50, lda: 50, ldb: 50, ldc: 40, alpha: -0.5, beta: 1 } });
  out.push({
    label: 'batch 3 with strides', p: { ...base, transA: false, transB: false, m: 9, n: 11, k: 13, lda: 13, ldb: 11, ldc: 11, batch: 3, strideA: 9 * 13, strideB: 13 * 11, strideC: 9 * 11 },
  });
  out.push({ label: 'deep k in slabs', p: { ...base, transA: false, transB: true, m: 2, n: 1100, k: 5000, lda: 5000, ldb: 5000, ldc: 1100 } });
  return out;
}

function extent(rows: number, cols: number, ld: number, batch: number, stride: number): number {
  return (batch - 1) * stride + (rows - 1) * ld + cols;
}

function run(backend: Backend, rng: Rng, { p }: Case, epilogue: boolean): { bf16: Float32Array; widened: Float32Array; js: Float32Array; a: Uint16Array; b: Uint16Array; c0: Float32Array; bias: Float32Array | undefined } {
  const a = roundedRandom(rng, extent(p.transA ? p.k : p.m, p.transA ? p.m : p.k, p.lda, p.batch, p.strideA));
  const b = roundedRandom(rng, extent(p.transB ? p.n : p.k, p.transB ? p.k : p.n, p.ldb, p.batch, p.strideB));
  const c0 = randomArray(rng, extent(p.m, p.n, p.ldc, p.batch, p.strideC));
  const params: GemmParams = epilogue
    ? { ...p, epilogue: { bias: randomArray(rng, p.n), gelu: 'none', preActivation: new Float32Array(c0.length) } }
    : p;
  const results = [Float32Array.from(c0), Float32Array.from(c0), Float32Array.from(c0)] as const;
  backend.bf16Gemm(results[0], a, b, params);
  widenedGemm(backend, results[1], a, b, epilogue ? { ...params, epilogue: { ...params.epilogue, preActivation: new Float32Array(c0.length) } } : params);
  jsBackend.bf16Gemm(results[2], a, b, epilogue ? { ...params, epilogue: { ...params.epilogue, preActivation: new Float32Array(c0.length) } } : params);
  return { bf16: results[0], widened: results[1], js: results[2], a, b, c0, bias: params.epilogue?.bias as Float32Array | undefined };
}

/**
 * ISAs whose bf16Gemm runs vdpbf16ps or AMX's tdpbf16ps (native/isa/bf16-gemm.h): they add each pair's two products
 * in float32 in their own order, so they equal the widened float32 GEMM within float32 summation error, not bit for bit.
 */
const DOT_PRODUCT_ISAS = new Set(['avx512bf16', 'avx512amx']);

/**
 * Per element of C, the bound on float32 summation error of alpha · Σ_p a b + beta · c0 (+ bias): k + 4 roundings
 * of 2^-24 each, relative to the sum of the magnitudes (Higham's γ_n with n = k + 4: pairs, k blocks, alpha, beta,
 * bias). Both the widened GEMM and vdpbf16ps are within it of the exact value, hence within twice it of each other.
 */
function summationBounds(a: Uint16Array, b: Uint16Array, c0: Float32Array, p: GemmParams, bias: Float32Array | undefined): Float32Array {
  const abs = (x: Uint16Array): Float32Array => bfloat16BitsToFloat32(x).map(Math.abs);
  const magnitudes = new Float32Array(c0.length);
  jsBackend.gemm(magnitudes, abs(a), abs(b), { ...p, alpha: Math.abs(p.alpha), beta: 0, epilogue: undefined });
  const gamma = 2 * (p.k + 4) * 2 ** -24;
  // The epilogue (bias) comes with batch 1 only, so element i is column i % ldc (columns from n on are padding).
  const biasAt = (i: number): number => (bias === undefined || i % p.ldc >= p.n ? 0 : Math.abs(bias[i % p.ldc]!));
  return magnitudes.map((s, i) => gamma * (s + Math.abs(p.beta * c0[i]!) + biasAt(i)));
}

test('native bf16Gemm equals the float32 gemm on the widened operands (bit for bit, or within float32 summation error where vdpbf16ps sums the pairs), and the JS reference within float32 rounding', async (t) => {
  await forEachIsa(t, (native, isa) => {
    const rng = new Rng(13);
    for (const c of cases()) {
      for (const epilogue of c.p.batch === 1 && c.p.beta === 0 ? [false, true] : [false]) {
        const { bf16, widened, js, a, b, c0, bias } = run(native, rng, c, epilogue);
        const label = `${c.label}${epilogue ? ' + epilogue' : ''}`;
        if (DOT_PRODUCT_ISAS.has(isa)) {
          const bounds = summationBounds(a, b, c0, c.p, bias);
          const worst = bf16.findIndex((v, i) => !(Math.abs(v - widened[i]!) <= bounds[i]!));
          assert.equal(worst, -1, `${label}: C[${worst}] = ${bf16[worst]} vs widened ${widened[worst]} (bound ${bounds[worst]})`);
        } else {
          assert.equal(firstMismatch(bf16, widened), undefined, `${label}: bf16Gemm vs gemm on widened operands`);
        }
        const error = normRelativeError(bf16, js);
        assert.ok(error <= NORM_RTOL, `${label}: native vs JS ${error.toExponential(2)}`);
      }
    }
  });
});

test('bf16Gemm and bf16Round refuse float32 where bfloat16 bits belong, and arrays shorter than the sizes', (t) => {
  const native = nativeOrSkip(t);
  const p: GemmParams = { transA: false, transB: true, m: 2, n: 3, k: 4, lda: 4, ldb: 4, ldc: 3, alpha: 1, beta: 0, batch: 1, strideA: 0, strideB: 0, strideC: 0 };
  for (const backend of native === undefined ? [jsBackend] : [jsBackend, native]) {
    const wrong = new Float32Array(8) as never;
    assert.throws(() => backend.bf16Gemm(new Float32Array(6), wrong, new Uint16Array(12), p), DTypeError);
    assert.throws(() => backend.bf16Round(wrong, new Float32Array(8), 8), DTypeError);
  }
  if (native !== undefined) {
    assert.throws(() => native.bf16Gemm(new Float32Array(6), new Uint16Array(7), new Uint16Array(12), p), /a/);
    assert.throws(() => native.bf16Round(new Uint16Array(3), new Float32Array(8), 8), /out/);
  }
});
