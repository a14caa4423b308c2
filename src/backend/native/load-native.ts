/**
 * Loads build/Release/tsbert_native.node (built at install by scripts/build-native.mjs). When it is missing or
 * does not load, throws a BackendError that carries the reason recorded at install time, so select.ts can tell
 * the user once why it fell back to the JS backend.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../backend.js';
import { BackendError } from '../../errors.js';
import { isNativeBinding, missingBindingFunctions, type NativeBinding } from './native-binding.js';
import { createNativeBackend, type NativeBackend } from './native-backend.js';

/** The package root: this file is dist/src/backend/native/load-native.js. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const ADDON_PATH = `${PACKAGE_ROOT}build/Release/tsbert_native.node`;
const BUILD_ERROR_PATH = `${PACKAGE_ROOT}.native-build-error.txt`;

/** The first line of the install-time build error, if one was recorded. */
function recordedBuildError(): string | undefined {
  try {
    const first = readFileSync(BUILD_ERROR_PATH, 'utf8').split('\n')[0]?.trim();
    return first !== undefined && first !== '' ? first : undefined;
  } catch {
    return undefined;
  }
}

let cachedBinding: NativeBinding | undefined;
let cached: NativeBackend | undefined;

/** The raw addon (argument-checking tests call it directly); throws BackendError when it is unavailable. */
export function loadNativeBinding(): NativeBinding {
  if (cachedBinding !== undefined) return cachedBinding;
  const buildError = recordedBuildError();
  const why = buildError !== undefined ? `; the install-time build said: ${buildError} (see ${BUILD_ERROR_PATH})` : '';
  if (!existsSync(ADDON_PATH)) {
    throw new BackendError(
      `the native addon is not built (${ADDON_PATH} is missing)${why || '; run `node scripts/build-native.mjs`'}`,
    );
  }
  let loaded: unknown;
  try {
    loaded = createRequire(import.meta.url)(ADDON_PATH);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new BackendError(`the native addon failed to load: ${message}${why}`, { cause: error });
  }
  if (!isNativeBinding(loaded)) {
    throw new BackendError(
      `the native addon at ${ADDON_PATH} is from another build (missing ${missingBindingFunctions(loaded).join(', ')}); ` +
        'rebuild it with `node scripts/build-native.mjs`',
    );
  }
  cachedBinding = loaded;
  return cachedBinding;
}

/** The native backend with its ISA controls; throws BackendError when the addon is unavailable. */
export function loadNative(): NativeBackend {
  if (cached === undefined) {
    const binding = loadNativeBinding();
    // The addon ignores a TSBERT_ISA this CPU cannot run (or a misspelt one) and takes the best it can: say so.
    const requested = process.env['TSBERT_ISA'];
    if (requested !== undefined && requested !== '' && requested !== binding.getIsa()) {
      process.emitWarning(
        `tsbert: TSBERT_ISA=${requested} is not available on this CPU (it runs ${binding.supportedIsas()}); ` +
          `using ${binding.getIsa()}`,
        { code: 'TSBERT_ISA_UNAVAILABLE' },
      );
    }
    cached = createNativeBackend(binding);
  }
  return cached;
}

/** The native Backend (select.ts's entry point); throws BackendError when the addon is unavailable. */
export function loadNativeBackend(): Backend {
  return loadNative();
}
