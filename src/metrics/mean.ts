/** The arithmetic mean in index order (numpy sums pairwise, which can differ in the last bits; goldens allow 1e-12). */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}
