/** How far a job run's apply is: items finished of those planned. */
export interface JobProgress {
  done: number;
  total: number;
}

const twoDigits = (n: number) => String(n).padStart(2, '0');

/** Seconds as `42s`, `3m05s` or `1h02m`: an ETA is read at a glance, not to the second. */
export function shortDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${twoDigits(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${twoDigits(Math.floor((s % 3600) / 60))}m`;
}

/**
 * The progress line `ec2ops job run` keeps rewriting on a terminal:
 * `instance-reaper: 1200/5000 items (24%), 19.8/s, ETA 3m12s`. No rate or ETA before the
 * first item is done (nothing to measure them by).
 */
export function progressLine(job: string, progress: JobProgress, elapsedMs: number): string {
  const { done, total } = progress;
  const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
  const head = `${job}: ${done}/${total} items (${percent}%)`;
  if (done === 0 || elapsedMs <= 0) return head;
  const rate = done / (elapsedMs / 1000);
  const eta = done >= total ? 'done' : `ETA ${shortDuration((total - done) / rate)}`;
  return `${head}, ${rate.toFixed(1)}/s, ${eta}`;
}
