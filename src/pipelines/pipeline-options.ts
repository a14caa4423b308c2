/**
 * A pipeline call's options, snake_case as transformers.js and Hugging Face's Python pipelines name them, read
 * against the task's list: an unknown name or a wrong value is a ValueError naming the option and what is valid.
 * Values may also be the strings a command line gives ("2", "true", "null"): the CLI passes its flags through here.
 */
import { valuePreview } from '../error-text.js';
import { ValueError } from '../errors.js';
import type { PipelineTask } from './pipeline-tasks.js';

/** The options argument of a pipeline call: absent → {}, else a plain object. */
export function optionsArgument(value: unknown, task: PipelineTask): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ValueError(`${task}: options must be an object, got ${valuePreview(value)}`);
  return value as Record<string, unknown>;
}

export class OptionReader {
  constructor(readonly task: PipelineTask, private readonly options: Record<string, unknown>, valid: readonly string[]) {
    for (const key of Object.keys(options)) {
      if (!valid.includes(key)) {
        throw new ValueError(`${task}: unknown option ${valuePreview(key)}; ${valid.length === 0 ? 'it takes no options' : `its options: ${valid.join(', ')}`}`);
      }
    }
  }

  private value(key: string): unknown {
    return Object.hasOwn(this.options, key) ? this.options[key] : undefined;
  }

  private fail(key: string, expected: string): never {
    throw new ValueError(`${this.task}: option ${key} must be ${expected}, got ${valuePreview(this.value(key))}`);
  }

  /** An integer ≥ min; a decimal string is read as its number. */
  integer(key: string, fallback: number, min: number): number {
    const raw = this.value(key);
    if (raw === undefined) return fallback;
    const value = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) this.fail(key, `an integer ≥ ${min}`);
    return value;
  }

  /** An integer ≥ min, or null (explicitly given: null or "null"). */
  integerOrNull(key: string, fallback: number | null, min: number): number | null {
    const raw = this.value(key);
    if (raw === null || raw === 'null') return null;
    if (raw === undefined) return fallback;
    const value = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) this.fail(key, `null or an integer ≥ ${min}`);
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    const raw = this.value(key);
    if (raw === undefined) return fallback;
    if (raw === true || raw === 'true') return true;
    if (raw === false || raw === 'false') return false;
    return this.fail(key, 'true or false');
  }

  choice<C extends string>(key: string, choices: readonly C[], fallback: C): C;
  choice<C extends string>(key: string, choices: readonly C[], fallback: undefined): C | undefined;
  choice<C extends string>(key: string, choices: readonly C[], fallback: C | undefined): C | undefined {
    const raw = this.value(key);
    if (raw === undefined) return fallback;
    const found = choices.find((choice) => choice === raw);
    return found ?? this.fail(key, `one of ${choices.join(', ')}`);
  }

  string(key: string, fallback: string): string {
    const raw = this.value(key);
    if (raw === undefined) return fallback;
    return typeof raw === 'string' ? raw : this.fail(key, 'a string');
  }
}

// TODO(integrate): the token-classification and question-answering pipelines read options through these; unify with OptionReader.
export type OptionBag = Readonly<Record<string, unknown>>;

/** Throws a ValueError naming the first option that `known` does not list. */
export function rejectUnknownOptions(task: string, options: OptionBag, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (options[key] !== undefined && !known.includes(key)) {
      throw new ValueError(`${task}: unknown option ${key} (known: ${known.join(', ')})`);
    }
  }
}

/** A whole number ≥ min; `fallback` when absent. */
export function intOption(task: string, options: OptionBag, key: string, fallback: number, min: number): number {
  const raw = options[key];
  if (raw === undefined || raw === null) return fallback;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ValueError(`${task}: option ${key} must be a whole number ≥ ${min}, got ${valuePreview(raw)}`);
  }
  return value;
}

export function boolOption(task: string, options: OptionBag, key: string, fallback: boolean): boolean {
  const raw = options[key];
  if (raw === undefined || raw === null) return fallback;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new ValueError(`${task}: option ${key} must be true or false, got ${valuePreview(raw)}`);
}

export function choiceOption<T extends string>(task: string, options: OptionBag, key: string, choices: readonly T[], fallback: T): T {
  const raw = options[key];
  if (raw === undefined || raw === null) return fallback;
  const found = choices.find((choice) => choice === raw);
  if (found === undefined) throw new ValueError(`${task}: option ${key} must be one of ${choices.join(', ')}, got ${valuePreview(raw)}`);
  return found;
}

/** An array of strings, or one string of comma-separated items (a CLI flag). */
export function stringListOption(task: string, options: OptionBag, key: string, fallback: readonly string[]): string[] {
  const raw = options[key];
  if (raw === undefined || raw === null) return [...fallback];
  if (typeof raw === 'string') return raw === '' ? [] : raw.split(',');
  if (Array.isArray(raw) && raw.every((item): item is string => typeof item === 'string')) return [...raw];
  throw new ValueError(`${task}: option ${key} must be a list of strings, got ${valuePreview(raw)}`);
}

/** A JSON line's (or a call's) object: throws a ValueError naming what is not an object. */
export function inputObject(task: string, value: unknown, fields: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValueError(`${task}: an input must be an object ${fields}, got ${valuePreview(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A string field of an input object; empty is a ValueError unless `allowEmpty`. */
export function textField(task: string, input: Record<string, unknown>, key: string, allowEmpty = false): string {
  const value = input[key];
  if (typeof value !== 'string') throw new ValueError(`${task}: field "${key}" must be a string, got ${valuePreview(value)}`);
  if (value.length === 0 && !allowEmpty) throw new ValueError(`${task}: field "${key}" cannot be empty`);
  return value;
}
