/** A one-line progress bar on stderr, shown only when stderr is a terminal (never in pipes, logs or --json use). */
export function progressBar(label: string): { update(fraction: number, phase?: string): void; done(): void } {
  const tty = Boolean(process.stderr.isTTY);
  let last = -1;
  return {
    update(fraction, phase) {
      if (!tty) return;
      const pct = Math.floor(fraction * 100);
      if (pct === last) return;
      last = pct;
      const width = 30, filled = Math.round(fraction * width);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(pct).padStart(3)}% ${phase ?? ''}   `);
    },
    done() { if (tty && last >= 0) process.stderr.write('\r' + ' '.repeat(70) + '\r'); },
  };
}
