import { beforeAll, describe, expect, it } from 'vitest';

// Like the console test without Chromium: the setup throws, so both tests are reported as skipped.
describe('a suite whose setup throws', () => {
  beforeAll(() => {
    throw new Error('no browser here');
  });
  it('would check one thing', () => {
    expect(true).toBe(true);
  });
  it('would check another', () => {
    expect(true).toBe(true);
  });
});
