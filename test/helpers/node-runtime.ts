/**
 * Imported (for its effect) by tests that read or write model folders and tokenizer files through the library, or
 * run on the process's backend: the Node runtime the Node entry installs (src/node-runtime.ts) — node:fs behind the
 * FileAccess seam, the native-or-JS backend choice, warnings through process.emitWarning.
 */
import { installNodeRuntime } from '../../src/node-runtime.js';

installNodeRuntime();
