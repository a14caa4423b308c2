/**
 * Native SGEMM against the JS reference GEMM (the oracle), on every ISA this CPU runs: awkward sizes around the
 * micro-tile edges, all four transpose layouts, padded leading dimensions, alpha/beta, batches with stride-0
 * broadcast, beta = 0 over a NaN-filled C, subarray views, and sizes large enough for threads and cache blocks.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import type { GemmParams } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/js/js-backend.js';
import type { NativeBackend } from '../../src/backend/native/native-backend.js';
import { Rng } from '../../src/tensor/rng.js';
import { normRelativeError } from '../helpers/assert-close.js';
import { forEachIsa, NORM_RTOL, randomArray } from './native-harness.js';

interface Case {
  m: number; n: number; k: number;
  transA?: boolean; transB?: boolean;
  /** Extra elements per stored row (leading dimension > row length). */
  pad?: number;
  alpha?: number; beta?: number;
  batch?: number;
  /** Which operands are shared by the whole batch (stride 0). */
  broadcastA?: boolean; broadcastB?: boolean;
}

function params(c: Case): GemmParams {
  const pad = c.pad ?? 0;
  const transA = c.transA ?? false, transB = c.transB ?? false;
  const lda = (transA ? c.m : c.k) + pad;
  const ldb = (transB ? c.k : c.n) + pad;
  const ldc = c.n + pad;
  const aSize = (transA ? c.k : c.m) * lda, bSize = (transB ? c.n : c.k) * ldb, cSize = c.m * ldc;
  return {
    transA, transB, m: c.m, n: c.n, k: c.k, lda, ldb, ldc, alpha: c.alpha ?? 1, beta: c.beta ?? 0,
    batch: c.batch ?? 1, strideA: c.broadcastA ? 0 : aSize, strideB: c.broadcastB ? 0 : bSize, strideC: cSize,
  };
}

/** Runs one case on native and JS; C starts as NaN when beta = 0 (it must never be read) and random otherwise. */
function check(native: NativeBackend, rng: Rng, c: Case): void {
  const p = params(c);
  const aLen = p.strideA * (p.batch - 1) + (p.transA ? p.k : p.m) * p.lda;
  const bLen = p.strideB * (p.batch - 1) + (p.transB ? p.n : p.k) * p.ldb;
  const cLen = p.strideC * p.batch;
  const a = randomArray(rng, Math.max(aLen, 1));
  const b = randomArray(rng, Math.max(bLen, 1));
  const c0 = p.beta === 0 ? new Float32Array(cLen).fill(Number.NaN) : randomArray(rng, cLen);
  const cNative = c0.slice();
  const cExpected = p.beta === 0 ? new Float32Array(cLen) : c0.slice();
  native.gemm(cNative, a, b, p);
  jsBackend.gemm(cExpected, a, b, p);
  // Padding columns of C are never written: compare them too (they must still hold the old values).
  if (p.beta === 0) {
    for (let i = 0; i < cLen; i++) {
      const inside = (i % p.strideC) % p.ldc < p.n;
      if (!inside) cExpected[i] = Number.NaN;
    }
    for (let i = 0; i < cLen; i++) {
      if (Number.isNaN(cExpected[i]!)) {
        assert.ok(Number.isNaN(cNative[i]!), `padding element ${i} was written`);
        cNative[i] = 0;
        cExpected[i] = 0;
      }
    }
  }
  const err = normRelativeError(cNative, cExpected);
  assert.ok(err <= NORM_RTOL, `${JSON.stringify(c)}: norm-relative error ${err}`);
}

/** Runs `body` with the native backend on 1 thread, then on 2, and restores its thread count. */
function onOneAndTwoThreads(native: NativeBackend, body: () => void): void {
  const threads = native.getThreads();
  try {
    for (const n of [1, 2]) {
      native.setThreads(n);
      body();
    }
  } finally {
    native.setThreads(threads);
  }
}

const AWKWARD = [1, 7, 15, 17, 63, 65];

test('gemm matches the JS reference on awkward sizes, all transposes', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(1);
    for (const m of AWKWARD) for (const n of AWKWARD) for (const k of [1, 17, 65]) {
      for (const transA of [false, true]) for (const transB of [false, true]) check(native, rng, { m, n, k, transA, transB });
    }
  });
});

test('gemm honours leading dimensions, alpha and beta (0 over NaN, 1, other)', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(2);
    for (const beta of [0, 1, -0.5]) {
      for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        check(native, rng, { m: 33, n: 50, k: 21, pad: 5, alpha: 0.75, beta, transA, transB });
      }
    }
  });
});

test('gemm with an empty inner dimension writes beta · C (zeros for beta = 0)', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(3);
    check(native, rng, { m: 9, n: 18, k: 0, beta: 0 });
    check(native, rng, { m: 9, n: 18, k: 0, beta: 0.5 });
  });
});

test('gemm batches with strides and stride-0 broadcast (attention shapes)', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(4);
    check(native, rng, { m: 17, n: 33, k: 15, batch: 3 });
    check(native, rng, { m: 17, n: 33, k: 15, batch: 3, broadcastA: true, transB: true });
    check(native, rng, { m: 17, n: 33, k: 15, batch: 4, broadcastB: true, beta: 1 });
    // Q·Kᵀ per head: queries and keys are 64-wide slices of [seq, 768] rows (lda = ldb = 768).
    const seq = 40, hidden = 768, headDim = 64, heads = 3;
    const q = randomArray(rng, seq * hidden), kMat = randomArray(rng, seq * hidden);
    const p: GemmParams = {
      transA: false, transB: true, m: seq, n: seq, k: headDim, lda: hidden, ldb: hidden, ldc: seq,
      alpha: 0.125, beta: 0, batch: heads, strideA: headDim, strideB: headDim, strideC: seq * seq,
    };
    const got = new Float32Array(heads * seq * seq).fill(Number.NaN), want = new Float32Array(heads * seq * seq);
    native.gemm(got, q, kMat, p);
    jsBackend.gemm(want, q, kMat, p);
    assert.ok(normRelativeError(got, want) <= NORM_RTOL);
  });
});

test('gemm batch items writing side-by-side column blocks of C (attention context: heads of [seq, hidden]) run concurrently and correctly', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(14);
    const seq = 128, hidden = 768, headDim = 64, heads = 12;
    for (const [beta, transA] of [[0, false], [1, false], [1, true]] as const) {
      // context (= P·V) and its gradients: m = seq, n = headDim, each head a 64-column block of the same rows.
      const probs = randomArray(rng, heads * seq * seq), v = randomArray(rng, seq * hidden);
      const p: GemmParams = {
        transA, transB: false, m: seq, n: headDim, k: seq, lda: seq, ldb: hidden, ldc: hidden,
        alpha: 1, beta, batch: heads, strideA: seq * seq, strideB: headDim, strideC: headDim,
      };
      const start = beta === 0 ? new Float32Array(seq * hidden).fill(Number.NaN) : randomArray(rng, seq * hidden);
      const got = start.slice(), want = beta === 0 ? new Float32Array(seq * hidden) : start.slice();
      for (const threads of [1, 2]) {
        const saved = native.getThreads();
        native.setThreads(threads);
        const out = got.slice();
        native.gemm(out, probs, v, p);
        native.setThreads(saved);
        if (threads === 1) jsBackend.gemm(want, probs, v, p);
        assert.ok(normRelativeError(out, want) <= NORM_RTOL, `beta ${beta} transA ${transA} threads ${threads}`);
      }
    }
  });
});

test('gemm on large sizes (threads, several cache blocks, Linear layout)', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(5);
    check(native, rng, { m: 131, n: 801, k: 700, transB: true });
    check(native, rng, { m: 200, n: 390, k: 1000, beta: 1 });
    check(native, rng, { m: 97, n: 130, k: 333, transA: true, transB: true, pad: 3 });
  });
});

test('gemm across cache blocks: k past several k blocks and the unrolled loop\'s remainder, rows past several A blocks with a partial sliver, 1 and 2 threads', async (t) => {
  // Sizes from {1, 5, 17, 63, 65, 255, 257, 769}: k = 255, 257, 769 span one to four k blocks (256 on AVX2, 384 on
  // AVX-512) with k % 4 = 3, 1, 1; m = 257, 769 span several row blocks (144 rows on AVX2) ending in a partial
  // 6-row sliver; n = 1, 5, 17, 65 end in a partial panel.
  const cases: Array<Omit<Case, 'transA' | 'transB'>> = [
    { m: 257, n: 65, k: 769, pad: 3 },
    { m: 769, n: 17, k: 257, alpha: 1.5, beta: 0.5 },
    { m: 63, n: 257, k: 255, pad: 1, beta: 1 },
    { m: 5, n: 769, k: 257 },
    { m: 255, n: 5, k: 65, alpha: -0.5, beta: -1 },
    { m: 1, n: 255, k: 769, pad: 2 },
    { m: 769, n: 1, k: 63 },
    { m: 65, n: 63, k: 5, pad: 4, beta: 0.25 },
  ];
  await forEachIsa(t, (native) => {
    const rng = new Rng(11);
    onOneAndTwoThreads(native, () => {
      for (const c of cases) {
        for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
          check(native, rng, { ...c, transA, transB });
        }
      }
    });
  });
});

test('gemm with a transposed A tall enough for whole-row tasks (weight gradients), on 1 and 2 threads', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(8);
    onOneAndTwoThreads(native, () => {
      // 700 rows = 11 row blocks >= 4 per thread: each task packs its A block once and sweeps every column group.
      check(native, rng, { m: 700, n: 150, k: 401, transA: true, pad: 2, beta: 1 });
      check(native, rng, { m: 700, n: 97, k: 390, transA: true, transB: true });
    });
  });
});

test('gemm epilogue (bias, GELU in both forms, saved pre-activation) matches the JS reference, edges and threads', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(9);
    const cases: Array<{ m: number; n: number; k: number; pad: number }> = [
      { m: 1, n: 1, k: 1, pad: 0 }, { m: 17, n: 65, k: 33, pad: 3 }, { m: 131, n: 801, k: 700, pad: 0 }, { m: 9, n: 18, k: 0, pad: 2 },
    ];
    for (const { m, n, k, pad } of cases) {
      for (const epilogue of ['bias', 'gelu', 'gelu-tanh', 'gelu-saved'] as const) {
        const ldc = n + pad;
        const p: GemmParams = {
          transA: false, transB: true, m, n, k, lda: k, ldb: k, ldc, alpha: 1, beta: 0, batch: 1, strideA: 0, strideB: 0, strideC: 0,
        };
        const a = randomArray(rng, Math.max(m * k, 1)), b = randomArray(rng, Math.max(n * k, 1)), bias = randomArray(rng, n);
        const run = (backend: typeof native | typeof jsBackend): { c: Float32Array; pre: Float32Array } => {
          const c = new Float32Array(m * ldc).fill(Number.NaN), pre = new Float32Array(m * ldc);
          backend.gemm(c, a, b, {
            ...p,
            epilogue: {
              bias,
              ...(epilogue === 'bias' ? {} : { gelu: epilogue === 'gelu-tanh' ? 'tanh' : 'none' }),
              ...(epilogue === 'gelu-saved' ? { preActivation: pre } : {}),
            },
          });
          return { c, pre };
        };
        const got = run(native), want = run(jsBackend);
        for (let i = 0; i < m * ldc; i++) {
          if (i % ldc >= n) { // padding columns are never written
            assert.ok(Number.isNaN(got.c[i]!), `padding element ${i} was written`);
            got.c[i] = want.c[i] = 0;
          }
        }
        const label = `${m}x${n}x${k} ${epilogue}`;
        assert.ok(normRelativeError(got.c, want.c) <= NORM_RTOL, `${label}: output`);
        assert.ok(normRelativeError(got.pre, want.pre) <= NORM_RTOL, `${label}: pre-activation`);
      }
    }
  });
});

test('gemm on a B too wide to pack at once (an MLM decoder: B~ goes in column chunks)', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(7);
    // k·n = 4.5 M floats, over the 4 M-float pack budget in native/gemm.cc: two chunks, the second partial.
    check(native, rng, { m: 9, n: 70001, k: 64, transB: true, beta: 1 });
  });
});

test('gemm with a deep inner dimension (an MLM decoder input gradient: k in slabs), with and without an epilogue', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(10);
    // k·n = 5.5 M floats, over the pack budget, and k > 4096: three slabs of k, each accumulating into C.
    check(native, rng, { m: 21, n: 101, k: 54321 });
    check(native, rng, { m: 21, n: 101, k: 54321, transA: true, transB: true, beta: 1, pad: 2 });
    const m = 5, n = 300, k = 20000;
    const a = randomArray(rng, m * k), b = randomArray(rng, n * k), bias = randomArray(rng, n);
    const p: GemmParams = {
      transA: false, transB: true, m, n, k, lda: k, ldb: k, ldc: n, alpha: 1, beta: 0, batch: 1, strideA: 0, strideB: 0, strideC: 0,
      epilogue: { bias, gelu: 'none' },
    };
    const got = new Float32Array(m * n).fill(Number.NaN), want = new Float32Array(m * n);
    native.gemm(got, a, b, p);
    jsBackend.gemm(want, a, b, p);
    assert.ok(normRelativeError(got, want) <= NORM_RTOL, 'epilogue once, after the last slab');
  });
});

test('gemm reads and writes subarray views at their byte offset', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(6);
    const m = 9, n = 20, k = 11;
    const bigA = randomArray(rng, 5 + m * k), bigB = randomArray(rng, 3 + k * n), bigC = new Float32Array(7 + m * n + 4);
    const a = bigA.subarray(5), b = bigB.subarray(3), c = bigC.subarray(7, 7 + m * n);
    const p: GemmParams = {
      transA: false, transB: false, m, n, k, lda: k, ldb: n, ldc: n, alpha: 1, beta: 0, batch: 1,
      strideA: 0, strideB: 0, strideC: 0,
    };
    native.gemm(c, a, b, p);
    const want = new Float32Array(m * n);
    jsBackend.gemm(want, a.slice(), b.slice(), p);
    assert.ok(normRelativeError(c, want) <= NORM_RTOL);
    assert.deepEqual([...bigC.subarray(0, 7), ...bigC.subarray(7 + m * n)], new Array(11).fill(0));
  });
});

test('gemm on Float64Array delegates to the JS kernel', async (t) => {
  await forEachIsa(t, (native) => {
    const a = Float64Array.from([1, 2, 3, 4]), b = Float64Array.from([5, 6, 7, 8]), c = new Float64Array(4);
    native.gemm(c, a, b, {
      transA: false, transB: false, m: 2, n: 2, k: 2, lda: 2, ldb: 2, ldc: 2, alpha: 1, beta: 0, batch: 1,
      strideA: 0, strideB: 0, strideC: 0,
    });
    assert.deepEqual([...c], [19, 22, 43, 50]);
  });
});
