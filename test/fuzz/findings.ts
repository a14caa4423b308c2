/**
 * Saves an input that crashed or hung a reader into the findings folder: the bytes as `<name>.bin` and what is known
 * about it as `<name>.json` (reader, reason, the seed and edits that made it, the error's stack, and the command that
 * replays it).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FindingRecord {
  target: string;
  kind: 'crash' | 'hang';
  reason: string;
  signature: string;
  description: string;
  bytes: Uint8Array;
  worker: number;
  error?: unknown;
}

/** Writes the finding; returns the path of the saved input. */
export function saveFinding(dir: string, finding: FindingRecord): string {
  mkdirSync(dir, { recursive: true });
  const tag = createHash('sha1').update(finding.signature).digest('hex').slice(0, 8);
  const content = createHash('sha1').update(finding.bytes).digest('hex').slice(0, 8);
  const base = join(dir, `${finding.target}-${finding.kind}-${tag}-${content}`);
  writeFileSync(`${base}.bin`, finding.bytes);
  const stack = finding.error instanceof Error ? finding.error.stack : undefined;
  writeFileSync(`${base}.json`, `${JSON.stringify({
    reader: finding.target,
    kind: finding.kind,
    reason: finding.reason,
    signature: finding.signature,
    input: finding.description,
    worker: finding.worker,
    stack,
    replay: `npm run fuzz -- --replay ${base}.bin --reader ${finding.target}`,
  }, null, 2)}\n`);
  return `${base}.bin`;
}
