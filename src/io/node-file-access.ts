/**
 * The FileAccess of the Node entry: node:fs through checked-file.ts (typed one-line errors for every failure),
 * atomic-file.ts (temporary file, renamed when complete) and the checkpoint readers (safetensors read whole, in one
 * read, or tensor by tensor when over 1 GiB; pytorch_model.bin tensor by tensor).
 */
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { checkInput, ensureDirectory, optionalInputFile, readInputFile, readInputText } from './checked-file.js';
import type { FileAccess } from './file-access.js';
import { openPytorchBin } from './pytorch-bin.js';
import { openSafetensorsForLoading } from './safetensors.js';

export const nodeFileAccess: FileAccess = {
  join,
  checkFolder: (dir, role) => void checkInput(dir, role, 'directory'),
  hasFile: optionalInputFile,
  readFile: readInputFile,
  readText: readInputText,
  openTensors: (path) => (path.endsWith('.bin') ? openPytorchBin(path) : openSafetensorsForLoading(path)),
  ensureFolder: ensureDirectory,
  writeFile: writeFileAtomic,
};
