import { openSync } from 'node:fs';
import { CheckpointError } from '../errors.js';

/** Opens a checkpoint file for reading; failure is a CheckpointError naming the file and the reason. */
export function openCheckpointFile(file: string): number {
  try {
    return openSync(file, 'r');
  } catch (cause) {
    throw new CheckpointError(`${file}: cannot open: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
