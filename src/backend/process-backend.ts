/**
 * The Node process's backend choice, which the Node entry installs into select.ts: native when the addon loads,
 * else the JS reference backend, saying once why. TSBERT_BACKEND=js|native overrides (native then fails loudly
 * instead of falling back).
 */
import type { Backend } from './backend.js';
import { jsBackend } from './js/js-backend.js';
import { loadNativeBackend } from './native/load-native.js';
import { setBackendChooser, type BackendChoice } from './select.js';
import { BackendError } from '../errors.js';

let nativeCache: Backend | Error | undefined;

function tryNative(): Backend | Error {
  if (nativeCache === undefined) {
    try {
      nativeCache = loadNativeBackend();
    } catch (error) {
      nativeCache = error instanceof Error ? error : new Error(String(error));
    }
  }
  return nativeCache;
}

/** Native unless TSBERT_BACKEND=js or the addon does not load (then JS, with a warning that says why). */
export function chooseProcessBackend(): BackendChoice {
  const requested = process.env['TSBERT_BACKEND'];
  if (requested === 'js') return { backend: jsBackend, fallbackReason: 'TSBERT_BACKEND=js' };
  const native = tryNative();
  if (!(native instanceof Error)) return { backend: native };
  if (requested === 'native') {
    throw new BackendError(`TSBERT_BACKEND=native but the native addon did not load: ${native.message}`);
  }
  if (requested !== undefined && requested !== '') {
    throw new BackendError(`TSBERT_BACKEND must be "js" or "native", got "${requested}"`);
  }
  process.emitWarning(`tsbert: using the JS backend (slow): ${native.message}`, { code: 'TSBERT_BACKEND_FALLBACK' });
  return { backend: jsBackend, fallbackReason: native.message };
}

/** Makes the first getBackend() of this process choose as chooseProcessBackend does. */
export function installProcessBackend(): void {
  setBackendChooser(chooseProcessBackend);
}

/** The native backend if it loads, else undefined with the reason; never throws. */
export function nativeBackendOrReason(): { backend?: Backend; reason?: string } {
  const native = tryNative();
  return native instanceof Error ? { reason: native.message } : { backend: native };
}
