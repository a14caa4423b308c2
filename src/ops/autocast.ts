/**
 * Mixed precision as a scope, after torch.autocast: inside `autocast('bf16', fn)` every Linear with a float32
 * weight runs bf16Linear (bfloat16 GEMM operands, float32 accumulation and output); everything else — LayerNorm,
 * softmax, attention, GELU, the losses, the weights the optimizer updates and its state — stays float32.
 * Synchronous, restored on return or throw (tensor/scope.ts); the graph recorded inside keeps its precision for
 * the backward, which runs after the scope has closed.
 */
import { ConfigError } from '../errors.js';
import { valuePreview } from '../error-text.js';
import { runScoped } from '../tensor/scope.js';

/** 'fp32': every product in float32; 'bf16': Linear products on bfloat16 operands (docs/quantization.md). */
export const PRECISIONS = ['fp32', 'bf16'] as const;
export type Precision = (typeof PRECISIONS)[number];

let active: Precision = 'fp32';

/** The precision Linear layers run in now. */
export function autocastPrecision(): Precision {
  return active;
}

/** Runs fn with Linear products in `precision`, restoring the outer precision when fn returns or throws. */
export function autocast<T>(precision: Precision, fn: () => T): T {
  return runScoped('autocast', autocastPrecision, (p) => { active = p; }, precision, fn);
}

function isPrecision(value: string): value is Precision {
  return (PRECISIONS as readonly string[]).includes(value);
}

/** `value` as a Precision, or a ConfigError naming `where` (a flag) and the valid names. */
export function precisionOf(value: unknown, where: string): Precision {
  if (typeof value === 'string' && isPrecision(value)) return value;
  throw new ConfigError(`${where} must be one of ${PRECISIONS.join(', ')}, got ${valuePreview(value)}`);
}
