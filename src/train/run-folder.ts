/**
 * What a training run owns in its output folder, and the rule that keeps two runs from mixing there (Hugging Face
 * Trainer's `overwrite_output_dir`): a folder that holds a run is refused unless the new run resumes it or
 * overwrites it. Without the rule a second run kept the first one's checkpoints (and pruned its own), appended to
 * its metrics.jsonl and drew the curve back from the old run's last step.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';

const RUN_FILES = new Set(['metrics.jsonl', 'loss-curve.svg', 'final']);
/** Complete checkpoints and the temporary folders a kill can leave behind while one is written. */
const RUN_PATTERN = /^(checkpoint-\d+|\.checkpoint-\d+\.tmp-\d+)$/;

/** The entries of `dir` that belong to a training run, sorted (empty when the folder is new or holds none). */
export function runEntries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => RUN_FILES.has(name) || RUN_PATTERN.test(name)).sort();
}

/** Deletes a run's entries from `dir` (and nothing else: a folder may hold the user's own files too). */
export function clearRun(dir: string): void {
  for (const name of runEntries(dir)) rmSync(join(dir, name), { recursive: true, force: true });
}

/** Refuses a folder that holds a run, naming what it found and the two ways on. */
export function assertNoRun(dir: string): void {
  const entries = runEntries(dir);
  if (entries.length === 0) return;
  const shown = entries.length > 4 ? [...entries.slice(0, 4), `… ${entries.length - 4} more`] : entries;
  throw new ConfigError(`--output ${dir} already holds a training run (${shown.join(', ')}): `
    + 'add --resume to continue it, --overwrite to delete it and start over, or choose another --output');
}
