import type { Backend } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/js/js-backend.js';
import { nativeBackendOrReason } from '../../src/backend/process-backend.js';
import { withBackend } from '../../src/backend/select.js';

export { withBackend };

export interface BackendCase {
  name: 'js' | 'native';
  backend?: Backend;
  /** Why this backend cannot run here (the test is skipped with this reason, never silently passed). */
  skip?: string;
}

/** Every backend a test body should run on: js always, native when the addon loads. */
export function backendCases(): BackendCase[] {
  const native = nativeBackendOrReason();
  return [
    { name: 'js', backend: jsBackend },
    native.backend !== undefined ? { name: 'native', backend: native.backend } : { name: 'native', skip: `native addon unavailable: ${native.reason}` },
  ];
}

