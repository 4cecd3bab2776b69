import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Semaphore } from './ami-bake';

describe('the bake concurrency bound', () => {
  it('never runs more than its limit at once, and runs everything', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 30 }),
        async (limit, delays) => {
          const sem = new Semaphore(limit);
          let active = 0;
          let peak = 0;
          const done = await Promise.all(
            delays.map((d, i) =>
              sem.run(async () => {
                active += 1;
                peak = Math.max(peak, active);
                await new Promise((r) => setTimeout(r, d));
                active -= 1;
                return i;
              }),
            ),
          );
          expect(peak).toBeLessThanOrEqual(limit);
          expect(done).toEqual(delays.map((_, i) => i));
        },
      ),
      { numRuns: 40 },
    );
  });
});
