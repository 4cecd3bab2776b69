import { daysInMonth, instantsOf, wallTimeAt } from '../time/zoned';
import { matchesDay } from './cron';
import type { CompiledSchedule } from './expression';

/** The last year EventBridge cron accepts; searches stop there. */
const LAST_YEAR = 2199;

/**
 * The first run strictly after `afterMs`, or undefined when the schedule has no more runs.
 * `startMs` anchors rate schedules (AWS starts them at the schedule's StartDate or creation).
 *
 * Daylight saving time follows EventBridge Scheduler: a wall time skipped when clocks go forward
 * does not run that day; a wall time repeated when they go back runs once, at its first instance.
 */
export function nextRun(schedule: CompiledSchedule, afterMs: number, startMs = afterMs): number | undefined {
  if (schedule.kind === 'rate') {
    if (afterMs < startMs) return startMs;
    const periods = Math.floor((afterMs - startMs) / schedule.everyMs) + 1;
    return startMs + periods * schedule.everyMs;
  }
  if (schedule.kind === 'at') {
    const instant = instantsOf(schedule.at, schedule.timeZone)[0];
    return instant !== undefined && instant > afterMs ? instant : undefined;
  }
  const { cron, timeZone } = schedule;
  const from = wallTimeAt(afterMs, timeZone);
  let { year, month, day } = from;
  while (year <= LAST_YEAR) {
    if ((cron.years && !cron.years.has(year)) || !cron.months.has(month)) {
      // Jump to the first day of the next month rather than walking its days.
      month += 1;
      if (month > 12) {
        month = 1;
        year += 1;
      }
      day = 1;
      continue;
    }
    if (matchesDay(cron.days, year, month, day)) {
      for (const hour of cron.hours) {
        for (const minute of cron.minutes) {
          const first = instantsOf({ year, month, day, hour, minute }, timeZone)[0];
          if (first !== undefined && first > afterMs) return first;
        }
      }
    }
    day += 1;
    if (day > daysInMonth(year, month)) {
      day = 1;
      month += 1;
      if (month > 12) {
        month = 1;
        year += 1;
      }
    }
  }
  return undefined;
}

/**
 * Runs due in (afterMs, untilMs], at most `limit` of them: a clock jumped forward a day makes a
 * one-minute schedule due 1,440 times, and callers usually want only the count and the last one.
 */
export function runsBetween(
  schedule: CompiledSchedule,
  afterMs: number,
  untilMs: number,
  startMs = afterMs,
  limit = 10_000,
): number[] {
  const runs: number[] = [];
  let cursor = afterMs;
  while (runs.length < limit) {
    const next = nextRun(schedule, cursor, startMs);
    if (next === undefined || next > untilMs) break;
    runs.push(next);
    cursor = next;
  }
  return runs;
}
