/**
 * Native fused and elementwise kernels against the JS reference kernels (the oracle), on every ISA this CPU runs,
 * on awkward sizes (vector tails) and sizes big enough to split across threads. Backward kernels start from
 * non-zero gradients, so accumulation (+=, not =) is checked too.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/js/js-backend.js';
import { Rng } from '../../src/tensor/rng.js';
import { normRelativeError } from '../helpers/assert-close.js';
import { ELEMENTWISE_ATOL, ELEMENTWISE_RTOL, forEachIsa, NORM_RTOL, randomArray, toleranceRatio } from './native-harness.js';

const SIZES = [1, 7, 15, 17, 63, 65, 1000, 70001];

function close(actual: Float32Array, expected: Float32Array, what: string): void {
  const ratio = toleranceRatio(actual, expected);
  assert.ok(ratio <= 1, `${what}: error ${ratio.toPrecision(3)}x the tolerance (${ELEMENTWISE_RTOL} rel + ${ELEMENTWISE_ATOL} abs)`);
}
function closeByNorm(actual: Float32Array, expected: Float32Array, what: string): void {
  const err = normRelativeError(actual, expected);
  assert.ok(err <= NORM_RTOL, `${what}: norm-relative error ${err}`);
}

test('gelu (erf and tanh forms) forward and backward match the JS reference', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(10);
    for (const n of SIZES) for (const form of ['none', 'tanh'] as const) {
      const x = randomArray(rng, n, 3), dy = randomArray(rng, n), dx0 = randomArray(rng, n);
      const out = new Float32Array(n), want = new Float32Array(n);
      native.geluForward(out, x, n, form);
      jsBackend.geluForward(want, x, n, form);
      close(out, want, `gelu ${form} n=${n}`);
      const dx = dx0.slice(), dxWant = dx0.slice();
      native.geluBackward(dx, x, dy, n, form);
      jsBackend.geluBackward(dxWant, x, dy, n, form);
      close(dx, dxWant, `gelu backward ${form} n=${n}`);
    }
  });
});

// GELU's erf form is a rational fit clamped at |x/√2| = 4 and cut to x·0 below it (isa/vec-math.h verf,
// isa/elementwise.h gelu_vec): a dense sweep through the cancellation region (x ≈ −5, where the error peaks at 0.77 of
// the tolerance) and past both cut-offs, and the non-finite values, against the JS reference's x (1 + erf(x/√2)) / 2.
test('gelu erf form: a dense sweep of [-12, 12] and the non-finite and huge values match the JS reference', async (t) => {
  await forEachIsa(t, (native) => {
    const n = 240_001;
    const x = Float32Array.from({ length: n }, (_, i) => -12 + (24 * i) / (n - 1));
    const out = new Float32Array(n), want = new Float32Array(n);
    native.geluForward(out, x, n, 'none');
    jsBackend.geluForward(want, x, n, 'none');
    close(out, want, 'gelu sweep');
    const special = Float32Array.of(Number.NaN, Infinity, -Infinity, 0, -0, 1e30, -1e30, 3e38, -3e38, 1e-30, -1e-30);
    const got = new Float32Array(special.length), expected = new Float32Array(special.length);
    native.geluForward(got, special, special.length, 'none');
    jsBackend.geluForward(expected, special, special.length, 'none');
    special.forEach((v, i) => assert.ok(Object.is(got[i], expected[i]) || Math.abs(got[i]! - expected[i]!) <= ELEMENTWISE_RTOL * Math.abs(expected[i]!) + ELEMENTWISE_ATOL,
      `gelu(${v}): native ${got[i]}, JS ${expected[i]}`));
  });
});

test('dropout draws exactly the masks, values and final state of the JS generator', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(17);
    // 4096 and up: the vector lanes (jumped-ahead streams, a transposed block of draws) plus a sequential tail.
    for (const n of [...SIZES, 255, 4095, 4096, 4097, 5000, 100_003]) {
      for (const p of [0.1, 0.5]) {
        const x = randomArray(rng, n);
        const seed = new Rng(n + Math.round(p * 10));
        const stateNative = seed.stateWords(), stateJs = seed.stateWords();
        const out = new Float32Array(n), mask = new Float32Array(n), outJs = new Float32Array(n), maskJs = new Float32Array(n);
        native.dropoutForward(out, mask, x, n, p, 1 / (1 - p), stateNative);
        jsBackend.dropoutForward(outJs, maskJs, x, n, p, 1 / (1 - p), stateJs);
        assert.deepEqual(mask, maskJs, `mask n=${n} p=${p}`);
        assert.deepEqual(out, outJs, `out n=${n} p=${p}`);
        assert.deepEqual(stateNative, stateJs, `state n=${n} p=${p}`);
      }
    }
    // The threshold's edges: p·2³² just above an integer (u = 0 alone dropped), and p within 2⁻⁴⁰ of 1 (every u dropped).
    // And p·2³² equal to draw 2000's u (kept: u < u is false) and half above it (dropped).
    const probe = new Rng(5);
    for (let i = 0; i < 2000; i++) probe.nextUint32();
    const u = probe.nextUint32();
    for (const p of [2 ** -33, 1 - 2 ** -40, u / 2 ** 32, (u + 0.5) / 2 ** 32]) {
      const n = 9000, x = randomArray(rng, n);
      const stateNative = new Rng(5).stateWords(), stateJs = new Rng(5).stateWords();
      const out = new Float32Array(n), mask = new Float32Array(n), outJs = new Float32Array(n), maskJs = new Float32Array(n);
      native.dropoutForward(out, mask, x, n, p, 1 / (1 - p), stateNative);
      jsBackend.dropoutForward(outJs, maskJs, x, n, p, 1 / (1 - p), stateJs);
      assert.deepEqual(mask, maskJs, `mask p=${p}`);
      assert.deepEqual(out, outJs, `out p=${p}`);
      assert.deepEqual(stateNative, stateJs, `state p=${p}`);
    }
    // Threads draw their slices from jumped-ahead copies of the state: the same stream on any thread count.
    const threads = native.getThreads();
    try {
      const n = 300_001, x = randomArray(rng, n);
      const want = { out: new Float32Array(n), mask: new Float32Array(n), state: new Rng(99).stateWords() };
      jsBackend.dropoutForward(want.out, want.mask, x, n, 0.1, 1 / 0.9, want.state);
      for (const count of [1, 2, 3]) {
        native.setThreads(count);
        const out = new Float32Array(n), mask = new Float32Array(n), state = new Rng(99).stateWords();
        native.dropoutForward(out, mask, x, n, 0.1, 1 / 0.9, state);
        assert.deepEqual(mask, want.mask, `mask on ${count} threads`);
        assert.deepEqual(out, want.out, `out on ${count} threads`);
        assert.deepEqual(state, want.state, `state on ${count} threads`);
      }
    } finally {
      native.setThreads(threads);
    }
    assert.throws(() => native.dropoutForward(new Float32Array(4), new Float32Array(4), new Float32Array(4), 4, 1, 1, new Int32Array(4)), /p must be in/);
    assert.throws(() => native.dropoutForward(new Float32Array(4), new Float32Array(4), new Float32Array(4), 4, 0.1, 1, new Int32Array(3)), /state/);
  });
});

test('tanh forward and backward match the JS reference (small |x| keeps relative accuracy)', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(11);
    for (const n of SIZES) {
      const x = randomArray(rng, n, 2);
      if (n > 2) x[1] = 1e-6;
      const out = new Float32Array(n), want = new Float32Array(n);
      native.tanhForward(out, x, n);
      jsBackend.tanhForward(want, x, n);
      close(out, want, `tanh n=${n}`);
      const dy = randomArray(rng, n), dx0 = randomArray(rng, n);
      const dx = dx0.slice(), dxWant = dx0.slice();
      native.tanhBackward(dx, want, dy, n);
      jsBackend.tanhBackward(dxWant, want, dy, n);
      close(dx, dxWant, `tanh backward n=${n}`);
    }
  });
});

test('addBiasInPlace and sumRowsAccumulate match the JS reference', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(12);
    for (const [rows, cols] of [[1, 1], [3, 7], [5, 17], [65, 63], [300, 768]] as const) {
      const x = randomArray(rng, rows * cols), bias = randomArray(rng, cols);
      const got = x.slice(), want = x.slice();
      native.addBiasInPlace(got, bias, rows, cols);
      jsBackend.addBiasInPlace(want, bias, rows, cols);
      close(got, want, `addBias ${rows}x${cols}`);
      const d0 = randomArray(rng, cols), dBias = d0.slice(), dWant = d0.slice();
      native.sumRowsAccumulate(dBias, x, rows, cols);
      jsBackend.sumRowsAccumulate(dWant, x, rows, cols);
      closeByNorm(dBias, dWant, `sumRows ${rows}x${cols}`);
    }
  });
});

test('axpby and multiplyAccumulate (beta 0 over NaN, beta 1, other; in place) match the JS reference', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(16);
    for (const n of SIZES) for (const [alpha, beta] of [[1, 1], [0.5, 0], [-2, 0.25], [1, 0]] as const) {
      const x = randomArray(rng, n), a = randomArray(rng, n), b = randomArray(rng, n);
      const y0 = beta === 0 ? new Float32Array(n).fill(Number.NaN) : randomArray(rng, n);
      const y = y0.slice(), yWant = beta === 0 ? new Float32Array(n) : y0.slice();
      native.axpby(y, x, n, alpha, beta);
      jsBackend.axpby(yWant, x, n, alpha, beta);
      close(y, yWant, `axpby n=${n} alpha=${alpha} beta=${beta}`);
      const out = y0.slice(), outWant = beta === 0 ? new Float32Array(n) : y0.slice();
      native.multiplyAccumulate(out, a, b, n, beta);
      jsBackend.multiplyAccumulate(outWant, a, b, n, beta);
      close(out, outWant, `multiplyAccumulate n=${n} beta=${beta}`);
    }
    // In place: y = alpha·y (a scale) and a = a ⊙ b (dropout's mask on a gradient).
    const n = 1000, x = randomArray(rng, n), b = randomArray(rng, n);
    const scaled = x.slice(), masked = x.slice();
    native.axpby(scaled, scaled, n, 0.3, 0);
    native.multiplyAccumulate(masked, masked, b, n, 0);
    close(scaled, x.map((v) => 0.3 * v), 'axpby in place');
    close(masked, x.map((v, i) => v * b[i]!), 'multiplyAccumulate in place');
  });
});

test('sumOfSquares matches a float64 sum and does not depend on the thread count; argmaxRows matches the JS reference', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(17);
    const threads = native.getThreads();
    try {
      for (const n of [0, ...SIZES, 3_000_001]) {
        const x = randomArray(rng, n, 3);
        const want = jsBackend.sumOfSquares(x, n);
        native.setThreads(1);
        const one = native.sumOfSquares(x, n);
        native.setThreads(Math.max(2, threads));
        const many = native.sumOfSquares(x, n);
        assert.ok(Math.abs(one - want) <= 1e-6 * Math.max(want, 1e-30), `sumOfSquares n=${n}: ${one} vs ${want}`);
        assert.equal(many, one, `sumOfSquares n=${n}: ${many} on several threads vs ${one} on one`);
      }
    } finally {
      native.setThreads(threads);
    }
    for (const [rows, cols] of [[1, 1], [3, 17], [50, 30522], [7, 1000]] as const) {
      const x = randomArray(rng, rows * cols);
      if (cols > 3) {
        x[1] = Number.NaN; // a NaN is never the maximum (row 0)
        x[cols + 2] = x[cols + 1] = 50; // ties keep the first (row 1)
      }
      const got = new Int32Array(rows), want = new Int32Array(rows);
      native.argmaxRows(got, x, rows, cols);
      jsBackend.argmaxRows(want, x, rows, cols);
      assert.deepEqual(got, want, `argmaxRows ${rows}x${cols}`);
      if (cols > 3) assert.equal(got[1], 1, 'a tie goes to the first index');
    }
  });
});

test('layerNorm forward (with and without residual) and backward match the JS reference', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(13);
    for (const [rows, cols] of [[1, 1], [2, 7], [3, 17], [4, 65], [130, 768]] as const) {
      for (const withResidual of [false, true]) {
        const n = rows * cols;
        const x = randomArray(rng, n, 2), residual = withResidual ? randomArray(rng, n) : null;
        const gamma = randomArray(rng, cols), beta = randomArray(rng, cols);
        const got = { out: new Float32Array(n), sum: new Float32Array(n), mean: new Float32Array(rows), rstd: new Float32Array(rows) };
        const want = { out: new Float32Array(n), sum: new Float32Array(n), mean: new Float32Array(rows), rstd: new Float32Array(rows) };
        native.layerNormForward(got.out, got.sum, got.mean, got.rstd, x, residual, gamma, beta, rows, cols, 1e-12);
        jsBackend.layerNormForward(want.out, want.sum, want.mean, want.rstd, x, residual, gamma, beta, rows, cols, 1e-12);
        const what = `layerNorm ${rows}x${cols} residual=${withResidual}`;
        close(got.sum, want.sum, `${what} sum`);
        close(got.mean, want.mean, `${what} mean`);
        close(got.rstd, want.rstd, `${what} rstd`);
        close(got.out, want.out, `${what} out`);
        // Inference passes out as sum too (no backward keeps it): the same out on both backends.
        for (const backend of [native, jsBackend]) {
          const shared = new Float32Array(n);
          backend.layerNormForward(shared, shared, new Float32Array(rows), new Float32Array(rows), x, residual, gamma, beta, rows, cols, 1e-12);
          close(shared, want.out, `${what} out with sum = out (${backend.name})`);
        }

        const dy = randomArray(rng, n);
        const dx0 = randomArray(rng, n), dg0 = randomArray(rng, cols), db0 = randomArray(rng, cols);
        const g = { dx: dx0.slice(), dGamma: dg0.slice(), dBeta: db0.slice() };
        const w = { dx: dx0.slice(), dGamma: dg0.slice(), dBeta: db0.slice() };
        native.layerNormBackward(g.dx, g.dGamma, g.dBeta, dy, want.sum, want.mean, want.rstd, gamma, rows, cols);
        jsBackend.layerNormBackward(w.dx, w.dGamma, w.dBeta, dy, want.sum, want.mean, want.rstd, gamma, rows, cols);
        closeByNorm(g.dx, w.dx, `${what} dx`);
        closeByNorm(g.dGamma, w.dGamma, `${what} dGamma`);
        closeByNorm(g.dBeta, w.dBeta, `${what} dBeta`);
      }
    }
  });
});

test('softmax forward (masked, scaled) and backward match the JS reference', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(14);
    for (const keys of [1, 7, 17, 65, 128]) for (const masked of [false, true]) {
      const batch = 2, heads = 3, queries = keys === 128 ? 64 : 5;
      const n = batch * heads * queries * keys;
      const scores = randomArray(rng, n, 4);
      let mask: Float32Array | null = null;
      if (masked) {
        mask = new Float32Array(batch * keys);
        for (let j = 0; j < mask.length; j++) mask[j] = j % 3 === 2 ? -10000 : 0;
      }
      const probs = new Float32Array(n), want = new Float32Array(n);
      native.softmaxForward(probs, scores, mask, batch, heads, queries, keys, 0.125);
      jsBackend.softmaxForward(want, scores, mask, batch, heads, queries, keys, 0.125);
      close(probs, want, `softmax keys=${keys} masked=${masked}`);
      const dProbs = randomArray(rng, n), d0 = randomArray(rng, n);
      const d = d0.slice(), dWant = d0.slice();
      native.softmaxBackward(d, want, dProbs, batch * heads * queries, keys, 0.125);
      jsBackend.softmaxBackward(dWant, want, dProbs, batch * heads * queries, keys, 0.125);
      closeByNorm(d, dWant, `softmax backward keys=${keys}`);
    }
  });
});

test('fused attention forward (masked, odd sizes, BERT-base heads, 1 and 2 threads) matches the JS reference', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(15);
    const threads = native.getThreads();
    try {
      for (const [batch, heads, seq, headDim] of [[1, 1, 1, 1], [2, 3, 17, 5], [3, 12, 40, 64], [2, 4, 128, 64]] as const) {
        for (const masked of [false, true]) {
          native.setThreads(seq === 40 ? 1 : threads);
          const rows = batch * seq * heads * headDim, square = batch * heads * seq * seq;
          const q = randomArray(rng, rows, 2), k = randomArray(rng, rows, 2), v = randomArray(rng, rows);
          let mask: Float32Array | null = null;
          if (masked) {
            mask = new Float32Array(batch * seq);
            for (let j = 0; j < mask.length; j++) mask[j] = j % seq >= seq - 2 && j % seq > 0 ? -10000 : 0;
          }
          const context = new Float32Array(rows).fill(Number.NaN), probs = new Float32Array(square).fill(Number.NaN);
          const contextWant = new Float32Array(rows), probsWant = new Float32Array(square);
          const scale = 1 / Math.sqrt(headDim);
          native.attentionForward(context, probs, q, k, v, mask, batch, heads, seq, headDim, scale);
          jsBackend.attentionForward(contextWant, probsWant, q, k, v, mask, batch, heads, seq, headDim, scale);
          const what = `attention ${batch}x${heads}x${seq}x${headDim} masked=${masked}`;
          closeByNorm(probs, probsWant, `${what} probs`);
          closeByNorm(context, contextWant, `${what} context`);
        }
      }
    } finally {
      native.setThreads(threads);
    }
  });
});

test('embedding forward and backward (repeated ids, padding row) match the JS reference', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(15);
    for (const [vocab, dim, n] of [[5, 1, 7], [11, 17, 30], [100, 768, 200]] as const) {
      const table = randomArray(rng, vocab * dim);
      const ids = Int32Array.from({ length: n }, () => rng.int(vocab));
      const out = new Float32Array(n * dim).fill(Number.NaN), want = new Float32Array(n * dim);
      native.embeddingForward(out, table, ids, n, dim);
      jsBackend.embeddingForward(want, table, ids, n, dim);
      assert.deepEqual(out, want);
      const dOut = randomArray(rng, n * dim), d0 = randomArray(rng, vocab * dim);
      for (const paddingIdx of [-1, 0]) {
        const d = d0.slice(), dWant = d0.slice();
        native.embeddingBackward(d, dOut, ids, n, dim, paddingIdx);
        jsBackend.embeddingBackward(dWant, dOut, ids, n, dim, paddingIdx);
        closeByNorm(d, dWant, `embedding backward ${vocab}x${dim} padding=${paddingIdx}`);
      }
    }
  });
});

test('crossEntropy forward and backward (ignored rows) match the JS reference', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(16);
    for (const [rows, classes] of [[1, 1], [3, 7], [9, 65], [70, 1000]] as const) {
      const logits = randomArray(rng, rows * classes, 3);
      const labels = Int32Array.from({ length: rows }, (_, r) => (r % 4 === 3 ? -100 : rng.int(classes)));
      const probs = new Float32Array(rows * classes), want = new Float32Array(rows * classes);
      const got = native.crossEntropyForward(probs, logits, labels, rows, classes, -100);
      const ref = jsBackend.crossEntropyForward(want, logits, labels, rows, classes, -100);
      close(probs, want, `crossEntropy probs ${rows}x${classes}`);
      assert.equal(got.count, ref.count);
      assert.ok(Math.abs(got.lossSum - ref.lossSum) <= ELEMENTWISE_RTOL * Math.abs(ref.lossSum) + ELEMENTWISE_ATOL,
        `lossSum ${got.lossSum} vs ${ref.lossSum}`);
      const d0 = randomArray(rng, rows * classes), d = d0.slice(), dWant = d0.slice();
      native.crossEntropyBackward(d, want, labels, rows, classes, -100, 0.25);
      jsBackend.crossEntropyBackward(dWant, want, labels, rows, classes, -100, 0.25);
      close(d, dWant, `crossEntropy backward ${rows}x${classes}`);
    }
  });
});

test('adamwStep matches the JS reference over several steps', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(17);
    for (const n of SIZES) {
      const p0 = randomArray(rng, n);
      const got = { p: p0.slice(), m: new Float32Array(n), v: new Float32Array(n) };
      const want = { p: p0.slice(), m: new Float32Array(n), v: new Float32Array(n) };
      for (let step = 1; step <= 3; step++) {
        // Step 2 folds a clipping coefficient in; the scaled gradient is left in grad, as clipping leaves it.
        const gradScale = step === 2 ? 0.37 : 1;
        const grad = randomArray(rng, n);
        const gradWant = grad.slice();
        native.adamwStep(got.p, got.m, got.v, grad, n, 1e-3, 0.9, 0.999, 1e-8, 0.01, step, gradScale);
        jsBackend.adamwStep(want.p, want.m, want.v, gradWant, n, 1e-3, 0.9, 0.999, 1e-8, 0.01, step, gradScale);
        close(grad, gradWant, `adamw scaled grad n=${n} step ${step}`);
      }
      close(got.p, want.p, `adamw param n=${n}`);
      close(got.m, want.m, `adamw m n=${n}`);
      close(got.v, want.v, `adamw v n=${n}`);
    }
  });
});

test('sumOfSquaresRows equals sumOfSquares bit for bit on an x that is zero outside the rows', async (t) => {
  const check = (name: string, backend: Backend): void => {
    const rng = new Rng(29);
    // 37 columns: rows straddle the 1024-element blocks and the ranges of the native sum; 1 and 3 rows: tiny x.
    for (const [rowsOfX, cols, count] of [[3001, 37, 700], [3001, 37, 1], [3, 5, 2], [1, 1, 1], [20000, 256, 900]] as const) {
      const n = rowsOfX * cols;
      const marked = new Set(Array.from({ length: count }, () => rng.int(rowsOfX)));
      const rows = Int32Array.from(marked).sort();
      const x = new Float32Array(n);
      for (const row of rows) for (let c = 0; c < cols; c++) x[row * cols + c] = rng.normal();
      assert.equal(backend.sumOfSquaresRows(x, rows, rows.length, cols, n), backend.sumOfSquares(x, n),
        `${name} ${rowsOfX}x${cols}, ${rows.length} rows`);
    }
    assert.throws(() => backend.sumOfSquaresRows(new Float32Array(6), Int32Array.from([1, 0]), 2, 3, 6), /rows\[1\] = 0 is not ascending/);
    assert.throws(() => backend.sumOfSquaresRows(new Float32Array(6), Int32Array.from([2]), 1, 3, 6), /rows\[0\] = 2 is not ascending or not a row of x/);
  };
  check('js', jsBackend);
  await forEachIsa(t, (native, isa) => check(isa, native));
});

/** The fused clipping scale against axpby's separate pass: every array equal, bit for bit. */
function checkFusedScaling(name: string, backend: Backend): void {
  const rng = new Rng(23);
  for (const n of SIZES) {
    const p0 = randomArray(rng, n), m0 = randomArray(rng, n), v0 = randomArray(rng, n).map(Math.abs), g0 = randomArray(rng, n);
    const fused = { p: p0.slice(), m: m0.slice(), v: v0.slice(), g: g0.slice() };
    const apart = { p: p0.slice(), m: m0.slice(), v: v0.slice(), g: g0.slice() };
    backend.adamwStep(fused.p, fused.m, fused.v, fused.g, n, 1e-3, 0.9, 0.999, 1e-8, 0.01, 7, 0.123456789);
    backend.axpby(apart.g, apart.g, n, 0.123456789, 0);
    backend.adamwStep(apart.p, apart.m, apart.v, apart.g, n, 1e-3, 0.9, 0.999, 1e-8, 0.01, 7, 1);
    for (const key of ['p', 'm', 'v', 'g'] as const) {
      assert.deepEqual(fused[key], apart[key], `${name} n=${n}: ${key} differs between the fused and the separate scaling`);
    }
  }
}

test('JS adamwStep with a gradScale is bit-identical to axpby scaling the gradient, then adamwStep', () => {
  checkFusedScaling('js', jsBackend);
});

test('native adamwStep with a gradScale is bit-identical to axpby scaling the gradient, then adamwStep', async (t) => {
  await forEachIsa(t, (native, isa) => checkFusedScaling(isa, native));
});
