import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { imageName, MAX_IMAGE_NAME, utcStamp } from './naming';

const AMI_NAME = /^[A-Za-z0-9 ()[\]./'@_-]{3,128}$/;
const at = Date.parse('2026-11-23T03:07:59Z');

describe('image names', () => {
  it('is <Name>-<UTC yyyymmdd-hhmm>', () => {
    expect(imageName({ id: 'i-0123456789abcdef0', name: 'web-1' }, at, new Set())).toBe(
      'web-1-20261123-0307',
    );
  });

  it('uses the instance id when there is no Name', () => {
    expect(imageName({ id: 'i-0123456789abcdef0' }, at, new Set())).toBe('i-0123456789abcdef0-20261123-0307');
  });

  it('replaces characters EC2 refuses in AMI names', () => {
    expect(imageName({ id: 'i-0abc1234', name: 'web:prod/ü*#1' }, at, new Set())).toBe(
      'web-prod/---1-20261123-0307',
    );
  });

  it('adds the instance id, then a counter, when the name is taken', () => {
    const taken = new Set<string>();
    const a = imageName({ id: 'i-0aaaaaaa', name: 'web' }, at, taken);
    const b = imageName({ id: 'i-0bbbbbbb', name: 'web' }, at, taken);
    const c = imageName({ id: 'i-0bbbbbbb', name: 'web' }, at, taken);
    expect([a, b, c]).toEqual([
      'web-20261123-0307',
      'web-i-0bbbbbbb-20261123-0307',
      'web-i-0bbbbbbb-20261123-0307-2',
    ]);
  });

  it('sorts one source in bake order', () => {
    const names = [
      Date.parse('2026-12-01T00:00Z'),
      Date.parse('2026-11-30T23:59Z'),
      Date.parse('2027-01-01T10:00Z'),
    ].map((t) => imageName({ id: 'i-0aaaaaaa', name: 'db' }, t, new Set()));
    expect([...names].sort()).toEqual([names[1], names[0], names[2]]);
  });

  it('always gives a valid, unique name of at most 128 characters', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.string({ maxLength: 300 }), { nil: undefined }), { maxLength: 20 }),
        (names) => {
          const taken = new Set<string>();
          const out = names.map((name, i) =>
            imageName({ id: `i-0${String(i).padStart(8, '0')}`, name }, at, taken),
          );
          for (const n of out) {
            expect(n.length).toBeLessThanOrEqual(MAX_IMAGE_NAME);
            expect(n).toMatch(AMI_NAME);
            expect(n.endsWith(utcStamp(at)) || /-\d+$/.test(n)).toBe(true);
          }
          expect(new Set(out).size).toBe(out.length);
        },
      ),
    );
  });
});
