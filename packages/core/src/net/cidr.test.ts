import { describe, expect, it } from 'vitest';
import { cidrContains, isWorld, parseCidr } from './cidr';

const ok = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed;
};
const problem = (text: string) => {
  const parsed = parseCidr(text);
  if (parsed.ok) throw new Error(`${text} parsed`);
  return parsed.problem;
};

describe('parseCidr', () => {
  it('reads IPv4 and IPv6 blocks in canonical form', () => {
    expect(ok('203.0.113.0/24').cidr.text).toBe('203.0.113.0/24');
    expect(ok('2001:DB8:0:0::/32').cidr.text).toBe('2001:db8::/32');
    expect(ok('::/0').cidr.text).toBe('::/0');
    expect(ok('0.0.0.0/0').cidr.text).toBe('0.0.0.0/0');
  });

  it('takes a bare address as that one address, and says so', () => {
    expect(ok('203.0.113.7')).toMatchObject({
      cidr: { text: '203.0.113.7/32' },
      note: expect.stringContaining('203.0.113.7/32'),
    });
    expect(ok('2001:db8::1').cidr.text).toBe('2001:db8::1/128');
  });

  it('refuses host bits, naming the network and the single address', () => {
    expect(problem('10.0.0.5/24')).toBe(
      '10.0.0.5/24 has host bits set: EC2 would store it as 10.0.0.0/24 (the whole network); write that, or 10.0.0.5/32 for the one address',
    );
    expect(problem('2001:db8::1/64')).toContain('2001:db8::/64');
  });

  it('refuses malformed blocks', () => {
    for (const bad of [
      '10.0.0/24',
      '300.1.1.1/32',
      '10.0.0.0/33',
      'abc',
      '2001:db8:::1/64',
      '10.0.0.0/',
      '::/129',
      '01.2.3.4/32',
    ]) {
      expect(problem(bad), bad).toMatch(/not an IPv4 or IPv6|invalid prefix length/);
    }
  });

  it('knows containment and the whole internet', () => {
    expect(cidrContains(ok('10.8.0.0/16').cidr, ok('10.8.3.4').cidr)).toBe(true);
    expect(cidrContains(ok('10.8.0.0/16').cidr, ok('10.9.0.0/24').cidr)).toBe(false);
    expect(cidrContains(ok('2001:db8::/32').cidr, ok('2001:db8:1::/48').cidr)).toBe(true);
    expect(cidrContains(ok('0.0.0.0/0').cidr, ok('::/0').cidr)).toBe(false);
    expect(isWorld(ok('::/0').cidr)).toBe(true);
    expect(isWorld(ok('0.0.0.0/1').cidr)).toBe(false);
  });
});
