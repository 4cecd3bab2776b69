/**
 * Time as the emulators see it. Slack's rules are about time (response_url lives 30 minutes,
 * trigger_id 3 seconds), so tests and the sandbox move this clock instead of waiting.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Real time plus an offset that only grows: `advance` jumps forward, nothing goes back. */
export class OffsetClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly base: () => number = Date.now) {}

  now(): number {
    return this.base() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot move the clock by ${ms} ms`);
    this.offsetMs += ms;
  }
}

export const systemClock: Clock = { now: () => Date.now() };
