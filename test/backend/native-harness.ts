/**
 * Shared pieces of the native parity tests: the native backend (or the reason it is absent, for t.skip), one run
 * per ISA this CPU supports, and seeded random inputs.
 */
import type { TestContext } from 'node:test';
import { loadNative, loadNativeBinding } from '../../src/backend/native/load-native.js';
import type { NativeBackend, NativeIsa } from '../../src/backend/native/native-backend.js';
import type { NativeBinding } from '../../src/backend/native/native-binding.js';
import { Rng } from '../../src/tensor/rng.js';

/**
 * Float32 kernels against the float64 JS reference: 1e-5 relative, with an absolute floor of 1e-6 (~8 float ulps
 * at 1) for values that are small differences of O(1) terms (GELU's gradient crosses 0 at x ≈ -0.75).
 */
export const ELEMENTWISE_RTOL = 1e-5;
export const ELEMENTWISE_FLOOR = 1e-6;
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
    if (original === 'avx512' || original === 'avx2' || original === 'generic') native.setIsa(original);
  }
}

export function randomArray(rng: Rng, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * rng.normal();
  return out;
}
