/**
 * How the library reaches files, as a seam: model folders, vocab.txt, tokenizer.json and their writing go through
 * the FileAccess installed here. The Node entry installs node:fs behind it (io/node-file-access.ts); the core installs
 * nothing, so in a browser bundle a path is a typed error that points to the bytes-level loaders, and the core
 * imports no Node built-in. Another host (a map of fetched files) can install its own.
 */
import { DataError, type TsbertError } from '../errors.js';
import type { SafetensorsDType, SafetensorsTensor } from './safetensors-format.js';

export type TsbertErrorClass = new (message: string, options?: { cause?: unknown }) => TsbertError;

/**
 * How a path is named in messages and which error it raises: `{ label: '--vocab', error: TokenizerError }` makes
 * `TokenizerError: --vocab v.txt: no such file`.
 */
export interface FileRole {
  /** The flag or kind of file put before the path ("--input", "vocab file"); absent: the path alone. */
  label?: string;
  /** Default DataError. */
  error?: TsbertErrorClass;
}

/** The typed error for `path`: `<label> <path>: <problem>`. */
export function fileError(path: string, role: FileRole, problem: string, cause?: unknown): TsbertError {
  const ErrorClass = role.error ?? DataError;
  const name = role.label === undefined ? path : `${role.label} ${path}`;
  return new ErrorClass(`${name}: ${problem}`, cause === undefined ? undefined : { cause });
}

/** A checkpoint opened for reading: names, dtypes and shapes up front, each tensor's data on request. */
export interface TensorSource {
  readonly tensorInfos: readonly { name: string; dtype: SafetensorsDType; shape: readonly number[] }[];
  read(name: string): SafetensorsTensor;
  /**
   * Whether the arrays `read` returns may be kept as the caller's own (fresh memory, or views into bytes only this
   * source holds): a loaded model then uses them as its parameters without a copy. Absent or false: views into
   * someone else's bytes, which a loader copies.
   */
  readonly keepable?: boolean;
  close(): void;
}

/** Files as the library needs them; every failure is `role`'s typed error naming the path. */
export interface FileAccess {
  /** Path parts joined as the host joins them (`..` resolved). */
  join(...parts: string[]): string;
  /** Throws unless `dir` is a folder. */
  checkFolder(dir: string, role: FileRole): void;
  /** Whether an optional file is there: false when absent; a folder or an unreadable path is an error. */
  hasFile(path: string, role: FileRole): boolean;
  /** A whole file's bytes. */
  readFile(path: string, role: FileRole): Uint8Array;
  /** A whole file as text (UTF-8; invalid bytes become U+FFFD — for JSON, whose parser then reports them). */
  readText(path: string, role: FileRole): string;
  /** A checkpoint file opened tensor by tensor: a `.bin` is PyTorch's torch.save archive, anything else safetensors. */
  openTensors(path: string): TensorSource;
  /** Creates a folder (and its parents) to write into. */
  ensureFolder(dir: string, role: FileRole): void;
  /** Writes a whole file so that readers see the old one or the new one, never half. */
  writeFile(path: string, data: string | Uint8Array, role: FileRole): void;
}

let installed: FileAccess | undefined;

/** Installs how files are reached (the Node entry installs node:fs). */
export function setFileAccess(access: FileAccess): void {
  installed = access;
}

/** The installed FileAccess; without one, `role`'s typed error naming `path` and what to use instead. */
export function fileAccess(path: string, role: FileRole): FileAccess {
  if (installed === undefined) {
    throw fileError(path, role, 'no file access in this build (tsbert/core loads from bytes: fromBytes, Vocab.fromText, '
      + 'Tokenizer.fromJSONString; file paths need the Node entry, tsbert, or setFileAccess)');
  }
  return installed;
}
