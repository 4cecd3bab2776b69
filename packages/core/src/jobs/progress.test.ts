import { describe, expect, it } from 'vitest';
import { progressLine, shortDuration } from './progress';

describe('job progress line', () => {
  it('says items done of the total, the rate so far and the time left at that rate', () => {
    expect(progressLine('instance-reaper', { done: 1200, total: 5000 }, 60_000)).toBe(
      'instance-reaper: 1200/5000 items (24%), 20.0/s, ETA 3m10s',
    );
  });

  it('gives no rate before the first item, and says done at the end', () => {
    expect(progressLine('eip-cleanup', { done: 0, total: 300 }, 5_000)).toBe('eip-cleanup: 0/300 items (0%)');
    expect(progressLine('eip-cleanup', { done: 300, total: 300 }, 60_000)).toBe(
      'eip-cleanup: 300/300 items (100%), 5.0/s, done',
    );
  });

  it('reads durations at a glance', () => {
    expect([shortDuration(42.4), shortDuration(185), shortDuration(3720)]).toEqual(['42s', '3m05s', '1h02m']);
  });
});
