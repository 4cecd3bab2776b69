import { describe, expect, it } from 'vitest';
import { closest, editDistance } from './suggest';

describe('editDistance', () => {
  it('counts inserts, deletes, substitutions and swaps', () => {
    expect(editDistance('launch', 'launch')).toBe(0);
    expect(editDistance('lunch', 'launch')).toBe(1);
    expect(editDistance('luanch', 'launch')).toBe(1);
    expect(editDistance('stop', 'start')).toBe(3);
  });
});

describe('closest', () => {
  const names = ['launch', 'list', 'stop', 'start', 'terminate', 'help'];
  it('suggests the nearest plausible word', () => {
    expect(closest('lauch', names)).toBe('launch');
    expect(closest('terminat', names)).toBe('terminate');
    expect(closest('STPO', names)).toBe('stop');
  });
  it('suggests nothing for unrelated words', () => {
    expect(closest('xyzzy', names)).toBeUndefined();
  });
});
