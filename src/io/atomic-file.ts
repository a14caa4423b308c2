/**
 * Every file tsbert writes is written atomically: to a temporary file beside the target (`.<name>.tmp-<pid>`, same
 * folder so the rename cannot cross file systems), fsynced, then renamed over the target. A failure — or an abort
 * on Ctrl-C — removes the temporary file and leaves an existing target as it was, so a reader sees the old file or
 * the new one, never half of one. Temporary files still open when the process exits (process.exit from a signal
 * handler, see cli/signals.ts) are removed by one 'exit' hook.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { checkOutputFile, fileError, fsProblem, type FileRole } from './checked-file.js';

const BUFFER_BYTES = 1 << 20;

/** Temporary files and folders not yet renamed into place or removed. */
const leftovers = new Set<string>();
let exitHookInstalled = false;

/** Removes `path` (a temporary file or folder) if the process exits before `keepAtExit(path)`. */
export function removeAtExit(path: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // 'exit' listeners must be synchronous; rmSync is.
    process.on('exit', () => {
      for (const leftover of leftovers) rmSync(leftover, { recursive: true, force: true });
    });
  }
  leftovers.add(path);
}

/** `path` was renamed into place or removed: the exit hook leaves it alone. */
export function keepAtExit(path: string): void {
  leftovers.delete(path);
}

/** Where the atomic writer of `path` puts its bytes until the commit. */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
}

/**
 * fsync of a file or folder, best effort: after a rename, syncing the folder makes the rename itself durable.
 * Not every platform can fsync a directory (Windows cannot); the data is already synced, so that is not an error.
 */
export function syncPath(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // See above.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A file written in pieces: `write` appends (buffered: no syscall per small piece), `writeAt` patches bytes already
 * written (a header), `close` makes the temporary file complete and durable, `commit` renames it into place.
 * Any failure removes the temporary file and throws a typed error naming the target; `abort` does the same on
 * purpose. Path problems (a missing folder, a directory in the way) are reported by the constructor.
 */
export class AtomicFileWriter {
  readonly path: string;
  readonly temporaryPath: string;
  private fd: number | undefined;
  private buffer: Buffer | undefined;
  private used = 0;
  private appended = 0;
  private state: 'open' | 'closed' | 'committed' | 'aborted' = 'open';

  constructor(path: string, private readonly role: FileRole = {}) {
    checkOutputFile(path, role);
    this.path = path;
    this.temporaryPath = temporaryPathFor(path);
    removeAtExit(this.temporaryPath);
    try {
      this.fd = openSync(this.temporaryPath, 'w');
    } catch (cause) {
      keepAtExit(this.temporaryPath);
      throw fileError(path, role, `cannot write: ${fsProblem(cause, 'directory')}`, cause);
    }
  }

  /** Bytes appended so far. */
  get bytesWritten(): number {
    return this.appended;
  }

  write(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    const fd = this.requireOpen();
    if (this.used + bytes.length > BUFFER_BYTES) this.flush();
    if (bytes.length >= BUFFER_BYTES / 2) {
      // Large pieces go straight to the file (copying them into the buffer would only cost time) — after what is
      // buffered, or they would land before it. (They did: an instance file's placeholder header went after its
      // first megabyte of records, and the header patch then overwrote the first records.)
      this.flush();
      this.guard(() => writeFully(fd, bytes, undefined));
    } else {
      this.buffer ??= Buffer.allocUnsafe(BUFFER_BYTES);
      this.buffer.set(bytes, this.used);
      this.used += bytes.length;
    }
    this.appended += bytes.length;
  }

  /** Overwrites bytes at `position` (which must already be written, e.g. a placeholder header). */
  writeAt(bytes: Uint8Array, position: number): void {
    const fd = this.requireOpen();
    this.flush();
    this.guard(() => writeFully(fd, bytes, position));
  }

  /** Flushes, fsyncs and closes the temporary file; it stays temporary (and is removed at exit) until `commit`. */
  close(): void {
    if (this.state !== 'open') return;
    const fd = this.requireOpen();
    this.flush();
    this.guard(() => {
      fsyncSync(fd);
      closeSync(fd);
    });
    this.fd = undefined;
    this.buffer = undefined;
    this.state = 'closed';
  }

  /** Closes if needed and renames the file over the target. */
  commit(): void {
    this.close();
    if (this.state !== 'closed') throw fileError(this.path, this.role, `cannot write: the writer was ${this.state}`);
    this.guard(() => renameSync(this.temporaryPath, this.path));
    keepAtExit(this.temporaryPath);
    this.state = 'committed';
    syncPath(dirname(this.path));
  }

  /** Removes the temporary file; the target keeps whatever it held before. Safe to call more than once. */
  abort(): void {
    if (this.state === 'committed' || this.state === 'aborted') return;
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // The descriptor is gone either way; removing the file is what matters.
      }
    }
    this.fd = undefined;
    this.buffer = undefined;
    rmSync(this.temporaryPath, { force: true });
    keepAtExit(this.temporaryPath);
    this.state = 'aborted';
  }

  private flush(): void {
    if (this.used === 0 || this.buffer === undefined) return;
    const fd = this.requireOpen();
    const pending = this.buffer.subarray(0, this.used);
    this.guard(() => writeFully(fd, pending, undefined));
    this.used = 0;
  }

  /** Runs a file operation; on failure the temporary file goes and the error names the target. */
  private guard(operation: () => void): void {
    try {
      operation();
    } catch (cause) {
      this.abort();
      throw fileError(this.path, this.role, `cannot write: ${fsProblem(cause)}`, cause);
    }
  }

  private requireOpen(): number {
    if (this.fd === undefined) throw fileError(this.path, this.role, `cannot write: the writer is already ${this.state}`);
    return this.fd;
  }
}

/** Writes at `position`, or appends when it is undefined, until every byte is out (writeSync may write fewer). */
function writeFully(fd: number, bytes: Uint8Array, position: number | undefined): void {
  let done = 0;
  while (done < bytes.length) {
    done += writeSync(fd, bytes, done, bytes.length - done, position === undefined ? null : position + done);
  }
}

/** Writes a whole file atomically (see the file comment). */
export function writeFileAtomic(path: string, data: Uint8Array | string, role: FileRole = {}): void {
  const writer = new AtomicFileWriter(path, role);
  try {
    writer.write(data);
    writer.commit();
  } catch (error) {
    writer.abort();
    throw error;
  }
}
