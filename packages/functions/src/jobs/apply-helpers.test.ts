import type { PlanItem } from '@ec2ops/core/jobs/types';
import { describe, expect, it } from 'vitest';
import { chunk, mapLimit, Pacer, settle } from './apply-helpers';

const item: PlanItem = {
  id: 'eipalloc-1',
  region: 'us-east-1',
  action: 'release',
  resource: 'r',
  reason: 'x',
  data: {},
};

describe('apply helpers', () => {
  it('turns one item’s exception into that item’s failure', async () => {
    const error = Object.assign(new Error('PTR set'), { name: 'InvalidAddress.PtrSet' });
    const result = await settle(item, () => Promise.reject(error));
    expect(result.outcome).toEqual({
      status: 'failed',
      code: 'InvalidAddress.PtrSet',
      message: expect.stringMatching(/^cannot release: PTR set, do /),
    });
  });

  it('says a throttled item is retried next run', async () => {
    const error = Object.assign(new Error('slow down'), { name: 'RequestLimitExceeded' });
    const result = await settle(item, () => Promise.reject(error));
    expect(result.outcome).toMatchObject({
      status: 'failed',
      code: 'RequestLimitExceeded',
      message: expect.stringContaining('next run'),
    });
  });

  it('keeps order and never exceeds the concurrency limit', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(2);
  });

  it('chunks at the batch size', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 1000)).toEqual([]);
  });

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
});
