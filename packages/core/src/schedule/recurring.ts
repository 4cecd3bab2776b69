import { isEc2opsError } from '../errors';
import { isTimeZone as knownTimeZone } from '../time/zoned';
import { type CompiledSchedule, compileSchedule } from './expression';

/**
 * Config-time checks of a job's schedule, so a malformed expression fails `sst deploy` and
 * sandbox start-up with a readable message. The parser is ../schedule (shared with the local
 * scheduler); jobs additionally refuse one-time `at(…)`, since they run again and again.
 */
export type ScheduleResult = { ok: true; schedule: CompiledSchedule } | { ok: false; message: string };

export function parseSchedule(expression: string, timeZone = 'UTC'): ScheduleResult {
  try {
    const schedule = compileSchedule(expression, timeZone);
    if (schedule.kind === 'at') {
      return {
        ok: false,
        message: `"${expression}": jobs run on a recurring schedule; use rate(…) or cron(…), not at(…)`,
      };
    }
    return { ok: true, schedule };
  } catch (error) {
    if (isEc2opsError(error)) return { ok: false, message: error.message };
    throw error;
  }
}

/** True when `zone` is an IANA time zone name (as EventBridge Scheduler takes), e.g. Europe/Paris. */
export function isTimeZone(zone: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone) && knownTimeZone(zone);
}
