import type { Backend } from '../backend.js';
import { BackendError } from '../../errors.js';

/** Placeholder until the native addon lands: always reports why native is unavailable. */
export function loadNativeBackend(): Backend {
  throw new BackendError('the native addon is not part of this build yet');
}
