import { InputError } from '../errors';
import { isTimeZone, type WallTime } from '../time/zoned';
import { type CronSpec, CronSyntaxError, parseCron } from './cron';

/**
 * An EventBridge Scheduler schedule: `rate(5 minutes)`, `cron(0 3 * * ? *)` or
 * `at(2026-01-31T09:00:00)`, evaluated in an IANA time zone (UTC when none is given), the same
 * pair the infra hands to AWS and the sandbox's local scheduler runs.
 */
export type CompiledSchedule =
  | { kind: 'rate'; expression: string; timeZone: string; everyMs: number }
  | { kind: 'cron'; expression: string; timeZone: string; cron: CronSpec }
  | { kind: 'at'; expression: string; timeZone: string; at: WallTime };

const RATE_UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

function invalid(expression: string, why: string): InputError {
  return new InputError('schedule.invalid', `Schedule "${expression}" is not valid: ${why}.`, {
    hint: 'Use rate(<n> minutes|hours|days), cron(<min> <hour> <day-of-month> <month> <day-of-week> <year>) or at(yyyy-mm-ddThh:mm:ss).',
  });
}

function parseRate(expression: string, body: string): number {
  const match = /^(\d+)\s+(minute|hour|day)s?$/.exec(body.trim());
  if (!match) throw invalid(expression, 'a rate is "<positive whole number> minutes|hours|days"');
  const amount = Number(match[1]);
  const unit = match[2]!;
  if (amount < 1) throw invalid(expression, 'a rate must be at least 1');
  // AWS wants the singular exactly for 1 and the plural otherwise; accept both, the meaning is clear.
  return amount * RATE_UNITS[unit]!;
}

function parseAt(expression: string, body: string): WallTime {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body.trim());
  if (!match) throw invalid(expression, 'a one-time schedule is at(yyyy-mm-ddThh:mm:ss)');
  const [year, month, day, hour, minute] = match.slice(1, 6).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) {
    throw invalid(expression, 'that date does not exist');
  }
  return { year, month, day, hour, minute };
}

/** Parses a schedule expression and its time zone; throws InputError `schedule.invalid`. */
export function compileSchedule(expression: string, timeZone = 'UTC'): CompiledSchedule {
  if (!isTimeZone(timeZone)) throw invalid(expression, `"${timeZone}" is not a known time zone`);
  const match = /^(rate|cron|at)\((.*)\)$/.exec(expression.trim());
  if (!match) throw invalid(expression, 'it must be rate(…), cron(…) or at(…)');
  const kind = match[1] as CompiledSchedule['kind'];
  const body = match[2]!;
  if (kind === 'rate') return { kind, expression, timeZone, everyMs: parseRate(expression, body) };
  if (kind === 'at') return { kind, expression, timeZone, at: parseAt(expression, body) };
  try {
    return { kind, expression, timeZone, cron: parseCron(body) };
  } catch (error) {
    if (error instanceof CronSyntaxError) throw invalid(expression, error.message);
    throw error;
  }
}
