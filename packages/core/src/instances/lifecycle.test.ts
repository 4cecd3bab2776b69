import { describe, expect, it } from 'vitest';
import { LIFECYCLE_STATES, lifecycleStep } from './lifecycle';

describe('lifecycle origin states', () => {
  it('stops a running instance, reports a stopped one as done and refuses a terminated one', () => {
    expect(lifecycleStep('stop', 'running')).toBe('act');
    expect(lifecycleStep('stop', 'stopped')).toBe('done');
    expect(lifecycleStep('stop', 'terminated')).toBe('refused');
  });

  it('starts only a stopped instance', () => {
    expect(lifecycleStep('start', 'stopped')).toBe('act');
    expect(lifecycleStep('start', 'running')).toBe('done');
    expect(lifecycleStep('start', 'stopping')).toBe('refused');
  });

  it('never lists a state as both a start and an end of the same command', () => {
    for (const { from, done } of Object.values(LIFECYCLE_STATES)) {
      expect(from.filter((state) => (done as readonly string[]).includes(state))).toEqual([]);
    }
  });
});
