/**
 * The emulator's notion of "now". Real time by default; the sandbox's "advance clock" feature
 * adds an offset so that expiries and state transitions can be reached without waiting.
 */
export class Clock {
  private offsetMs = 0;

  constructor(private readonly source: () => number = Date.now) {}

  now(): number {
    return this.source() + this.offsetMs;
  }

  date(): Date {
    return new Date(this.now());
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
    this.offsetMs += ms;
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Restores a persisted offset (never moves the clock backwards past real time). */
  setOffset(ms: number): void {
    this.offsetMs = Math.max(0, ms);
  }
}
