/**
 * Where a streaming command's text goes: a file, written atomically (io/atomic-file.ts: the whole file or none, and
 * a Ctrl-C leaves no temporary file), or stdout as it is produced (with backpressure: a slow reader slows the
 * command instead of filling memory). A reader of stdout that stops early (`| head`) ends the output quietly.
 */
import { once } from 'node:events';
import { DataError } from '../errors.js';
import { AtomicFileWriter } from '../io/atomic-file.js';

export interface OutputSink {
  /** Appends text; resolves when more may be written. */
  write(text: string): Promise<void>;
  /** False once stdout's reader has gone: the producer may stop. */
  readonly open: boolean;
  /** The output is complete: the file is renamed into place (stdout: nothing to do). */
  commit(): void;
  /** The output failed: the temporary file goes (stdout: what was written stays written). */
  abort(): void;
}

/** A sink writing to `path` atomically, or to stdout when `path` is undefined. */
export function openOutputSink(path: string | undefined, command: string): OutputSink {
  return path === undefined ? new StdoutSink(command) : new FileSink(path);
}

class FileSink implements OutputSink {
  private readonly writer: AtomicFileWriter;
  readonly open = true;

  constructor(path: string) {
    this.writer = new AtomicFileWriter(path, { label: '--output' });
  }

  write(text: string): Promise<void> {
    this.writer.write(text);
    return Promise.resolve();
  }

  commit(): void {
    this.writer.commit();
  }

  abort(): void {
    this.writer.abort();
  }
}

class StdoutSink implements OutputSink {
  private readonly out = process.stdout;
  private closed = false;
  private error: Error | undefined;

  constructor(private readonly command: string) {
    this.out.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') this.closed = true;
      else this.error = error;
      // A writer waiting for 'drain' would otherwise wait forever.
      this.out.emit('drain');
    });
  }

  get open(): boolean {
    return !this.closed && this.error === undefined;
  }

  async write(text: string): Promise<void> {
    this.check();
    if (this.closed) return;
    if (!this.out.write(text)) await once(this.out, 'drain');
    this.check();
  }

  commit(): void {
    this.check();
  }

  abort(): void {
    // What went to stdout cannot be taken back.
  }

  private check(): void {
    if (this.error !== undefined) throw new DataError(`${this.command}: cannot write stdout (${this.error.message})`);
  }
}
