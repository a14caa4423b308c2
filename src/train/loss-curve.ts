import { writeFileAtomic } from '../io/atomic-file.js';
import type { MetricsEntry } from './metrics-log.js';

interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

const WIDTH = 720;
const HEIGHT = 360;
const MARGIN = { left: 60, right: 20, top: 30, bottom: 40 };

function ticks(min: number, max: number, count: number): number[] {
  const span = max - min || 1;
  return Array.from({ length: count + 1 }, (_, i) => min + (span * i) / count);
}

function label(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}

/** The training and evaluation loss against the step, as a self-contained SVG (no dependencies, opens anywhere). */
export function lossCurveSvg(entries: readonly MetricsEntry[], title: string): string {
  const pick = (key: string): [number, number][] =>
    entries.filter((e) => e[key] !== undefined).map((e): [number, number] => [e.step, e[key]!]);
  const series: Series[] = [
    { name: 'train loss', color: '#1f77b4', points: pick('loss') },
    { name: 'eval loss', color: '#d62728', points: pick('eval_loss') },
  ].filter((s) => s.points.length > 0);
  const all = series.flatMap((s) => s.points);
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => y).filter(Number.isFinite);
  const [xMin, xMax] = xs.length > 0 ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const [yMin, yMax] = ys.length > 0 ? [Math.min(0, ...ys), Math.max(...ys)] : [0, 1];
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (x: number): number => MARGIN.left + ((x - xMin) / (xMax - xMin || 1)) * plotW;
  const py = (y: number): number => MARGIN.top + plotH - ((y - yMin) / (yMax - yMin || 1)) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
  ];
  for (const y of ticks(yMin, yMax, 5)) {
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${py(y)}" y2="${py(y)}" stroke="#eee"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${py(y) + 4}" text-anchor="end">${label(y)}</text>`);
  }
  for (const x of ticks(xMin, xMax, 6)) {
    parts.push(`<text x="${px(x)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${label(Math.round(x))}</text>`);
  }
  parts.push(`<text x="${WIDTH / 2}" y="${HEIGHT - 6}" text-anchor="middle">step</text>`);
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  series.forEach((s, i) => {
    const path = s.points.filter(([, y]) => Number.isFinite(y)).map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`);
    parts.push(`<text x="${WIDTH - MARGIN.right - 100}" y="${MARGIN.top + 16 + 16 * i}" fill="${s.color}">${s.name}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

export function writeLossCurve(path: string, entries: readonly MetricsEntry[], title: string): void {
  writeFileAtomic(path, lossCurveSvg(entries, title));
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
