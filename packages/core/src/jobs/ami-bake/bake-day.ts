/**
 * "Already baked today" means: an image of the source whose baked-at instant falls in the same
 * calendar day, in the time zone the stage schedules the bake in (`jobs.ami-bake.timeZone`,
 * UTC by default). The day is turned into a pair of instants and instants are compared, so
 * daylight-saving changes move the day's bounds, not the comparison.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function wallClockMs(instantMs: number, timeZone: string): number {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(instantMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
}

/** The zone's offset from UTC at an instant, in milliseconds (whole seconds). */
function offsetMs(instantMs: number, timeZone: string): number {
  const whole = Math.floor(instantMs / 1000) * 1000;
  return wallClockMs(whole, timeZone) - whole;
}

/** The instant a local wall-clock time (given as if it were UTC) happens in the zone. */
function localToInstant(wallMs: number, timeZone: string): number {
  let guess = wallMs - offsetMs(wallMs, timeZone);
  guess = wallMs - offsetMs(guess, timeZone);
  return guess;
}

/** Start (inclusive) and end (exclusive) instants of the local calendar day containing `instantMs`. */
export function localDayBounds(instantMs: number, timeZone: string): { start: number; end: number } {
  const wall = new Date(wallClockMs(instantMs, timeZone));
  const y = wall.getUTCFullYear();
  const m = wall.getUTCMonth();
  const d = wall.getUTCDate();
  return {
    start: localToInstant(Date.UTC(y, m, d), timeZone),
    end: localToInstant(Date.UTC(y, m, d + 1), timeZone),
  };
}

export function sameLocalDay(aMs: number, bMs: number, timeZone: string): boolean {
  const { start, end } = localDayBounds(aMs, timeZone);
  return bMs >= start && bMs < end;
}
