import { describe, expect, it } from 'vitest';
import { normalizeIpv4Cidr, normalizeIpv6Cidr } from './cidr';

describe('IPv4 CIDRs as security-group rules take them', () => {
  it.each([
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['10.0.0.28/29', '10.0.0.24/29'],
    ['203.0.113.7/32', '203.0.113.7/32'],
    ['255.255.255.255/1', '128.0.0.0/1'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeIpv4Cidr(input)).toBe(expected);
  });

  it.each([
    '10.0.0.0',
    '10.0.0.0/33',
    '10.0.0/8',
    '256.0.0.0/8',
    '01.2.3.4/32',
    '1.2.3.4/',
    '1.2.3.4/08x',
    ' 1.2.3.4/32',
  ])('refuses %s', (input) => {
    expect(normalizeIpv4Cidr(input)).toBeUndefined();
  });
});

describe('IPv6 CIDRs, in canonical form', () => {
  it.each([
    ['::/0', '::/0'],
    ['2001:DB8:0:0::/64', '2001:db8::/64'],
    ['2001:db8::1/64', '2001:db8::/64'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001/128', '2001:db8::1/128'],
    ['1:2:3:4:5:6:7:8/128', '1:2:3:4:5:6:7:8/128'],
    ['1:0:0:4:0:0:0:8/128', '1:0:0:4::8/128'],
    ['::ffff:192.0.2.1/128', '::ffff:c000:201/128'],
    ['fe80::abcd/10', 'fe80::/10'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeIpv6Cidr(input)).toBe(expected);
  });

  it.each([
    '2001:db8::/129',
    '2001:db8:::/64',
    '1::2::3/64',
    '1:2:3:4:5:6:7:8:9/64',
    'fe80::1%eth0/64',
    'g::/64',
    '2001:db8::',
    '12345::/16',
  ])('refuses %s', (input) => {
    expect(normalizeIpv6Cidr(input)).toBeUndefined();
  });
});
