import { describe, expect, it } from 'vitest';
import { commands, parseCommand } from '../commands/index';
import { parseStageConfig, type StageConfigInput } from '../config/schema';
import { Ec2opsError } from '../errors';
import { evaluateOpen, groupAllowed } from './policy';

const stage: StageConfigInput = {
  stage: 'test',
  access: {
    groups: { ids: ['sg-0123456789abcdef0'], tags: {} },
    sources: {
      office: ['203.0.113.0/24', '2001:db8:100::/48'],
      vpn: ['10.8.0.0/16'],
      bastions: ['sg-0aaaaaaaaaaaaaaaa'],
    },
    worldOpenPorts: ['443'],
    neverPorts: ['23'],
    portSources: { '5432': ['vpn', 'security-group'] },
    maxDuration: '8h',
  },
};
const config = parseStageConfig(stage);
const SG = 'sg-0123456789abcdef0';

function open(text: string) {
  const parsed = parseCommand(text, commands);
  return evaluateOpen(parsed.args, config);
}
function refusal(text: string): { code: string; message: string } {
  try {
    open(text);
  } catch (error) {
    if (error instanceof Ec2opsError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error(`${text} was accepted`);
}

describe('/ec2 open: what the words mean', () => {
  it('reads ports, protocol, source, duration and reason', () => {
    const d = open(`open 8000-8100/udp on ${SG} from 203.0.113.7 for 2h reason="load test"`);
    expect(d).toMatchObject({
      ports: { from: 8000, to: 8100 },
      protocol: 'udp',
      durationMs: 7_200_000,
      reason: 'load test',
      approval: undefined,
      notes: ['took 203.0.113.7 as 203.0.113.7/32 (that one address)'],
    });
    expect(d.sources).toMatchObject([{ kind: 'cidr', cidr: { text: '203.0.113.7/32' } }]);
  });

  it('expands a named source and takes IPv6 and security groups as sources', () => {
    expect(
      open(`open 22 on ${SG} from office`).sources.map((s) => (s.kind === 'cidr' ? s.cidr.text : s.groupId)),
    ).toEqual(['203.0.113.0/24', '2001:db8:100::/48']);
    expect(open(`open 8443 on ${SG} from 2001:db8::/64`).sources[0]).toMatchObject({
      cidr: { family: 6, prefix: 64 },
    });
    expect(open(`open 22 on ${SG} from sg-0fedcba9876543210`).sources).toEqual([
      { kind: 'group', groupId: 'sg-0fedcba9876543210' },
    ]);
  });

  it('uses the default duration when none is given', () => {
    expect(open(`open 8080 on ${SG} from 203.0.113.7`).durationMs).toBe(3_600_000);
  });
});

describe('/ec2 open: bad input is refused with a clear message', () => {
  it.each([
    [`open 0 on ${SG} from office`, 'access.bad-port', /port 0 does not exist/],
    [`open 65536 on ${SG} from office`, 'access.bad-port', /port 65536 does not exist/],
    [`open 30-20 on ${SG} from office`, 'access.bad-port', /30-20 is reversed: write 20-30/],
    [`open 22/icmp on ${SG} from office`, 'access.bad-port', /write \/tcp or \/udp/],
    [`open 22 on ${SG} from 10.0.0.300/32`, 'access.bad-source', /not an IPv4 or IPv6/],
    [
      `open 22 on ${SG} from 10.0.0.5/24`,
      'access.bad-source',
      /host bits set: EC2 would store it as 10.0.0.0\/24/,
    ],
    [`open 22 on ${SG} from lab`, 'access.bad-source', /"lab" is not a named source/],
    [`open 22 on ${SG} from 0.0.0.0/0`, 'access.world-open', /whole internet \(0.0.0.0\/0\)/],
    [`open 8080 on ${SG} from ::/0`, 'access.world-open', /whole internet \(::\/0\)/],
    [`open 23 on ${SG} from office`, 'access.port-never', /never allows 23/],
    [`open 20-25 on ${SG} from office`, 'access.port-never', /never allows 23/],
    [
      `open 5432 on ${SG} from office`,
      'access.source-not-allowed',
      /only be opened from vpn, security-group/,
    ],
    [
      `open 22 on sg-0bbbbbbbbbbbbbbbb from office`,
      'access.group-not-allowed',
      /cannot be changed from Slack/,
    ],
    [`open 22 on ${SG} from office for 9h`, 'access.duration-too-long', /at most 8h/],
    [`open 22 on ${SG}`, 'access.no-source', /Say where 22\/tcp should be open from/],
  ])('%s → %s', (text, code, message) => {
    const r = refusal(text);
    expect(r.code).toBe(code);
    expect(r.message).toMatch(message);
  });

  it('refuses durations the parser cannot read before policy runs', () => {
    expect(() => parseCommand(`open 22 on ${SG} for 40d`, commands)).toThrow(/`for` must be at most 30d/);
  });
});

describe('/ec2 open: what needs an approver', () => {
  it('opens the world on an allowed port without one', () => {
    expect(open(`open 443 on ${SG} from 0.0.0.0/0`).approval).toBeUndefined();
    expect(open(`open 443 on ${SG} from ::/0`).approval).toBeUndefined();
  });

  it('needs one for an administrative port from outside the named sources', () => {
    expect(open(`open 22 on ${SG} from 198.51.100.7`).approval).toMatch(
      /22\/tcp is an administrative port, opened from 198.51.100.7\/32, outside the named sources/,
    );
    expect(open(`open 3389 on ${SG} from 2001:db8:9::1`).approval).toMatch(/administrative/);
    expect(open(`open 22 on ${SG} from sg-0fedcba9876543210`).approval).toMatch(/administrative/);
  });

  it('needs none for an administrative port from a named source, or inside one', () => {
    expect(open(`open 22 on ${SG} from office`).approval).toBeUndefined();
    expect(open(`open 22 on ${SG} from 10.8.4.2`).approval).toBeUndefined();
    expect(open(`open 22 on ${SG} from sg-0aaaaaaaaaaaaaaaa`).approval).toBeUndefined();
    expect(open(`open 5432 on ${SG} from vpn`).approval).toBeUndefined();
  });

  it('needs one for a block wider than the prefix limits', () => {
    expect(open(`open 8080 on ${SG} from 198.51.0.0/16`).approval).toBe('198.51.0.0/16 is wider than /24');
    expect(open(`open 8080 on ${SG} from 198.51.100.0/24`).approval).toBeUndefined();
    expect(open(`open 8080 on ${SG} from 2001:db8::/56`).approval).toBe('2001:db8::/56 is wider than /64');
    expect(open(`open 8080 on ${SG} from 2001:db8::/64`).approval).toBeUndefined();
  });

  it('is what the open spec tells the worker', () => {
    const spec = commands.get('open')!;
    const request = parseCommand(`open 22 on ${SG} from 198.51.100.7`, commands);
    expect(spec.needsApproval!({ ...request, user: { id: 'U1', role: 'operator' } }, config)).toMatch(
      /administrative/,
    );
  });
});

describe('groups Slack may change', () => {
  it('by id, or by carrying every configured tag', () => {
    const byTag = parseStageConfig({
      stage: 't',
      access: { groups: { tags: { 'ec2ops:access-group': 'true', team: 'web' } } },
    });
    expect(groupAllowed({ groupId: SG, tags: {} }, config)).toBe(true);
    expect(groupAllowed({ groupId: 'sg-0bbbbbbbbbbbbbbbb', tags: {} }, config)).toBe(false);
    expect(
      groupAllowed({ groupId: 'sg-1', tags: { 'ec2ops:access-group': 'true', team: 'web' } }, byTag),
    ).toBe(true);
    expect(groupAllowed({ groupId: 'sg-1', tags: { 'ec2ops:access-group': 'true' } }, byTag)).toBe(false);
    expect(groupAllowed({ groupId: 'sg-1', tags: {} }, parseStageConfig({ stage: 't' }))).toBe(false);
  });
});
