/**
 * What a training run owns in its output folder, and the rule that keeps two runs from mixing there (Hugging Face
 * Trainer's `overwrite_output_dir`): a folder that holds a run is refused unless the new run resumes it or
 * overwrites it. Without the rule a second run kept the first one's checkpoints (and pruned its own), appended to
 * its metrics.jsonl and drew the curve back from the old run's last step.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';

/** The model of the best evaluation so far (trainer option `best`). */
export const BEST_MODEL_DIR = 'best';
const RUN_FILES = new Set(['metrics.jsonl', 'loss-curve.svg', 'final', BEST_MODEL_DIR]);
/** A Hugging Face folder's files, which a run owns when its final model is written into the output folder itself. */
const MODEL_FILES = new Set([
  'config.json', 'model.safetensors', 'vocab.txt', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json',
]);
/** Complete checkpoints and the temporary folders a kill can leave behind while one (or best/) is written. */
const RUN_PATTERN = /^(checkpoint-\d+|\.(checkpoint-\d+|best)\.tmp-\d+)$/;

/**
 * The entries of `dir` that belong to a training run, sorted (empty when the folder is new or holds none).
 * `modelAtRoot`: the run writes its final model into `dir` itself, so a model's files there are the run's too.
 */
export function runEntries(dir: string, modelAtRoot = false): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => RUN_FILES.has(name) || RUN_PATTERN.test(name) || (modelAtRoot && MODEL_FILES.has(name))).sort();
}

/** Deletes a run's entries from `dir` (and nothing else: a folder may hold the user's own files too). */
export function clearRun(dir: string, modelAtRoot = false): void {
  for (const name of runEntries(dir, modelAtRoot)) rmSync(join(dir, name), { recursive: true, force: true });
}

/** Refuses a folder that holds a run, naming what it found and the two ways on. */
export function assertNoRun(dir: string, modelAtRoot = false): void {
  const entries = runEntries(dir, modelAtRoot);
  if (entries.length === 0) return;
  const shown = entries.length > 4 ? [...entries.slice(0, 4), `… ${entries.length - 4} more`] : entries;
  throw new ConfigError(`--output ${dir} already holds a training run (${shown.join(', ')}): `
    + 'add --resume to continue it, --overwrite to delete it and start over, or choose another --output');
}
