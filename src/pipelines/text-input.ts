/** A pipeline's inputs from a call or a JSON line: objects and their string fields, each error naming task and field. */
import { valuePreview } from '../error-text.js';
import { ValueError } from '../errors.js';

/** An input that must be an object; `shape` says which (`{question, context}`) in the error. */
export function inputObject(value: unknown, task: string, shape: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValueError(`${task}: an input must be ${shape}, got ${valuePreview(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A string field of an input object; empty is a ValueError unless `allowEmpty`. */
export function textField(input: Record<string, unknown>, key: string, task: string, allowEmpty = true): string {
  const value = input[key];
  if (typeof value !== 'string') throw new ValueError(`${task}: input field "${key}" must be a string, got ${valuePreview(value)}`);
  if (value.length === 0 && !allowEmpty) throw new ValueError(`${task}: input field "${key}" cannot be empty`);
  return value;
}

/** A single-text task's input from a call or a JSON line: a string, or an object's "text" field. */
export function textInput(value: unknown, task: string): string {
  if (typeof value === 'string') return value;
  return textField(inputObject(value, task, 'a text'), 'text', task);
}
