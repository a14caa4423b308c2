/**
 * JSON Lines data files: one JSON object per line, blank lines skipped (as `datasets`' json loader and pandas'
 * read_json(lines=True) skip them), each object wrapped with the place it came from so that a field check names the
 * file, the line and the field: `train.jsonl:17: "label": expected a string, number or list of strings, got {}`.
 */
import { valuePreview } from '../error-text.js';
import type { DataError } from '../errors.js';
import { lineError, numberedLines, sourceOf, type DataFileOptions } from './data-file.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** One object of a JSONL file and its typed field reads; every failed check is a DataError naming line and field. */
export class JsonRecord {
  constructor(
    readonly path: string,
    readonly line: number,
    readonly object: JsonObject,
  ) {}

  /** `path:line`. */
  get source(): string {
    return sourceOf(this.path, this.line);
  }

  /** The field as it is; undefined when absent or null (JSON's way of leaving a field out). */
  value(key: string): Json | undefined {
    // Own fields only: `"constructor"` must not find Object.prototype's.
    const value = Object.hasOwn(this.object, key) ? this.object[key] : undefined;
    return value === null ? undefined : value;
  }

  has(key: string): boolean {
    return this.value(key) !== undefined;
  }

  /** The error for field `key`: `train.jsonl:17: "key": <problem>`. */
  fieldError(key: string, problem: string): DataError {
    return lineError(this.path, this.line, `${JSON.stringify(key)}: ${problem}`);
  }

  /** The error for a field that holds the wrong kind of value: `"key": expected <expected>, got <value>`. */
  wrongType(key: string, expected: string): DataError {
    const value = this.value(key);
    return this.fieldError(key, value === undefined ? `missing (expected ${expected})` : `expected ${expected}, got ${valuePreview(value)}`);
  }

  /** A required field's value. */
  required(key: string, expected: string): Json {
    const value = this.value(key);
    if (value === undefined) throw this.wrongType(key, expected);
    return value;
  }

  string(key: string): string {
    const value = this.value(key);
    if (typeof value !== 'string') throw this.wrongType(key, 'a string');
    return value;
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  /** A list of strings (`"tokens"`, `"choices"`); the message names the first item that is not one. */
  stringList(key: string): string[] {
    const value = this.value(key);
    if (!Array.isArray(value)) throw this.wrongType(key, 'a list of strings');
    value.forEach((item, i) => {
      if (typeof item !== 'string') throw this.fieldError(key, `item ${i} should be a string, got ${valuePreview(item)}`);
    });
    return value as string[];
  }
}

/** The objects of a JSONL file in line order; a line that is not JSON, or not an object, is a DataError naming it. */
export async function* readJsonl(path: string, options: DataFileOptions = {}): AsyncGenerator<JsonRecord, void, undefined> {
  for await (const { text, line } of numberedLines(path, options)) {
    if (text.trim().length === 0) continue;
    let value: Json;
    try {
      value = JSON.parse(text) as Json;
    } catch (error) {
      throw lineError(path, line, `not JSON (${(error as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw lineError(path, line, `expected a JSON object, got ${valuePreview(value)}`);
    }
    yield new JsonRecord(path, line, value);
  }
}
