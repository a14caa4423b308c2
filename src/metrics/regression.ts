import { checkFinite, checkPaired } from './inputs.js';
import { mean } from './mean.js';

/**
 * Regression scores, keyed as Hugging Face's GLUE metric for STS-B (`pearson`, `spearmanr`) plus `mse`
 * (scikit-learn `mean_squared_error`). A correlation is undefined when either input is constant (a single example
 * included); SciPy then returns nan, and so does tsbert: 0 would read as a measured "no correlation". NaN becomes
 * `null` in JSON, so a metrics log shows the score as missing rather than as a number.
 */
export interface RegressionScores {
  pearson: number;
  spearmanr: number;
  mse: number;
}

export function regressionMetrics(predictions: readonly number[], references: readonly number[]): RegressionScores {
  checkRegressionInputs('regression metrics', predictions, references);
  return { pearson: pearsonUnchecked(predictions, references), spearmanr: spearmanUnchecked(predictions, references), mse: mseUnchecked(predictions, references) };
}

/** SciPy's `pearsonr(x, y).statistic`: NaN when x or y is constant. */
export function pearson(x: readonly number[], y: readonly number[]): number {
  checkRegressionInputs('pearson', x, y);
  return pearsonUnchecked(x, y);
}

/** SciPy's `spearmanr(x, y).statistic`: Pearson's r of the ranks, tied values sharing their average rank. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  checkRegressionInputs('spearman', x, y);
  return spearmanUnchecked(x, y);
}

/** scikit-learn's `mean_squared_error(references, predictions)`: the mean of (reference − prediction)². */
export function meanSquaredError(predictions: readonly number[], references: readonly number[]): number {
  checkRegressionInputs('mse', predictions, references);
  return mseUnchecked(predictions, references);
}

/**
 * SciPy's `rankdata(values, method='average')`: ranks 1..n in sorted order, each run of equal values given the
 * mean of the ranks it spans (1, 2.5, 2.5, 4 for [1, 3, 3, 7]).
 */
export function averageRanks(values: readonly number[]): Float64Array {
  checkFinite('averageRanks', 'values', values);
  const order = Array.from(values.keys()).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    // Positions start..end-1 hold ranks start+1..end; their mean is (start + 1 + end) / 2.
    const rank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) ranks[order[i]!] = rank;
    start = end;
  }
  return ranks;
}

function checkRegressionInputs(metric: string, predictions: readonly number[], references: readonly number[]): void {
  checkPaired(metric, predictions, references);
  checkFinite(metric, 'predictions', predictions);
  checkFinite(metric, 'references', references);
}

function isConstant(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return false;
  return true;
}

/**
 * SciPy 1.10's `pearsonr`: NaN for a constant input, sign(Δx)·sign(Δy) for two points, otherwise
 * r = ⟨(x − x̄)/‖x − x̄‖, (y − ȳ)/‖y − ȳ‖⟩ clipped to [−1, 1] — each side normalised before the product, as SciPy
 * does, which keeps |r| ≤ 1 up to rounding and avoids overflow of ‖x‖·‖y‖.
 */
function pearsonUnchecked(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (isConstant(x) || isConstant(y)) return NaN;
  const n = x.length;
  if (n === 2) return Math.sign(x[1]! - x[0]!) * Math.sign(y[1]! - y[0]!);
  const xCentred = centred(x);
  const yCentred = centred(y);
  const xNorm = Math.sqrt(dot(xCentred, xCentred));
  const yNorm = Math.sqrt(dot(yCentred, yCentred));
  let r = 0;
  for (let i = 0; i < n; i++) r += (xCentred[i]! / xNorm) * (yCentred[i]! / yNorm);
  return Math.max(Math.min(r, 1), -1);
}

/**
 * SciPy's `spearmanr` for two variables: NaN for a constant input, else numpy's `corrcoef` of the average ranks —
 * cov = ⟨x − x̄, y − ȳ⟩ · (1 / (n − 1)), divided by σ_y then by σ_x, clipped to [−1, 1]. Ranks are multiples of ½,
 * so the sums are exact and this order of operations gives SciPy's double (−1 for reversed ranks, not −1 + 2⁻⁵²).
 */
function spearmanUnchecked(x: readonly number[], y: readonly number[]): number {
  if (isConstant(x) || isConstant(y)) return NaN;
  const xCentred = centred(averageRanks(x));
  const yCentred = centred(averageRanks(y));
  const scale = 1 / (x.length - 1);
  const xStd = Math.sqrt(dot(xCentred, xCentred) * scale);
  const yStd = Math.sqrt(dot(yCentred, yCentred) * scale);
  const r = (dot(yCentred, xCentred) * scale) / yStd / xStd;
  return Math.max(Math.min(r, 1), -1);
}

function mseUnchecked(predictions: readonly number[], references: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < predictions.length; i++) sum += (references[i]! - predictions[i]!) ** 2;
  return sum / predictions.length;
}

function centred(values: ArrayLike<number>): Float64Array {
  const centre = mean(values);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! - centre;
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
