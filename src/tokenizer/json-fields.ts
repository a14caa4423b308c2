/**
 * Typed reading of the JSON files of a tokenizer (tokenizer.json, tokenizer_config.json, special_tokens_map.json):
 * every error is a TokenizerError that names the file and the field path (`model.max_input_chars_per_word`) and
 * quotes the value found.
 */
import { valuePreview } from '../error-text.js';
import { TokenizerError } from '../errors.js';
import { fileAccess } from '../io/file-access.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const isBool = (v: Json): v is boolean => typeof v === 'boolean';
export const isNum = (v: Json): v is number => typeof v === 'number';
export const isStr = (v: Json): v is string => typeof v === 'string';
export const isObj = (v: Json | undefined): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A place in a JSON file: the file and the path of keys to a value, for error messages. */
export class JsonPath {
  constructor(
    readonly file: string,
    readonly path = '',
  ) {}

  /** The path one key (or index) deeper. */
  at(key: string | number): JsonPath {
    if (typeof key === 'number') return new JsonPath(this.file, `${this.path}[${key}]`);
    return new JsonPath(this.file, this.path === '' ? key : `${this.path}.${key}`);
  }

  error(problem: string): TokenizerError {
    return new TokenizerError(`${this.file}: ${problem}`);
  }

  /** `value` as a JSON object, or an error naming this path. */
  object(value: Json | undefined): JsonObject {
    if (!isObj(value)) throw this.error(`${this.path} should be an object, found ${valuePreview(value)}`);
    return value;
  }

  /** obj[key] checked with `check`; undefined when absent or null. */
  field<T extends Json>(obj: JsonObject, key: string, kind: string, check: (v: Json) => v is T): T | undefined {
    const value = obj[key];
    if (value === undefined || value === null) return undefined;
    if (!check(value)) throw this.error(`field ${this.at(key).path} should be ${kind}, found ${valuePreview(value)}`);
    return value;
  }

  bool(obj: JsonObject, key: string): boolean | undefined {
    return this.field(obj, key, 'a boolean', isBool);
  }

  string(obj: JsonObject, key: string): string | undefined {
    return this.field(obj, key, 'a string', isStr);
  }

  /** A whole number in [min, max]. */
  integer(obj: JsonObject, key: string, min: number, max: number): number | undefined {
    const inRange = (v: Json): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
    return this.field(obj, key, `a whole number from ${min} to ${max}`, inRange);
  }

  /** obj[key] as an array (absent or null: undefined). */
  array(obj: JsonObject, key: string): Json[] | undefined {
    return this.field(obj, key, 'an array', (v): v is Json[] => Array.isArray(v));
  }

  /** The `type` of a stage object, required. */
  type(obj: JsonObject): string {
    const type = obj['type'];
    if (typeof type !== 'string') throw this.error(`${this.at('type').path} should be a string, found ${valuePreview(type)}`);
    return type;
  }

  /** The error for a stage type this library does not implement. */
  notImplemented(type: string): TokenizerError {
    return this.error(`${this.at('type').path} ${valuePreview(type)} is not implemented`);
  }
}

const TOKENIZER_FILE = { error: TokenizerError } as const;

/** The JSON object in file `path`; undefined when `optional` and there is no such file. */
export function readJsonObject(path: string, optional: true): JsonObject | undefined;
export function readJsonObject(path: string, optional?: false): JsonObject;
export function readJsonObject(path: string, optional = false): JsonObject | undefined {
  const files = fileAccess(path, TOKENIZER_FILE);
  if (optional && !files.hasFile(path, TOKENIZER_FILE)) return undefined;
  return parseJsonObject(files.readText(path, TOKENIZER_FILE), path);
}

/** JSON text that must hold an object; `source` names it in errors. */
export function parseJsonObject(text: string, source: string): JsonObject {
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch (error) {
    throw new TokenizerError(`${source}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (!isObj(value)) throw new TokenizerError(`${source}: expected a JSON object`);
  return value;
}
