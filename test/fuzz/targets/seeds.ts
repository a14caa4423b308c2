/** Seeds read from the repository's reference fixtures. */
import { readFileSync } from 'node:fs';
import { fixturePath } from '../../helpers/fixtures.js';
import type { Seed } from '../mutation.js';

export function fixtureSeed(...parts: string[]): Seed {
  return { label: parts.join('/'), bytes: new Uint8Array(readFileSync(fixturePath('reference', ...parts))) };
}

export function textSeed(label: string, text: string): Seed {
  return { label, bytes: new TextEncoder().encode(text) };
}
