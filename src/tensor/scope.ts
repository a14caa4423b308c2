/**
 * Process state an op reads (grad mode, the active arena) set for the length of one synchronous call and restored
 * when it returns or throws. Work interleaved at awaits — a second model training while the first evaluates —
 * therefore never runs inside another's scope, because a synchronous scope is closed before any other task runs.
 * An async fn would break that (its continuation runs after the scope is restored), so it is refused.
 */
import { ValueError } from '../errors.js';

function isThenable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'then') === 'function';
}

/** Runs fn with get() === value, then restores the outer value; `scope` names the caller in the error. */
export function runScoped<S, T>(scope: string, get: () => S, set: (value: S) => void, value: S, fn: () => T): T {
  const outer = get();
  set(value);
  try {
    const result = fn();
    if (isThenable(result)) {
      throw new ValueError(
        `${scope}: fn returned a Promise, but the scope ends when fn returns — what runs after its first await would ` +
          'be outside it; open the scope inside the async function, around each synchronous step',
      );
    }
    return result;
  } finally {
    set(outer);
  }
}
