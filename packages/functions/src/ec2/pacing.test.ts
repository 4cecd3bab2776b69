import { describe, expect, it } from 'vitest';
import { Pacer } from './pacing';

describe('pacing of bulk mutating calls', () => {
  it('paces requests: a burst, then the refill rate', async () => {
    // A virtual clock: sleeping advances it, so the test measures the pacing, not the machine.
    let clock = 0;
    const waits: number[] = [];
    const pacer = new Pacer(
      2,
      20,
      () => clock,
      async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    );
    await Promise.all([pacer.take(), pacer.take()]);
    expect(waits).toEqual([]); // no waiting within the burst
    await Promise.all([pacer.take(), pacer.take(), pacer.take()]);
    // three more at 20/s: one every 50 ms
    expect(waits).toEqual([50, 50, 50]);
    expect(clock).toBe(150);
    clock += 1000; // idle for a second: the bucket refills to its burst, no more
    await Promise.all([pacer.take(), pacer.take(), pacer.take()]);
    expect(waits).toEqual([50, 50, 50, 50]);
  });

  it('charges a batch one token per resource, and a batch larger than the bucket waits for a full one', async () => {
    let clock = 0;
    const waits: number[] = [];
    const pacer = new Pacer(
      1000,
      20,
      () => clock,
      async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    );
    await pacer.take(1000);
    expect(waits).toEqual([]);
    await pacer.take(100); // 100 instances at 20/s
    expect(waits).toEqual([5000]);
    await pacer.take(5000); // never more than a full bucket: 1,000 at 20/s
    expect(waits).toEqual([5000, 50_000]);
  });
});
