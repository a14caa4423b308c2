import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-file.js';

/** One line of metrics.jsonl: training entries carry `loss`, evaluation entries `eval_loss`. */
export interface MetricsEntry {
  step: number;
  [key: string]: number;
}

/**
 * metrics.jsonl beside the checkpoints: one JSON object per line, appended as training goes. The entries are also
 * kept in memory, so drawing the curve never re-reads the file (re-reading it every step made a run quadratic).
 */
export class MetricsLog {
  private readonly kept: MetricsEntry[] = [];

  constructor(readonly path: string) {}

  get entries(): readonly MetricsEntry[] {
    return this.kept;
  }

  append(entry: MetricsEntry): void {
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
    this.kept.push(entry);
  }

  /** The entries in the file (a line cut by a kill mid-write is dropped: the resumed run rewrites from its checkpoint). */
  read(): MetricsEntry[] {
    if (!existsSync(this.path)) return [];
    const entries: MetricsEntry[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        entries.push(JSON.parse(line) as MetricsEntry);
      } catch {
        // See above.
      }
    }
    return entries;
  }

  /** On resume: keep the history up to the checkpoint's step, forget what a killed run logged after it. */
  truncateAfter(step: number): void {
    const kept = this.read().filter((entry) => entry.step <= step);
    writeFileAtomic(this.path, kept.map((entry) => `${JSON.stringify(entry)}
`).join(''));
    this.kept.splice(0, this.kept.length, ...kept);
  }
}
