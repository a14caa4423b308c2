/**
 * Untrusted content in error messages. A message quotes what it found in a file, but the file may hold a value
 * nested 50,000 levels deep (JSON.stringify would overflow the stack), a megabyte-long string, or line breaks that
 * would split the one-line message the CLI prints. These helpers never throw and keep the quote short and on one line.
 */

const MAX_STRING = 40;
const MAX_ITEMS = 4;
const MAX_DEPTH = 2;

/** Control characters and line separators as \uXXXX escapes. */
export function singleLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function preview(value: unknown, depth: number): string {
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value.length > MAX_STRING ? value.slice(0, MAX_STRING) : value);
    return value.length > MAX_STRING ? `${quoted.slice(0, -1)}..." (${value.length} chars)` : quoted;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'object') return typeof value;
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return value.length === 0 ? '[]' : '[...]';
    const items = value.slice(0, MAX_ITEMS).map((item) => preview(item, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`... (${value.length} items)`);
    return `[${items.join(', ')}]`;
  }
  const keys = Object.keys(value);
  if (depth >= MAX_DEPTH) return keys.length === 0 ? '{}' : '{...}';
  const entries = keys.slice(0, MAX_ITEMS).map((key) => `${preview(key, MAX_DEPTH)}: ${preview((value as Record<string, unknown>)[key], depth + 1)}`);
  if (keys.length > MAX_ITEMS) entries.push(`... (${keys.length} keys)`);
  return `{${entries.join(', ')}}`;
}

/** A short one-line JSON-like rendering of any value: strings quoted and cut at 40 characters, nesting cut at depth 2. */
export function valuePreview(value: unknown): string {
  return preview(value, 0);
}
