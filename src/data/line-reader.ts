/**
 * Streams the lines of a text file without ever failing on its bytes: UTF-8 is decoded with replacement (an invalid
 * byte becomes U+FFFD, as Python's `errors="replace"`), a leading BOM is dropped and `\r\n` ends a line like `\n`.
 * Memory holds one line at a time, so corpora of any size can be read; a single line is only limited by memory.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { DataError } from '../errors.js';

/** Bytes consumed so far, shared by the readers of one run so progress can be reported across files. */
export interface ReadProgress {
  bytesRead: number;
}

/** Lines of `path` (without line ends). Throws DataError if the file cannot be opened. */
export async function* readLines(path: string, progress?: ReadProgress): AsyncGenerator<string> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new DataError(`corpus file ${path}: cannot open it (${(error as Error).message})`, { cause: error });
  }
  const stat = await handle.stat();
  if (stat.isDirectory()) {
    await handle.close();
    throw new DataError(`corpus file ${path}: is a directory, not a text file`);
  }
  const stream = handle.createReadStream({ highWaterMark: 1 << 20 });
  // setEncoding puts a StringDecoder in front: split multi-byte characters across chunks are joined, and invalid
  // sequences become U+FFFD instead of an exception.
  stream.setEncoding('utf8');
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const startBytes = progress?.bytesRead ?? 0;
  let first = true;
  try {
    for await (const raw of lines) {
      if (progress !== undefined) progress.bytesRead = startBytes + stream.bytesRead;
      let line = raw;
      if (first) {
        first = false;
        if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      }
      yield line;
    }
  } catch (error) {
    throw new DataError(`corpus file ${path}: read failed (${(error as Error).message})`, { cause: error });
  } finally {
    lines.close();
    stream.destroy();
    await handle.close().catch(() => undefined);
  }
  if (progress !== undefined) progress.bytesRead = startBytes + stat.size;
}
