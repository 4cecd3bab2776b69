/**
 * Wall-clock time in an IANA time zone, computed with Intl only (no time-zone database of our
 * own). Schedules are written in local time; everything else in ec2ops compares UTC instants.
 */
export interface WallTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** True for names Intl knows, such as `UTC` or `Europe/Berlin`. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall time an instant shows in a zone (seconds dropped: schedules have minute precision). */
export function wallTimeAt(instantMs: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
  };
}

function asUtcMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
}

function sameWallTime(a: WallTime, b: WallTime): boolean {
  return (
    a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute
  );
}

/**
 * Every instant at which a zone's clocks show this wall time, earliest first: none in the hour
 * skipped when clocks go forward, two in the hour repeated when they go back, one otherwise.
 */
export function instantsOf(wall: WallTime, timeZone: string): number[] {
  const naive = asUtcMs(wall);
  const found = new Set<number>();
  // A zone's offset a day either side covers both offsets around any transition.
  for (const probe of [naive - 86_400_000, naive, naive + 86_400_000]) {
    const offset = asUtcMs(wallTimeAt(probe, timeZone)) - Math.floor(probe / 60_000) * 60_000;
    const candidate = naive - offset;
    if (sameWallTime(wallTimeAt(candidate, timeZone), wall)) found.add(candidate);
  }
  return [...found].sort((a, b) => a - b);
}

/** Day of the week of a calendar date, 0 = Sunday … 6 = Saturday. */
export function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
