/** A one-line progress bar on stderr (redrawn on a terminal, a line every 30 s otherwise). */
export class ProgressBar {
  private last = 0;
  private readonly tty = Boolean(process.stderr.isTTY);
  constructor(private readonly intervalMs = process.stderr.isTTY ? 300 : 30_000) {}

  update(done: number, total: number, label: string, details: string, force = false): void {
    const now = Date.now();
    if (!force && now - this.last < this.intervalMs) return;
    this.last = now;
    const width = 24;
    const filled = total > 0 ? Math.round((width * done) / total) : 0;
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    const line = `${label} [${bar}] ${done}/${total} ${details}`;
    if (this.tty)
      process.stderr.write(
        `\r${line.slice(0, (process.stderr.columns ?? 160) - 1).padEnd(Math.min(line.length, 159))}`,
      );
    else process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  }

  done(): void {
    if (this.tty) process.stderr.write('\n');
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}
