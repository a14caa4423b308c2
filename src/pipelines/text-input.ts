import { valuePreview } from '../error-text.js';
import { ValueError } from '../errors.js';

/** A single-text task's input from a call or a JSON line: a string, or an object's "text" field. */
export function textInput(value: unknown, task: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { text } = value as Record<string, unknown>;
    if (typeof text === 'string') return text;
    throw new ValueError(`${task}: input field "text" must be a string, got ${valuePreview(text)}`);
  }
  throw new ValueError(`${task}: an input must be a text, got ${valuePreview(value)}`);
}
