/**
 * Reading a pipeline's snake_case options (transformers.js / Hugging Face Python names). Values come from code or from
 * CLI flags, so numbers may arrive as "3", booleans as "true", lists as "O,MISC". Every error names the option.
 */
import { valuePreview } from '../error-text.js';
import { ValueError } from '../errors.js';

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
