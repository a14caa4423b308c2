/**
 * The verdict on one input. A reader must either read it (identically to the seed, or differently when the edit
 * made another valid file: a changed tensor value, a swapped vocabulary line) or reject it with the format's typed
 * error whose one-line message names the file. Anything else is a crash: another exception (TypeError, RangeError
 * from an out-of-bounds DataView read, a JSON SyntaxError), a TsbertError of the wrong kind, a message that does
 * not name the file, an allocation over the limit, or a Finding from the target's own checks.
 */
import { dirname } from 'node:path';
import { TsbertError } from '../../src/errors.js';
import { AllocationLimitError } from './allocation-guard.js';
import { Finding } from './finding.js';
import type { FuzzTarget } from './target.js';

export type Outcome =
  | { kind: 'identical' | 'changed' | 'rejected' }
  | { kind: 'crash'; reason: string; error: unknown };

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${firstLine(error.message)}`;
  return `thrown ${typeof error}: ${firstLine(String(error))}`;
}

/** Reads `path` with the target and classifies the result against the seed's digests (any of them, when replaying). */
export async function classify(target: FuzzTarget, path: string, baselines: ReadonlySet<string>): Promise<Outcome> {
  let digest: string;
  try {
    digest = await target.read(path);
  } catch (error) {
    return judgeError(target, path, error);
  }
  return { kind: baselines.has(digest) ? 'identical' : 'changed' };
}

function judgeError(target: FuzzTarget, path: string, error: unknown): Outcome {
  const crash = (reason: string): Outcome => ({ kind: 'crash', reason, error });
  if (error instanceof AllocationLimitError) return crash(`unbounded allocation: ${error.message}`);
  if (error instanceof Finding) return crash(`wrong result: ${firstLine(error.message)}`);
  if (!(error instanceof TsbertError)) return crash(`untyped error: ${describeError(error)}`);
  if (!(error instanceof target.errorClass)) return crash(`wrong error class: ${describeError(error)} (expected ${target.errorClass.name})`);
  if (!error.message.includes(dirname(path))) return crash(`message does not name the file: ${describeError(error)}`);
  if (error.message.includes('\n')) return crash(`message spans ${error.message.split('\n').length} lines: ${describeError(error)}`);
  return { kind: 'rejected' };
}

/**
 * Groups crashes that are one bug: the kind of crash and error class, and the first library stack frame (file:line)
 * the error passed through; without such a frame (a Finding, a stack overflow deep in a builtin), the reason with
 * its numbers and quoted text blanked.
 */
export function crashSignature(reader: string, reason: string, error: unknown): string {
  const stack = error instanceof Error ? error.stack ?? '' : '';
  const frame = /\/src\/[^\s)]+:\d+/.exec(stack)?.[0];
  const kind = reason.slice(0, reason.indexOf(':'));
  const name = error instanceof Error ? error.name : typeof error;
  if (frame !== undefined) return `${reader} | ${kind} | ${name} | ${frame.replace(/^.*\/src\//, 'src/')}`;
  return `${reader} | ${reason.replace(/"[^"]*"/g, '"…"').replace(/\d+/g, '#').slice(0, 160)}`;
}
