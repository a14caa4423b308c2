import type { FloatArray } from '../backend.js';

/**
 * Dropout with xoshiro128** inlined (state in locals: a training step draws tens of millions of numbers).
 * `u < p·2³²` is exactly Rng's `random() < p` (u / 2³² < p, the division by 2³² being exact).
 */
export function dropoutForward(out: FloatArray, mask: FloatArray, x: FloatArray, n: number, p: number, keepValue: number, state: Int32Array): void {
  const threshold = p * 4294967296;
  let s0 = state[0]!;
  let s1 = state[1]!;
  let s2 = state[2]!;
  let s3 = state[3]!;
  for (let i = 0; i < n; i++) {
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    mask[i] = result < threshold ? 0 : keepValue;
    // Multiply by the stored (type-rounded) mask value, as the backward pass does.
    out[i] = x[i]! * mask[i]!;
  }
  state[0] = s0;
  state[1] = s1;
  state[2] = s2;
  state[3] = s3;
}
