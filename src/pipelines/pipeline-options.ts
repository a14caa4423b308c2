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

/**
 * A list of strings given as an array, or as one comma-separated string whose items are trimmed and empty ones
 * dropped (Hugging Face's ZeroShotClassificationArgumentHandler._parse_labels); undefined for anything else.
 */
export function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) return undefined;
  return [...value];
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

  /** Strings: an array, or one comma-separated string (a CLI flag), as stringList reads them. */
  stringList(key: string, fallback: readonly string[]): string[] {
    const raw = this.value(key);
    if (raw === undefined) return [...fallback];
    return stringList(raw) ?? this.fail(key, 'a list of strings or a comma-separated string');
  }

  string(key: string, fallback: string): string {
    const raw = this.value(key);
    if (raw === undefined) return fallback;
    return typeof raw === 'string' ? raw : this.fail(key, 'a string');
  }
}
