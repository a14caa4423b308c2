/**
 * A pre-training run made elsewhere (`npm start -- --steps N --output DIR`, e.g. hours on a quiet machine), given to
 * the showcase with --pretrained DIR instead of its own timed pre-training: the comparison then starts from DIR/final,
 * and the table states that run's steps, time (summed over its resumed segments) and held-out MLM accuracy as its
 * metrics.jsonl recorded them.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {string} dir  a pre-training run's folder: final/ (the model) and metrics.jsonl (training and held-out lines)
 * @returns {{ finalDir: string, key: string, steps: number, seconds: number, mlmAccuracy: number | undefined, finishedAt: string }}
 */
export function readPretrainingRun(dir) {
  const finalDir = join(dir, 'final');
  const weights = join(finalDir, 'model.safetensors');
  const metricsFile = join(dir, 'metrics.jsonl');
  if (!existsSync(weights)) throw new Error(`--pretrained ${dir}: no final/model.safetensors (is the run finished? \`npm start -- --resume --output ${dir}\` finishes it)`);
  if (!existsSync(metricsFile)) throw new Error(`--pretrained ${dir}: no metrics.jsonl`);
  const lines = readFileSync(metricsFile, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line, index) => {
    try {
      return JSON.parse(line);
    } catch {
      throw new Error(`${metricsFile}:${index + 1}: not JSON`);
    }
  });
  const training = lines.filter((entry) => typeof entry.elapsed_s === 'number');
  const evaluations = lines.filter((entry) => typeof entry.eval_mlm_accuracy === 'number');
  if (training.length === 0) throw new Error(`${metricsFile}: no training line (with "elapsed_s")`);
  const last = training.at(-1);
  const lastEval = evaluations.at(-1);
  // elapsed_s restarts from 0 when a run resumes (`--resume`): the run's time is the sum of its segments' last values.
  let seconds = 0;
  training.forEach((entry, index) => {
    const next = training[index + 1];
    if (next === undefined || next.elapsed_s < entry.elapsed_s) seconds += entry.elapsed_s;
  });
  // The weights' digest is the key of every step that starts from them: other weights, other fine-tuning runs.
  const key = createHash('sha256').update(readFileSync(weights)).digest('hex');
  // The run's last step is its newest checkpoint's (metrics.jsonl logs every --log-every steps).
  const checkpointSteps = readdirSync(dir).map((name) => /^checkpoint-(\d+)$/.exec(name)?.[1]).filter((step) => step !== undefined).map(Number);
  return {
    finalDir, key, steps: Math.max(last.step, lastEval?.step ?? 0, ...checkpointSteps), seconds,
    mlmAccuracy: lastEval?.eval_mlm_accuracy, finishedAt: key.slice(0, 16),
  };
}
