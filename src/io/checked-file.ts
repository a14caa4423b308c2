/**
 * Every file a command or a library loader is handed goes through here first, so that a missing file, a directory
 * where a file belongs, a permission problem or a failing disk is a typed one-line error naming the path (and the
 * flag, where the caller knows it) — never Node's raw ENOENT/EISDIR with a stack. A directory is rejected at open
 * time on purpose: Linux opens a directory for reading without complaint and only the first read fails.
 */
import { closeSync, createReadStream, fstatSync, mkdirSync, openSync, readFileSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { TsbertError } from '../errors.js';
import { fileError, type FileRole } from './file-access.js';

export { fileError, type FileRole, type TsbertErrorClass } from './file-access.js';

type Expected = 'file' | 'directory' | 'any';

const PROBLEMS: Readonly<Record<string, string>> = {
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  ETXTBSY: 'the file is busy',
  EBUSY: 'the file is busy',
};

/** What went wrong, in a few words, for an error thrown by node:fs (or anything else). */
export function fsProblem(cause: unknown, expected: Expected = 'file'): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return expected === 'directory' ? 'no such directory' : expected === 'any' ? 'no such file or directory' : 'no such file';
  if (code !== undefined && PROBLEMS[code] !== undefined) return PROBLEMS[code];
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.split('\n')[0] ?? message;
}

function statOrThrow(path: string, role: FileRole, expected: Expected): Stats {
  try {
    return statSync(path);
  } catch (cause) {
    throw fileError(path, role, fsProblem(cause, expected), cause);
  }
}

function requireKind(path: string, role: FileRole, stats: Stats, expected: Expected): void {
  if (expected === 'file' && stats.isDirectory()) throw fileError(path, role, 'is a directory, not a file');
  if (expected === 'directory' && !stats.isDirectory()) throw fileError(path, role, 'is not a directory');
}

/** Checks that an input exists and is what is expected; returns which it is (for flags that take either). */
export function checkInput(path: string, role: FileRole, expected: Expected = 'file'): 'file' | 'directory' {
  const stats = statOrThrow(path, role, expected);
  requireKind(path, role, stats, expected);
  return stats.isDirectory() ? 'directory' : 'file';
}

/** Whether an optional input file is there: false when absent; a directory or an unreadable path is an error. */
export function optionalInputFile(path: string, role: FileRole): boolean {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw fileError(path, role, fsProblem(cause), cause);
  }
  requireKind(path, role, stats, 'file');
  return true;
}

/** Opens an input file for reading (a file descriptor); the caller closes it. */
export function openInputFile(path: string, role: FileRole): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (cause) {
    throw fileError(path, role, fsProblem(cause), cause);
  }
  try {
    requireKind(path, role, fstatSync(fd), 'file');
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}

/** A whole input file's bytes. */
export function readInputFile(path: string, role: FileRole): Buffer {
  const fd = openInputFile(path, role);
  try {
    return readFileSync(fd);
  } catch (cause) {
    throw fileError(path, role, `read failed: ${fsProblem(cause)}`, cause);
  } finally {
    closeSync(fd);
  }
}

/** A whole input file as text (UTF-8; invalid bytes become U+FFFD — for JSON, whose parser then reports them). */
export function readInputText(path: string, role: FileRole): string {
  return readInputFile(path, role).toString('utf8');
}

/** Counts bytes as they are read, across the files of one run (for progress). */
export interface ReadProgress {
  bytesRead: number;
}

/** An input file as a stream of chunks: opened (and checked) at once, read errors typed like open errors. */
export function readInputChunks(path: string, role: FileRole, progress?: ReadProgress): AsyncGenerator<Buffer> {
  const fd = openInputFile(path, role);
  return checkedChunks(createReadStream('', { fd, highWaterMark: 1 << 20 }), path, role, progress);
}

/**
 * Chunks of any byte stream (a file, stdin), with an error in the middle of reading turned into a typed error
 * naming `name`. Stopping early destroys the stream, which closes its file.
 */
export async function* checkedChunks(
  stream: AsyncIterable<Buffer | string>,
  name: string,
  role: FileRole,
  progress?: ReadProgress,
): AsyncGenerator<Buffer> {
  try {
    for await (const piece of stream) {
      const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
      if (progress !== undefined) progress.bytesRead += chunk.length;
      yield chunk;
    }
  } catch (cause) {
    if (cause instanceof TsbertError) throw cause;
    throw fileError(name, role, `read failed: ${fsProblem(cause)}`, cause);
  }
}

/**
 * Checks, before any long work, that `path` can be written as a file: it is not a directory and its folder exists.
 * (Whether the disk has room shows only when writing; the atomic writer reports that.)
 */
export function checkOutputFile(path: string, role: FileRole): void {
  try {
    if (statSync(path).isDirectory()) throw fileError(path, role, 'is a directory, not a file');
    return;
  } catch (cause) {
    if (cause instanceof TsbertError) throw cause;
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError(path, role, fsProblem(cause), cause);
  }
  const folder = dirname(path);
  let stats: Stats;
  try {
    stats = statSync(folder);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw fileError(path, role, code === 'ENOENT' ? `folder ${folder} does not exist` : `folder ${folder}: ${fsProblem(cause, 'directory')}`, cause);
  }
  if (!stats.isDirectory()) throw fileError(path, role, `${folder} is not a directory`);
}

/** Checks, before any long work, that a folder to write into exists or can be created: no file is in the way. */
export function checkOutputDirectory(path: string, role: FileRole): void {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw fileError(path, role, fsProblem(cause, 'directory'), cause);
  }
  if (!stats.isDirectory()) throw fileError(path, role, 'is a file, not a directory');
}

/** Creates a folder (and its parents) to write into; a file in the way is a typed error. */
export function ensureDirectory(path: string, role: FileRole): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw fileError(path, role, code === 'EEXIST' ? 'is a file, not a directory' : fsProblem(cause, 'directory'), cause);
  }
}
