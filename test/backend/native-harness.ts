/**
 * Shared pieces of the native parity tests: the native backend (or the reason it is absent, for t.skip), one run
 * per ISA this CPU supports, and seeded random inputs.
 */
import type { TestContext } from 'node:test';
import { loadNative, loadNativeBinding } from '../../src/backend/native/load-native.js';
import { isNativeIsa, type NativeBackend, type NativeIsa } from '../../src/backend/native/native-backend.js';
import type { NativeBinding } from '../../src/backend/native/native-binding.js';
import { Rng } from '../../src/tensor/rng.js';

/**
 * Float32 kernels against the float64 JS reference: |native - js| <= 1e-5·|js| + 1e-6. The absolute part (~8 float
 * ulps at 1) covers results that are small differences of O(1) float32 terms: GELU's gradient crossing 0 at
 * x ≈ -0.75, 1 - y² near |y| = 1, a gradient accumulated onto an O(1) value of the other sign.
 */
export const ELEMENTWISE_RTOL = 1e-5;
export const ELEMENTWISE_ATOL = 1e-6;

/** Largest |a - b| / (RTOL·|b| + ATOL): at most 1 when every element is within tolerance. */
export function toleranceRatio(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, b = expected[i]!;
    const ratio = Math.abs(a - b) / (ELEMENTWISE_RTOL * Math.abs(b) + ELEMENTWISE_ATOL);
    if (Number.isNaN(ratio)) return Infinity;
    if (ratio > worst) worst = ratio;
  }
  return worst;
}
/** Long sums (GEMM over k, column sums over rows) are compared by norm: float32 rounding grows like √k. */
export const NORM_RTOL = 1e-5;

export type NativeOrReason = { backend: NativeBackend; binding: NativeBinding } | { reason: string };

export function nativeOrReason(): NativeOrReason {
  try {
    return { backend: loadNative(), binding: loadNativeBinding() };
  } catch (error) {
    return { reason: `native addon unavailable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The native backend, or undefined after marking the test skipped with the load error (never a silent pass). */
export function nativeOrSkip(t: TestContext): NativeBackend | undefined {
  const native = nativeOrReason();
  if ('reason' in native) {
    t.skip(native.reason);
    return undefined;
  }
  return native.backend;
}

/** Runs body once per ISA this CPU supports (as subtests), restoring the start-up ISA afterwards. */
export async function forEachIsa(
  t: TestContext, body: (native: NativeBackend, isa: NativeIsa) => void,
): Promise<void> {
  const native = nativeOrSkip(t);
  if (native === undefined) return;
  const original = native.isa;
  try {
    for (const isa of native.supportedIsas()) {
      await t.test(isa, () => {
        native.setIsa(isa);
        body(native, isa);
      });
    }
  } finally {
    if (isNativeIsa(original)) native.setIsa(original);
  }
}

export function randomArray(rng: Rng, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * rng.normal();
  return out;
}
