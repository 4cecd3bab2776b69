import { describe, expect, it } from 'vitest';
import { instantsOf } from '../time/zoned';
import { compileSchedule } from './expression';
import { nextRun, runsBetween } from './next';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

function next(expression: string, after: string, timeZone = 'UTC'): string | undefined {
  return iso(nextRun(compileSchedule(expression, timeZone), at(after)));
}

describe('compileSchedule', () => {
  it('reads rate expressions in minutes, hours and days, singular or plural', () => {
    expect(compileSchedule('rate(1 minute)')).toMatchObject({ kind: 'rate', everyMs: 60_000 });
    expect(compileSchedule('rate(15 minutes)')).toMatchObject({ kind: 'rate', everyMs: 900_000 });
    expect(compileSchedule('rate(2 hours)')).toMatchObject({ kind: 'rate', everyMs: 7_200_000 });
    expect(compileSchedule('rate(1 day)')).toMatchObject({ kind: 'rate', everyMs: 86_400_000 });
  });

  it.each([
    'rate(0 minutes)',
    'rate(5 seconds)',
    'rate(minutes)',
    'cron(0 3 * * *)',
    'cron(0 3 * * * *)',
    'cron(0 3 ? * ? *)',
    'cron(60 3 * * ? *)',
    'cron(0 24 * * ? *)',
    'cron(0 3 32 * ? *)',
    'cron(0 3 ? * 8 *)',
    'cron(0 3 ? * MON#6 *)',
    'cron(0 5-3 * * ? *)',
    'at(2026-02-30T10:00:00)',
    'every day',
  ])('refuses %s with schedule.invalid', (expression) => {
    expect(() => compileSchedule(expression)).toThrow(expect.objectContaining({ code: 'schedule.invalid' }));
  });

  it('refuses an unknown time zone', () => {
    expect(() => compileSchedule('rate(1 hour)', 'Mars/Olympus')).toThrow(/not a known time zone/);
  });

  it('names the field that is wrong', () => {
    expect(() => compileSchedule('cron(0 25 * * ? *)')).toThrow(/hours: "25" is not between 0 and 23/);
  });
});

describe('nextRun for rate schedules', () => {
  it('counts whole periods from the start', () => {
    const schedule = compileSchedule('rate(15 minutes)');
    const start = at('2026-03-01T10:00:00Z');
    expect(iso(nextRun(schedule, at('2026-03-01T10:00:00Z'), start))).toBe('2026-03-01T10:15:00.000Z');
    expect(iso(nextRun(schedule, at('2026-03-01T10:29:59Z'), start))).toBe('2026-03-01T10:30:00.000Z');
    expect(iso(nextRun(schedule, at('2026-03-01T10:30:00Z'), start))).toBe('2026-03-01T10:45:00.000Z');
  });

  it('keeps 24-hour days across a daylight-saving change', () => {
    const schedule = compileSchedule('rate(1 day)', 'Europe/Berlin');
    const start = at('2026-03-28T12:00:00Z');
    expect(iso(nextRun(schedule, start, start))).toBe('2026-03-29T12:00:00.000Z');
  });
});

describe('nextRun for cron schedules', () => {
  it('runs a nightly job at 03:00 UTC', () => {
    expect(next('cron(0 3 * * ? *)', '2026-03-01T02:59:00Z')).toBe('2026-03-01T03:00:00.000Z');
    expect(next('cron(0 3 * * ? *)', '2026-03-01T03:00:00Z')).toBe('2026-03-02T03:00:00.000Z');
  });

  it('handles steps, lists and ranges', () => {
    expect(next('cron(0/15 * * * ? *)', '2026-03-01T10:16:00Z')).toBe('2026-03-01T10:30:00.000Z');
    expect(next('cron(5,35 9-17 * * ? *)', '2026-03-01T17:36:00Z')).toBe('2026-03-02T09:05:00.000Z');
    expect(next('cron(* * * * ? *)', '2026-03-01T10:16:30Z')).toBe('2026-03-01T10:17:00.000Z');
  });

  it('counts day-of-week 1 = Sunday and accepts names', () => {
    // 2026-03-01 is a Sunday.
    expect(next('cron(0 8 ? * 2 *)', '2026-03-01T00:00:00Z')).toBe('2026-03-02T08:00:00.000Z');
    expect(next('cron(0 8 ? * MON-FRI *)', '2026-03-06T09:00:00Z')).toBe('2026-03-09T08:00:00.000Z');
    expect(next('cron(0 8 ? * 1 *)', '2026-03-01T07:00:00Z')).toBe('2026-03-01T08:00:00.000Z');
  });

  it('supports L, W and # in the day fields', () => {
    expect(next('cron(0 0 L * ? *)', '2026-02-03T00:00:00Z')).toBe('2026-02-28T00:00:00.000Z');
    expect(next('cron(0 0 L * ? *)', '2028-02-03T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    // 2026-02-15 is a Sunday: the nearest weekday is Monday the 16th.
    expect(next('cron(0 0 15W * ? *)', '2026-02-01T00:00:00Z')).toBe('2026-02-16T00:00:00.000Z');
    // 2026-05-31 is a Sunday: the last weekday of May is Friday the 29th.
    expect(next('cron(0 0 LW * ? *)', '2026-05-01T00:00:00Z')).toBe('2026-05-29T00:00:00.000Z');
    // Third Monday of March 2026 is the 16th; last Friday is the 27th.
    expect(next('cron(0 0 ? * MON#3 *)', '2026-03-01T00:00:00Z')).toBe('2026-03-16T00:00:00.000Z');
    expect(next('cron(0 0 ? * 6L *)', '2026-03-01T00:00:00Z')).toBe('2026-03-27T00:00:00.000Z');
  });

  it('honours the month and year fields and ends when the years run out', () => {
    expect(next('cron(0 12 1 JUL ? *)', '2026-08-01T00:00:00Z')).toBe('2027-07-01T12:00:00.000Z');
    expect(next('cron(0 12 1 1 ? 2030)', '2026-08-01T00:00:00Z')).toBe('2030-01-01T12:00:00.000Z');
    expect(next('cron(0 12 1 1 ? 2025)', '2026-08-01T00:00:00Z')).toBeUndefined();
  });

  it('evaluates in the schedule time zone', () => {
    // 03:00 in Berlin is 02:00 UTC in winter and 01:00 UTC in summer.
    expect(next('cron(0 3 * * ? *)', '2026-01-10T00:00:00Z', 'Europe/Berlin')).toBe(
      '2026-01-10T02:00:00.000Z',
    );
    expect(next('cron(0 3 * * ? *)', '2026-07-10T00:00:00Z', 'Europe/Berlin')).toBe(
      '2026-07-10T01:00:00.000Z',
    );
    expect(next('cron(30 9 * * ? *)', '2026-07-10T00:00:00Z', 'Asia/Kolkata')).toBe(
      '2026-07-10T04:00:00.000Z',
    );
  });

  it('skips a wall time that does not exist when clocks go forward', () => {
    // Berlin skips 02:00–03:00 on 2026-03-29.
    expect(next('cron(30 2 * * ? *)', '2026-03-28T12:00:00Z', 'Europe/Berlin')).toBe(
      '2026-03-30T00:30:00.000Z',
    );
  });

  it('runs a repeated wall time once when clocks go back', () => {
    // Berlin repeats 02:00–03:00 on 2026-10-25: 02:30 happens at 00:30Z and again at 01:30Z.
    const schedule = compileSchedule('cron(30 2 * * ? *)', 'Europe/Berlin');
    const runs = runsBetween(schedule, at('2026-10-24T12:00:00Z'), at('2026-10-26T12:00:00Z')).map(iso);
    expect(runs).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });
});

describe('nextRun for one-time schedules', () => {
  it('runs once, in its time zone', () => {
    const schedule = compileSchedule('at(2026-06-01T09:00:00)', 'America/New_York');
    expect(iso(nextRun(schedule, at('2026-05-01T00:00:00Z')))).toBe('2026-06-01T13:00:00.000Z');
    expect(nextRun(schedule, at('2026-06-01T13:00:00Z'))).toBeUndefined();
  });
});

describe('runsBetween', () => {
  it('lists every run in the window and stops at the limit', () => {
    const schedule = compileSchedule('rate(1 minute)');
    const start = at('2026-03-01T00:00:00Z');
    expect(runsBetween(schedule, start, start + 86_400_000, start)).toHaveLength(1440);
    expect(runsBetween(schedule, start, start + 86_400_000, start, 3)).toHaveLength(3);
  });
});

describe('instantsOf', () => {
  it('finds none, one or two instants for a wall time', () => {
    expect(instantsOf({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin')).toEqual([]);
    expect(instantsOf({ year: 2026, month: 6, day: 1, hour: 2, minute: 30 }, 'Europe/Berlin')).toHaveLength(
      1,
    );
    expect(instantsOf({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Berlin')).toHaveLength(
      2,
    );
  });
});
