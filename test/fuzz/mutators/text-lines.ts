/**
 * Line-level edits to a one-token-per-line file (vocab.txt): lines deleted, duplicated, swapped, emptied, given
 * trailing whitespace or CRLF endings, very long lines, a BOM, NULs, invalid or overlong UTF-8, lone surrogates
 * (as CESU-8 bytes), the final newline removed or doubled, or the file emptied.
 */
import type { Rng } from '../../../src/tensor/rng.js';
import type { Mutation } from '../mutation.js';
import { pick, weighted } from '../random.js';
import { concat } from './bytes.js';

const encoder = new TextEncoder();

export function splitLines(bytes: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      lines.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  lines.push(bytes.subarray(start));
  return lines;
}

export function joinLines(lines: readonly Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  lines.forEach((line, i) => {
    if (i > 0) parts.push(Uint8Array.of(0x0a));
    parts.push(line);
  });
  return concat(...parts);
}

/** Byte strings a line may be replaced with or extended by. */
const ODD_BYTES: readonly (readonly [string, Uint8Array])[] = [
  ['a BOM', Uint8Array.of(0xef, 0xbb, 0xbf)],
  ['a NUL', Uint8Array.of(0x00)],
  ['a CR', Uint8Array.of(0x0d)],
  ['trailing spaces', encoder.encode(' \t ')],
  ['U+00A0', encoder.encode('\u00a0')],
  ['U+3000', encoder.encode('\u3000')],
  ['U+FEFF', encoder.encode('\ufeff')],
  ['invalid UTF-8 (0xff)', Uint8Array.of(0xff)],
  ['a truncated UTF-8 sequence', Uint8Array.of(0xe2, 0x82)],
  ['an overlong "/"', Uint8Array.of(0xc0, 0xaf)],
  ['a lone surrogate (CESU-8)', Uint8Array.of(0xed, 0xa0, 0x80)],
  ['an emoji', encoder.encode('\u{1f600}')],
  ['a combining mark', encoder.encode('e\u0301')],
];

export function mutateLines(bytes: Uint8Array, rng: Rng): Mutation {
  const lines = splitLines(bytes);
  const i = rng.int(lines.length);
  const line = lines[i] as Uint8Array;
  const op = weighted(rng, [
    [2, 'delete'], [2, 'duplicate'], [1, 'swap'], [1, 'empty'], [3, 'append'], [1, 'prepend'], [1, 'replace'],
    [1, 'crlf'], [1, 'final-newline'], [1, 'long'], [1, 'empty-file'],
  ] as const);
  switch (op) {
    case 'delete':
      lines.splice(i, 1);
      return { bytes: joinLines(lines), description: `delete line ${i + 1}` };
    case 'duplicate': {
      const at = rng.int(lines.length + 1);
      lines.splice(at, 0, line);
      return { bytes: joinLines(lines), description: `copy line ${i + 1} to line ${at + 1}` };
    }
    case 'swap': {
      const j = rng.int(lines.length);
      lines[i] = lines[j] as Uint8Array;
      lines[j] = line;
      return { bytes: joinLines(lines), description: `swap lines ${i + 1} and ${j + 1}` };
    }
    case 'empty':
      lines.splice(i, 0, new Uint8Array(0));
      return { bytes: joinLines(lines), description: `insert an empty line at ${i + 1}` };
    case 'append':
    case 'prepend':
    case 'replace': {
      const [what, odd] = pick(rng, ODD_BYTES);
      lines[i] = op === 'append' ? concat(line, odd) : op === 'prepend' ? concat(odd, line) : odd.slice();
      return { bytes: joinLines(lines), description: `${op} ${what} ${op === 'replace' ? 'as' : 'to'} line ${i + 1}` };
    }
    case 'crlf':
      return { bytes: joinLines(lines.map((l) => concat(l, Uint8Array.of(0x0d)))), description: 'CRLF line endings' };
    case 'final-newline': {
      const last = lines.length - 1;
      if (lines[last]?.length === 0) lines.pop();
      else lines.push(new Uint8Array(0));
      if (pick(rng, [true, false])) lines.push(new Uint8Array(0));
      return { bytes: joinLines(lines), description: 'change the final newline' };
    }
    case 'long':
      lines[i] = encoder.encode('x'.repeat(pick(rng, [1_000, 20_000, 200_000])));
      return { bytes: joinLines(lines), description: `line ${i + 1} made very long` };
    case 'empty-file':
      return { bytes: pick(rng, [new Uint8Array(0), Uint8Array.of(0x0a), Uint8Array.of(0x0a, 0x0a)]), description: 'file emptied' };
  }
}
