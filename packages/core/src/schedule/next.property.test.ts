import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wallTimeAt } from '../time/zoned';
import { compileSchedule } from './expression';
import { nextRun } from './next';

/** A cron that runs at least once a day: minutes and hours drawn as lists, every day. */
const dailyCron = fc
  .record({
    minutes: fc.uniqueArray(fc.integer({ min: 0, max: 59 }), { minLength: 1, maxLength: 4 }),
    hours: fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 4 }),
  })
  .map(({ minutes, hours }) => ({
    minutes,
    hours,
    expression: `cron(${minutes.join(',')} ${hours.join(',')} * * ? *)`,
  }));

const zones = fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata');
/** Instants over two years, so daylight-saving changes in both directions are covered. */
const instants = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) });

describe('nextRun (properties)', () => {
  it('is the first minute after the given instant whose wall time the cron names', () => {
    fc.assert(
      fc.property(dailyCron, zones, instants, (cron, zone, after) => {
        const schedule = compileSchedule(cron.expression, zone);
        const next = nextRun(schedule, after);
        expect(next).toBeDefined();
        const at = next!;
        expect(at).toBeGreaterThan(after);
        expect(at % 60_000).toBe(0);
        const wall = wallTimeAt(at, zone);
        expect(cron.minutes).toContain(wall.minute);
        expect(cron.hours).toContain(wall.hour);
        // No minute in between matches (a wall time repeated when clocks go back runs once:
        // its second occurrence is allowed to be skipped).
        for (let t = Math.floor(after / 60_000) * 60_000 + 60_000; t < at; t += 60_000) {
          const w = wallTimeAt(t, zone);
          if (cron.minutes.includes(w.minute) && cron.hours.includes(w.hour)) {
            const hourEarlier = wallTimeAt(t - 3_600_000, zone);
            expect(hourEarlier.hour === w.hour && hourEarlier.minute === w.minute).toBe(true);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('finds a rate schedule run on the grid of its start, strictly later', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        instants,
        fc.integer({ min: 0, max: 10 * 86_400_000 }),
        (every, start, gap) => {
          const schedule = compileSchedule(`rate(${every} ${every === 1 ? 'minute' : 'minutes'})`);
          const after = start + gap;
          const next = nextRun(schedule, after, start)!;
          expect(next).toBeGreaterThan(after);
          expect(next - after).toBeLessThanOrEqual(every * 60_000);
          expect((next - start) % (every * 60_000)).toBe(0);
        },
      ),
    );
  });
});
