import { describe, expect, it } from 'vitest';
import { renderAccessList } from './list-view';
import {
  type AccessRule,
  accessTagKeys,
  ruleDescription,
  ruleTags,
  sameRule,
  sanitizeDescription,
} from './rules';

const keys = accessTagKeys('ec2ops:');
const NOW = Date.parse('2026-11-23T15:00:00Z');

function rule(id: string, tags: Record<string, string>): AccessRule {
  return {
    ruleId: id,
    groupId: 'sg-0123456789abcdef0',
    isEgress: false,
    protocol: 'tcp',
    fromPort: 22,
    toPort: 22,
    source: { kind: 'cidr', cidr: '2001:db8::/64' },
    tags,
  };
}

describe('rule descriptions and tags', () => {
  it('reads "ec2ops <owner> until <minute>Z <reason>" in EC2’s character set, at most 255', () => {
    expect(ruleDescription('U123', Date.parse('2026-11-23T16:00:00Z'))).toBe(
      'ec2ops U123 until 2026-11-23T16:00Z',
    );
    expect(ruleDescription('U123', NOW, 'fix "prod" <now> ✓ ok')).toBe(
      'ec2ops U123 until 2026-11-23T15:00Z fix prod now ok',
    );
    expect(sanitizeDescription('x'.repeat(400))).toHaveLength(255);
    expect(sanitizeDescription('a\u00e9b\tc')).toBe('a b c');
  });

  it('tags managed, owner, expiry as ISO-8601 UTC, request id, and a cleaned reason', () => {
    expect(
      ruleTags({ keys, owner: 'U1', expiresAt: NOW, requestId: 'r-1', reason: 'db <migration>' }),
    ).toEqual([
      { Key: 'ec2ops:managed', Value: 'true' },
      { Key: 'ec2ops:owner', Value: 'U1' },
      { Key: 'ec2ops:expires-at', Value: '2026-11-23T15:00:00.000Z' },
      { Key: 'ec2ops:request-id', Value: 'r-1' },
      { Key: 'ec2ops:reason', Value: 'db migration' },
    ]);
  });

  it('compares rules by protocol, ports and canonical source, not description', () => {
    const r = { ...rule('sgr-1', {}), description: 'anything' };
    expect(
      sameRule(r, {
        protocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        source: { kind: 'cidr', cidr: '2001:DB8:0::/64' },
      }),
    ).toBe(true);
    expect(
      sameRule(r, {
        protocol: 'udp',
        fromPort: 22,
        toPort: 22,
        source: { kind: 'cidr', cidr: '2001:db8::/64' },
      }),
    ).toBe(false);
    expect(
      sameRule(r, { protocol: 'tcp', fromPort: 22, toPort: 22, source: { kind: 'group', groupId: 'sg-1' } }),
    ).toBe(false);
  });
});

describe('/ec2 access list', () => {
  it('shows who, why and time left, soonest first, with Extend and Close now per rule', () => {
    const message = renderAccessList(
      [
        {
          region: 'us-east-1',
          rule: rule('sgr-late', { 'ec2ops:owner': 'U1', 'ec2ops:expires-at': '2026-11-23T17:00:00Z' }),
        },
        {
          region: 'us-east-1',
          groupName: 'web',
          rule: rule('sgr-soon', {
            'ec2ops:owner': 'U2',
            'ec2ops:reason': 'debug',
            'ec2ops:expires-at': '2026-11-23T15:30:00Z',
          }),
        },
        {
          region: 'eu-west-1',
          rule: rule('sgr-over', { 'ec2ops:owner': 'U1', 'ec2ops:expires-at': '2026-11-23T14:59:00Z' }),
        },
      ],
      { scope: 'all', userId: 'U1', nowMs: NOW, keys, extendBy: '1h' },
    );
    expect(message.text.split('\n')).toEqual([
      'All temporary port rules (3):',
      'sgr-over: 22/tcp from 2001:db8::/64 on sg-0123456789abcdef0 in eu-west-1, <@U1>, expired 2026-11-23T14:59Z, closing within a minute',
      'sgr-soon: 22/tcp from 2001:db8::/64 on sg-0123456789abcdef0 (web) in us-east-1, <@U2>, "debug", closes in 30m (2026-11-23T15:30Z)',
      'sgr-late: 22/tcp from 2001:db8::/64 on sg-0123456789abcdef0 in us-east-1, <@U1>, closes in 2h (2026-11-23T17:00Z)',
    ]);
    const buttons = JSON.stringify(message.blocks);
    expect(buttons).toContain('"value":"access extend sgr-soon for 1h"');
    expect(buttons).toContain('"value":"close sgr-soon"');
  });

  it('says so when there is nothing', () => {
    expect(
      renderAccessList([], { scope: 'mine', userId: 'U1', nowMs: NOW, keys, extendBy: '1h' }).text,
    ).toMatch(/You have no temporary port rules open/);
  });
});
