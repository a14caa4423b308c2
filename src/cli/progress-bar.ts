/**
 * A one-line progress display on stderr: redrawn in place on a terminal, printed every few seconds otherwise
 * (CI logs, pipes), so long work always shows it is alive.
 */
export class ProgressBar {
  private lastPrint = 0;
  private readonly tty: boolean;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr, private readonly intervalMs = 5000) {
    this.tty = stream.isTTY === true;
  }

  update(done: number, total: number, details: string, force = false): void {
    const now = Date.now();
    if (!force && !this.tty && now - this.lastPrint < this.intervalMs) return;
    if (!force && this.tty && now - this.lastPrint < 100) return;
    this.lastPrint = now;
    const width = 24;
    const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const line = `${bar} ${done}/${total} ${details}`;
    if (this.tty) this.stream.write(`\r\x1b[K${line}`);
    else this.stream.write(`${line}\n`);
  }

  /** Ends the in-place line so later output starts on a fresh one. */
  done(): void {
    if (this.tty) this.stream.write('\n');
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}
