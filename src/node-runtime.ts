/**
 * What the Node entry adds to the core: files through node:fs behind the FileAccess seam (io/file-access.ts), the
 * native-or-JS backend choice with TSBERT_BACKEND (backend/process-backend.ts), and warnings through
 * process.emitWarning. src/index.ts and the CLI install it; tests that read model folders install it too.
 */
import { installProcessBackend } from './backend/process-backend.js';
import { setFileAccess } from './io/file-access.js';
import { nodeFileAccess } from './io/node-file-access.js';
import { setWarningSink } from './warnings.js';

/** Installs the Node runtime; calling it again changes nothing. */
export function installNodeRuntime(): void {
  setFileAccess(nodeFileAccess);
  installProcessBackend();
  setWarningSink((message, code) => process.emitWarning(message, { code }));
}
