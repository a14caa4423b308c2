/**
 * The backend every op runs on, picked once on first use. The core's pick is the JS reference backend; the Node
 * entry installs its own chooser (backend/process-backend.ts: the native addon when it loads, TSBERT_BACKEND), so
 * this file reaches neither `process` nor the addon and bundles for the browser.
 */
import type { Backend } from './backend.js';
import { jsBackend } from './js/js-backend.js';

export interface BackendInfo {
  name: 'js' | 'native';
  isa: string;
  threads: number;
  /** Why native is not in use, when it is not. */
  fallbackReason?: string;
}

/** What a chooser picked, and why it is the JS backend when native was possible. */
export interface BackendChoice {
  backend: Backend;
  fallbackReason?: string;
}

let choose: () => BackendChoice = () => ({ backend: jsBackend });
let current: Backend | undefined;
let fallbackReason: string | undefined;

/**
 * Sets how the first getBackend() picks the backend (the Node entry installs the native-or-JS choice). A backend
 * already picked or set stays: the chooser only decides a backend not yet picked.
 */
export function setBackendChooser(chooser: () => BackendChoice): void {
  choose = chooser;
}

/** The backend every op runs on. */
export function getBackend(): Backend {
  if (current === undefined) {
    const choice = choose();
    current = choice.backend;
    fallbackReason = choice.fallbackReason;
  }
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

export function backendInfo(): BackendInfo {
  const backend = getBackend();
  const info: BackendInfo = { name: backend.name, isa: backend.isa, threads: backend.getThreads() };
  if (backend.name === 'js' && fallbackReason !== undefined) info.fallbackReason = fallbackReason;
  return info;
}
