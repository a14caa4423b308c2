import { readSync } from 'node:fs';
import { CheckpointError } from '../errors.js';
import { openInputFile } from './checked-file.js';

/** Opens a checkpoint file for reading; failure (a directory, too) is a CheckpointError naming the file and the reason. */
export function openCheckpointFile(file: string): number {
  return openInputFile(file, { error: CheckpointError });
}

/**
 * `length` bytes at `position` of an open checkpoint file of `fileBytes` bytes, bounds-checked first; `what` names
 * the part in errors. A file that shrinks while being read is an error, never an endless loop.
 */
export function readCheckpointBytes(fd: number, file: string, fileBytes: number, position: number, length: number, what: string): Uint8Array {
  if (position < 0 || length < 0 || position + length > fileBytes) {
    throw new CheckpointError(`${file}: ${what} (bytes ${position}..${position + length}) runs past the end of the ${fileBytes}-byte file`);
  }
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    let n: number;
    try {
      n = readSync(fd, out, done, length - done, position + done);
    } catch (cause) {
      throw new CheckpointError(`${file}: cannot read ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    if (n === 0) throw new CheckpointError(`${file}: file ended early while reading ${what} (truncated while reading?)`);
    done += n;
  }
  return out;
}
