/**
 * "Already baked today" means: an image of the source whose baked-at instant falls in the same
 * calendar day, in the time zone the stage schedules the bake in (`jobs.ami-bake.timeZone`,
 * UTC by default). The day is turned into a pair of instants and instants are compared, so
 * daylight-saving changes move the day's bounds, not the comparison.
 */
import { instantsOf, wallTimeAt } from '../../time/zoned';

/**
 * The first instant of a local calendar day: midnight, or the first wall minute that exists
 * when a zone skips midnight (clocks going forward at 00:00, as in America/Santiago).
 */
function startOfLocalDay(year: number, month: number, day: number, timeZone: string): number {
  const date = new Date(Date.UTC(year, month - 1, day));
  const wall = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
  for (let minute = 0; minute < 24 * 60; minute += 15) {
    const [first] = instantsOf({ ...wall, hour: Math.floor(minute / 60), minute: minute % 60 }, timeZone);
    if (first !== undefined) return first;
  }
  throw new Error(`${timeZone} shows no wall time on ${year}-${month}-${day}`);
}

/** Start (inclusive) and end (exclusive) instants of the local calendar day containing `instantMs`. */
export function localDayBounds(instantMs: number, timeZone: string): { start: number; end: number } {
  const { year, month, day } = wallTimeAt(instantMs, timeZone);
  return {
    start: startOfLocalDay(year, month, day, timeZone),
    end: startOfLocalDay(year, month, day + 1, timeZone),
  };
}

export function sameLocalDay(aMs: number, bMs: number, timeZone: string): boolean {
  const { start, end } = localDayBounds(aMs, timeZone);
  return bMs >= start && bMs < end;
}
