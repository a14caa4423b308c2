import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-file.js';

/** One line of metrics.jsonl: training entries carry `loss`, evaluation entries `eval_loss`. */
export interface MetricsEntry {
  step: number;
  [key: string]: number;
}

/** metrics.jsonl beside the checkpoints: one JSON object per line, appended as training goes. */
export class MetricsLog {
  constructor(readonly path: string) {}

  append(entry: MetricsEntry): void {
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
  }

  read(): MetricsEntry[] {
    if (!existsSync(this.path)) return [];
    const entries: MetricsEntry[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        entries.push(JSON.parse(line) as MetricsEntry);
      } catch {
        // A line cut by a kill mid-write: drop it, the next run rewrites from its checkpoint.
      }
    }
    return entries;
  }

  /** On resume: forget what a killed run logged after the checkpoint it resumes from. */
  truncateAfter(step: number): void {
    const kept = this.read().filter((entry) => entry.step <= step);
    writeFileAtomic(this.path, kept.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
  }
}
