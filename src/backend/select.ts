/**
 * Picks the backend once per process: native when the addon loads, else the JS reference backend, saying once
 * why. TSBERT_BACKEND=js|native overrides (native then fails loudly instead of falling back).
 */
import type { Backend } from './backend.js';
import { jsBackend } from './js/js-backend.js';
import { loadNativeBackend } from './native/load-native.js';
import { BackendError } from '../errors.js';

export interface BackendInfo {
  name: 'js' | 'native';
  isa: string;
  threads: number;
  /** Why native is not in use, when it is not. */
  fallbackReason?: string;
}

let current: Backend | undefined;
let fallbackReason: string | undefined;
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

function choose(): Backend {
  const requested = process.env['TSBERT_BACKEND'];
  if (requested === 'js') {
    fallbackReason = 'TSBERT_BACKEND=js';
    return jsBackend;
  }
  const native = tryNative();
  if (!(native instanceof Error)) return native;
  if (requested === 'native') {
    throw new BackendError(`TSBERT_BACKEND=native but the native addon did not load: ${native.message}`);
  }
  if (requested !== undefined && requested !== '') {
    throw new BackendError(`TSBERT_BACKEND must be "js" or "native", got "${requested}"`);
  }
  fallbackReason = native.message;
  process.emitWarning(`tsbert: using the JS backend (slow): ${native.message}`, { code: 'TSBERT_BACKEND_FALLBACK' });
  return jsBackend;
}

/** The backend every op runs on. */
export function getBackend(): Backend {
  current ??= choose();
  return current;
}

/** Switches the process's backend from now on. */
export function setBackend(backend: Backend): void {
  current = backend;
}

/**
 * Runs fn with `backend` and restores the previous one after, so code that wants another backend for a while (a
 * test on every backend, a model compared across backends) leaves the rest of the process as it was. The scope
 * is synchronous: what fn leaves pending (an async training run past its first step) runs on whatever backend
 * is current then — use setBackend for those.
 */
export function withBackend<T>(backend: Backend, fn: () => T): T {
  const previous = getBackend();
  current = backend;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/** The native backend if it loads, else undefined with the reason; never throws. */
export function nativeBackendOrReason(): { backend?: Backend; reason?: string } {
  const native = tryNative();
  return native instanceof Error ? { reason: native.message } : { backend: native };
}

export function backendInfo(): BackendInfo {
  const backend = getBackend();
  const info: BackendInfo = { name: backend.name, isa: backend.isa, threads: backend.getThreads() };
  if (backend.name === 'js' && fallbackReason !== undefined) info.fallbackReason = fallbackReason;
  return info;
}
