/**
 * `tsbert bench <subject>`: timing commands that print one JSON object with the keys the reference scripts in
 * bench/ print, so one script can join them side by side. Each subject registers itself as a subcommand in a
 * function of its own (`bench gemm` here; `bench forward`, `bench train-step` can follow the same shape).
 *
 * Every benchmark checks its result against the JS reference before timing and fails (exit 1) when it is wrong:
 * a fast wrong kernel never produces a number.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { Backend, GemmParams } from '../../backend/backend.js';
import { jsBackend } from '../../backend/js/js-backend.js';
import { loadNative } from '../../backend/native/load-native.js';
import { isNativeIsa, NATIVE_ISAS, type NativeIsa } from '../../backend/native/native-backend.js';
import { getBackend } from '../../backend/select.js';
import { BackendError, ConfigError } from '../../errors.js';
import { Rng } from '../../tensor/rng.js';

/** float32 GEMM vs the JS reference, by norm over the checked rows: float32 rounding grows like √k (k ≤ ~10⁴). */
const GEMM_CHECK_RTOL = 1e-5;
/** Rows of C checked against the (slow) JS reference when C is big: spread over the whole matrix, incl. the last. */
const GEMM_CHECK_ROWS = 24;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function isaName(value: string): NativeIsa {
  if (isNativeIsa(value)) return value;
  throw new InvalidArgumentError(`expected one of ${NATIVE_ISAS.join(', ')}`);
}

function backendName(value: string): 'js' | 'native' {
  if (value === 'js' || value === 'native') return value;
  throw new InvalidArgumentError('expected js or native');
}

/** The options every `bench` subcommand shares: which backend, how many threads, how long, how to print. */
interface CommonOptions {
  backend?: 'js' | 'native';
  isa?: NativeIsa;
  threads?: number;
  seconds: number;
  json?: boolean;
}

function addCommonOptions(command: Command): Command {
  return command
    .option('--backend <name>', 'js or native (default: the one tsbert picks, see TSBERT_BACKEND)', backendName)
    .option('--isa <isa>', `native kernels to use: ${NATIVE_ISAS.join(', ')} (default: the best this CPU runs)`, isaName)
    .option('--threads <n>', 'threads for native kernels (default: TSBERT_THREADS or the number of cores)', positiveInt)
    .option('--seconds <s>', 'time to spend measuring, after warm-up', positiveNumber, 2)
    .option('--json', 'print one JSON object (the default prints a readable line)');
}

/** The backend a benchmark runs on, configured as the options ask. */
function chooseBackend(options: CommonOptions): Backend {
  let backend: Backend;
  if (options.backend === 'js') backend = jsBackend;
  else if (options.backend === 'native' || options.isa !== undefined) backend = loadNative();
  else backend = getBackend();
  if (options.isa !== undefined) {
    if (backend.name !== 'native') throw new ConfigError('--isa needs the native backend');
    loadNative().setIsa(options.isa);
  }
  if (options.threads !== undefined) backend.setThreads(options.threads);
  return backend;
}

/** Median, best and count of the call's durations in ms, measured for about `seconds` after 3 warm-up calls. */
function timeCalls(call: () => void, seconds: number): { medianMs: number; bestMs: number; reps: number } {
  for (let i = 0; i < 3; i++) call();
  const times: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  while (times.length < 5 || (performance.now() < deadline && times.length < 100_000)) {
    const start = performance.now();
    call();
    times.push(performance.now() - start);
  }
  times.sort((x, y) => x - y);
  return { medianMs: times[times.length >> 1]!, bestMs: times[0]!, reps: times.length };
}

function printResult(result: Record<string, string | number | boolean>, json: boolean | undefined): void {
  if (json === true) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const fields = Object.entries(result).map(([key, value]) => `${key}=${String(value)}`);
  process.stdout.write(`${fields.join(' ')}\n`);
}

interface GemmOptions extends CommonOptions {
  m: number;
  k: number;
  n: number;
  transB?: boolean;
  transA?: boolean;
  /** Attention's Q·Kᵀ: `heads` products [m, k]·[k, n] whose rows are k-wide slices of [m, heads·k] rows. */
  attention?: boolean;
  heads: number;
}

/** The GEMM a run times and the operand sizes it needs. */
function gemmProblem(options: GemmOptions): { p: GemmParams; aSize: number; bSize: number; cSize: number } {
  const { m, k, n, heads } = options;
  if (options.attention === true) {
    // Q [m, heads·k] and K [n, heads·k] as a Linear layer leaves them; head h starts at column h·k.
    const p: GemmParams = {
      transA: false, transB: true, m, n, k, lda: heads * k, ldb: heads * k, ldc: n, alpha: 1, beta: 0,
      batch: heads, strideA: k, strideB: k, strideC: m * n,
    };
    return { p, aSize: m * heads * k, bSize: n * heads * k, cSize: heads * m * n };
  }
  const transB = options.transB === true;
  const transA = options.transA === true;
  const p: GemmParams = {
    transA, transB, m, n, k, lda: transA ? m : k, ldb: transB ? k : n, ldc: n, alpha: 1, beta: 0,
    batch: 1, strideA: 0, strideB: 0, strideC: 0,
  };
  return { p, aSize: m * k, bSize: k * n, cSize: m * n };
}

/**
 * Checks C = A·B (A [m, k]; B [k, n], or [n, k] with --trans-b) from `backend` against the JS reference on a
 * sample of rows; throws BackendError when they disagree. Returns the norm-relative error and the rows checked.
 */
export function checkGemm(c: Float32Array, a: Float32Array, b: Float32Array, p: GemmParams): { error: number; rows: number } {
  if (p.batch > 1) {
    // Batched problems here are attention-sized: check every element.
    const expected = new Float32Array(c.length);
    jsBackend.gemm(expected, a, b, p);
    return { error: assertGemmClose(c, expected, p.batch * p.m), rows: p.batch * p.m };
  }
  const rows: number[] = [];
  if (p.m <= GEMM_CHECK_ROWS) for (let i = 0; i < p.m; i++) rows.push(i);
  else for (let s = 0; s < GEMM_CHECK_ROWS; s++) rows.push(Math.round((s * (p.m - 1)) / (GEMM_CHECK_ROWS - 1)));
  // The sampled rows of op(A), gathered as a row-major [rows, k] matrix.
  const aRows = new Float32Array(rows.length * p.k);
  rows.forEach((row, i) => {
    for (let q = 0; q < p.k; q++) aRows[i * p.k + q] = p.transA ? a[q * p.lda + row]! : a[row * p.lda + q]!;
  });
  const expected = new Float32Array(rows.length * p.n);
  jsBackend.gemm(expected, aRows, b, { ...p, transA: false, m: rows.length, lda: p.k });
  const got = new Float32Array(rows.length * p.n);
  rows.forEach((row, i) => got.set(c.subarray(row * p.ldc, row * p.ldc + p.n), i * p.n));
  return { error: assertGemmClose(got, expected, rows.length), rows: rows.length };
}

/** Norm-relative error of `got` against `expected`; throws BackendError above GEMM_CHECK_RTOL (or on NaN). */
function assertGemmClose(got: Float32Array, expected: Float32Array, rows: number): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    diff += (got[i]! - expected[i]!) ** 2;
    norm += expected[i]! ** 2;
  }
  const error = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
  if (!(error <= GEMM_CHECK_RTOL)) {
    throw new BackendError(
      `bench gemm: the result disagrees with the JS reference (norm-relative error ${error.toExponential(2)} > ` +
        `${GEMM_CHECK_RTOL} on ${rows} rows); not timing a wrong kernel`,
    );
  }
  return error;
}

function runGemmBench(options: GemmOptions): void {
  const backend = chooseBackend(options);
  const { m, k, n } = options;
  const { p, aSize, bSize, cSize } = gemmProblem(options);
  const rng = new Rng(20240601);
  const a = new Float32Array(aSize);
  const b = new Float32Array(bSize);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  for (let i = 0; i < b.length; i++) b[i] = rng.normal();
  const c = new Float32Array(cSize).fill(Number.NaN);
  backend.gemm(c, a, b, p);
  const check = checkGemm(c, a, b, p);
  const timing = timeCalls(() => backend.gemm(c, a, b, p), options.seconds);
  const flops = 2 * m * n * k * p.batch;
  printResult({
    bench: options.attention === true ? 'gemm-attention' : 'gemm',
    backend: backend.name,
    isa: backend.isa,
    threads: backend.getThreads(),
    m, k, n,
    transA: p.transA,
    transB: p.transB,
    batch: p.batch,
    gflops: Number((flops / (timing.medianMs * 1e6)).toFixed(1)),
    gflops_best: Number((flops / (timing.bestMs * 1e6)).toFixed(1)),
    ms_median: Number(timing.medianMs.toFixed(4)),
    reps: timing.reps,
    check_rel_error: Number(check.error.toExponential(2)),
    checked_rows: check.rows,
  }, options.json);
}

function registerBenchGemm(bench: Command): void {
  addCommonOptions(
    bench
      .command('gemm')
      .description('time C = A·B (A [m, k], B [k, n]; --trans-b: B stored [n, k], a Linear weight); GFLOP/s')
      .requiredOption('--m <m>', 'rows of A and C', positiveInt)
      .requiredOption('--k <k>', 'inner dimension', positiveInt)
      .requiredOption('--n <n>', 'columns of B and C', positiveInt)
      .option('--trans-b', 'B stored [n, k] and used transposed (the Linear-layer layout)')
      .option('--trans-a', 'A stored [k, m] and used transposed (a weight gradient: inputsᵀ · output gradients)')
      .option('--attention', "attention's Q·Kᵀ: --heads products of [m, k]·[k, n], rows strided by heads·k")
      .option('--heads <h>', 'products per call with --attention', positiveInt, 12),
  ).action((options: GemmOptions) => runGemmBench(options));
}

/** One fused kernel at BERT-base training sizes, ready to call repeatedly on a given backend. */
interface KernelCase {
  kernel: string;
  /** Elements of the main tensor (for the rate column). */
  elements: number;
  run: (backend: Backend) => void;
}

/** BERT-base shapes (batch 8 x seq 128 tokens, hidden 768, FFN 3072, 12 heads, MLM over 30522 for 160 rows). */
function kernelCases(rng: Rng): KernelCase[] {
  const random = (n: number, scale = 1): Float32Array => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = scale * rng.normal();
    return out;
  };
  const tokens = 1024, hidden = 768, ffn = 3072, heads = 12, seq = 128, batch = 8, vocab = 30522, masked = 160;
  const ffnX = random(tokens * ffn), ffnOut = new Float32Array(tokens * ffn), ffnGrad = new Float32Array(tokens * ffn);
  const x = random(tokens * hidden), residual = random(tokens * hidden), gamma = random(hidden), beta = random(hidden);
  const sum = new Float32Array(tokens * hidden), out = new Float32Array(tokens * hidden);
  const mean = new Float32Array(tokens), rstd = new Float32Array(tokens);
  const dx = new Float32Array(tokens * hidden), dGamma = new Float32Array(hidden), dBeta = new Float32Array(hidden);
  const scores = random(batch * heads * seq * seq, 3), probs = new Float32Array(scores.length);
  const dScores = new Float32Array(scores.length), mask = new Float32Array(batch * seq);
  const logits = random(masked * vocab), ceProbs = new Float32Array(masked * vocab);
  const labels = Int32Array.from({ length: masked }, () => rng.int(vocab));
  const params = random(1 << 22), m = new Float32Array(1 << 22), v = new Float32Array(1 << 22), grad = random(1 << 22);
  const table = random(vocab * hidden), ids = Int32Array.from({ length: tokens }, () => rng.int(vocab));
  const dBias = new Float32Array(ffn);
  return [
    { kernel: 'geluForward', elements: ffnX.length, run: (b) => b.geluForward(ffnOut, ffnX, ffnX.length, 'none') },
    { kernel: 'geluBackward', elements: ffnX.length, run: (b) => b.geluBackward(ffnGrad, ffnX, ffnX, ffnX.length, 'none') },
    { kernel: 'addBiasInPlace', elements: ffnX.length, run: (b) => b.addBiasInPlace(ffnOut, dBias, tokens, ffn) },
    { kernel: 'sumRowsAccumulate', elements: ffnX.length, run: (b) => b.sumRowsAccumulate(dBias, ffnX, tokens, ffn) },
    {
      kernel: 'layerNormForward', elements: x.length,
      run: (b) => b.layerNormForward(out, sum, mean, rstd, x, residual, gamma, beta, tokens, hidden, 1e-12),
    },
    {
      kernel: 'layerNormBackward', elements: x.length,
      run: (b) => b.layerNormBackward(dx, dGamma, dBeta, x, sum, mean, rstd, gamma, tokens, hidden),
    },
    {
      kernel: 'softmaxForward', elements: scores.length,
      run: (b) => b.softmaxForward(probs, scores, mask, batch, heads, seq, seq, 0.125),
    },
    {
      kernel: 'softmaxBackward', elements: scores.length,
      run: (b) => b.softmaxBackward(dScores, probs, scores, batch * heads * seq, seq, 0.125),
    },
    {
      kernel: 'crossEntropyForward', elements: logits.length,
      run: (b) => { b.crossEntropyForward(ceProbs, logits, labels, masked, vocab, -100); },
    },
    { kernel: 'embeddingForward', elements: out.length, run: (b) => b.embeddingForward(out, table, ids, tokens, hidden) },
    {
      kernel: 'adamwStep', elements: params.length,
      run: (b) => b.adamwStep(params, m, v, grad, params.length, 1e-4, 0.9, 0.999, 1e-8, 0.01, 10, 1),
    },
  ];
}

interface KernelsOptions extends CommonOptions {
  compareJs?: boolean;
}

/** Times each fused kernel on the chosen backend (and, with --compare-js, on the JS reference for the speed-up). */
function runKernelsBench(options: KernelsOptions): void {
  const backend = chooseBackend(options);
  for (const c of kernelCases(new Rng(7))) {
    const timing = timeCalls(() => c.run(backend), options.seconds);
    const result: Record<string, string | number | boolean> = {
      bench: 'kernel', kernel: c.kernel, backend: backend.name, isa: backend.isa, threads: backend.getThreads(),
      elements: c.elements, ms_median: Number(timing.medianMs.toFixed(4)),
      gelem_per_s: Number((c.elements / (timing.medianMs * 1e6)).toFixed(3)),
    };
    if (options.compareJs === true && backend.name !== 'js') {
      const js = timeCalls(() => c.run(jsBackend), options.seconds);
      result['js_ms_median'] = Number(js.medianMs.toFixed(4));
      result['speedup_vs_js'] = Number((js.medianMs / timing.medianMs).toFixed(1));
    }
    printResult(result, options.json);
  }
}

function registerBenchKernels(bench: Command): void {
  addCommonOptions(
    bench
      .command('kernels')
      .description('time each fused kernel (GELU, LayerNorm, softmax, cross-entropy, AdamW, ...) at BERT-base sizes')
      .option('--compare-js', 'also time the JS reference kernels and report the speed-up'),
  ).action((options: KernelsOptions) => runKernelsBench(options));
}

export function registerBench(program: Command): void {
  const bench = program
    .command('bench')
    .description('benchmarks that print JSON lines comparable with the reference scripts in bench/');
  registerBenchGemm(bench);
  registerBenchKernels(bench);
}
