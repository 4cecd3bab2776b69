import { describe, expect, it } from 'vitest';
import { commands, parseCommand } from '../commands/index';
import { parseStageConfig } from '../config/schema';
import { Ec2opsError } from '../errors';
import { parseCidr } from '../net/cidr';
import { evaluateOpen, extensionNeedsApproval } from './policy';

const config = parseStageConfig({
  stage: 'test',
  access: {
    groups: { ids: ['sg-0123456789abcdef0'], tags: {} },
    sources: { office: ['203.0.113.0/24'] },
    worldOpenPorts: ['443'],
  },
});
const SG = 'sg-0123456789abcdef0';
const open = (text: string) => evaluateOpen(parseCommand(text, commands).args, config);
function refusalCode(text: string): string {
  try {
    open(text);
  } catch (error) {
    if (error instanceof Ec2opsError) return error.code;
    throw error;
  }
  throw new Error(`${text} was accepted`);
}

describe('/ec2 open: port ranges', () => {
  it('a range that includes an administrative port needs approval, even from a named source', () => {
    expect(open(`open 20-30 on ${SG} from office`).approval).toMatch(/range that includes .*22/);
    expect(open(`open 3300-3400 on ${SG} from office`).approval).toMatch(/3389/);
  });
  it('a single administrative port from a named source still needs none', () => {
    expect(open(`open 22 on ${SG} from office`).approval).toBeUndefined();
  });
  it('a range of ordinary ports from a named source needs none', () => {
    expect(open(`open 8000-8100 on ${SG} from office`).approval).toBeUndefined();
  });
  it('refuses a range wider than the stage allows (1024 by default), with the limit in the message', () => {
    expect(refusalCode(`open 24-65535 on ${SG} from office`)).toBe('access.range-too-wide');
    expect(() => open(`open 24-65535 on ${SG} from office`)).toThrow(/65512 ports: .*at most 1024/);
    expect(refusalCode(`open 4000-5024 on ${SG} from office`)).toBe('access.range-too-wide');
    expect(open(`open 4000-5023 on ${SG} from office`).approval).toBeUndefined();
  });
  it('the width limit is a stage setting', () => {
    const narrow = parseStageConfig({
      stage: 'test',
      access: { groups: { ids: [SG], tags: {} }, sources: { office: ['203.0.113.0/24'] }, maxPortRange: 10 },
    });
    expect(() =>
      evaluateOpen(parseCommand(`open 8000-8010 on ${SG} from office`, commands).args, narrow),
    ).toThrow(/at most 10/);
  });
  it('extending a rule over a range with an administrative port needs approval too', () => {
    const parsed = parseCidr('203.0.113.0/24');
    if (!parsed.ok) throw new Error(parsed.problem);
    const source = { kind: 'cidr' as const, cidr: parsed.cidr, named: 'office' };
    expect(extensionNeedsApproval({ protocol: 'tcp', fromPort: 20, toPort: 30, source }, config)).toMatch(
      /administrative/,
    );
  });
});

describe('/ec2 open: IPv4-mapped IPv6 is judged as the IPv4 block it maps', () => {
  it('::ffff:0.0.0.0/96 is the whole IPv4 internet: refused on a port not open to the world', () => {
    expect(refusalCode(`open 8080 on ${SG} from ::ffff:0.0.0.0/96`)).toBe('access.world-open');
    expect(refusalCode(`open 8080 on ${SG} from ::ffff:0:0/96`)).toBe('access.world-open');
  });
  it('a mapped block wider than the IPv4 limit needs approval', () => {
    expect(open(`open 8080 on ${SG} from ::ffff:10.0.0.0/104`).approval).toMatch(
      /10\.0\.0\.0\/8.* wider than \/24/,
    );
  });
  it('a mapped block inside a named source counts as inside it', () => {
    expect(open(`open 22 on ${SG} from ::ffff:203.0.113.7/128`).approval).toBeUndefined();
  });
});
