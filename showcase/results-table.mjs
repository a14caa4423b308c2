/**
 * The showcase's report: one markdown table (task, model, test metrics, training time, steps, epochs) under a line that
 * says what was run where — the seed, the time budget, the CPU and the date.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
// Through the package entry, which installs the Node runtime (the native backend when it loads), as the CLI does.
import { backendInfo } from '../dist/src/index.js';

/** The CPU as /proc/cpuinfo names it, whether it has AVX-512, the cores, and the backend tsbert picked. */
export function machineLine() {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  let avx512 = false;
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? model;
    avx512 = /^flags\s*:.*\bavx512f\b/m.test(info);
  } catch {
    // Not Linux: os.cpus() names the model; AVX-512 is then unknown, and the backend line below says what ran.
  }
  const backend = backendInfo();
  return `${model}, ${avx512 ? 'with' : 'no'} AVX-512, ${cpus().length} cores; tsbert backend ${backend.name} (${backend.isa}), ${backend.threads} threads`;
}

/** @param {number} seconds */
export function duration(seconds) {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${String(Math.round(seconds - 60 * m)).padStart(2, '0')} s`;
}

/** @param {number | undefined} x */
const percent = (x) => (x === undefined || !Number.isFinite(x) ? '—' : `${(100 * x).toFixed(1)}%`);

/**
 * @typedef {{ task: string, model: string, metrics: Record<string, number | undefined>, seconds: number, steps?: number, epochs?: number }} Row
 */

/**
 * The markdown report.
 * @param {{ rows: Row[], metricColumns: Array<[key: string, title: string]>, header: string[] }} report
 */
export function resultsMarkdown({ rows, metricColumns, header }) {
  const titles = ['Task', 'Model', ...metricColumns.map(([, title]) => title), 'Training time', 'Steps', 'Epochs'];
  const lines = [
    ...header.map((line) => `${line}  `),
    '',
    `| ${titles.join(' | ')} |`,
    `|${titles.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`,
    ...rows.map((row) => `| ${[
      row.task,
      row.model,
      ...metricColumns.map(([key]) => percent(row.metrics[key])),
      duration(row.seconds),
      row.steps === undefined ? '—' : String(row.steps),
      row.epochs === undefined ? '—' : String(row.epochs),
    ].join(' | ')} |`),
  ];
  return `${lines.join('\n')}\n`;
}
