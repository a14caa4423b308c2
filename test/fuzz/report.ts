/** The end-of-run table: per reader, inputs tried and what became of them. */
import type { FuzzReport, TargetStats } from './pool.js';

const COLUMNS: readonly [string, keyof TargetStats][] = [
  ['inputs', 'inputs'],
  ['read identically', 'identical'],
  ['read, changed', 'changed'],
  ['rejected (typed)', 'rejected'],
  ['crashes', 'crashes'],
  ['hangs', 'hangs'],
  ['slowest ms', 'slowestMs'],
];

export function formatTable(report: FuzzReport): string {
  const total: TargetStats = { inputs: 0, identical: 0, changed: 0, rejected: 0, crashes: 0, hangs: 0, slowestMs: 0 };
  const rows: string[][] = [];
  for (const [name, stats] of report.stats) {
    rows.push([name, ...COLUMNS.map(([, key]) => String(stats[key]))]);
    for (const [, key] of COLUMNS) total[key] = key === 'slowestMs' ? Math.max(total[key], stats[key]) : total[key] + stats[key];
  }
  rows.push(['total', ...COLUMNS.map(([, key]) => String(total[key]))]);
  const header = ['reader', ...COLUMNS.map(([title]) => title)];
  const widths = header.map((title, c) => Math.max(title.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.slice(0, -1).map(line), rule, line(rows.at(-1) as string[])].join('\n');
}

export function formatCrashes(report: FuzzReport): string {
  const lines: string[] = [];
  for (const summary of report.crashes.values()) {
    lines.push(`${summary.target}: ${summary.count} × ${summary.reason}`);
    for (const saved of summary.saved.slice(0, 3)) lines.push(`    saved ${saved}`);
  }
  return lines.join('\n');
}
