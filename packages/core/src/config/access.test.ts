import { describe, expect, it } from 'vitest';
import { parseStageConfig } from './schema';

const problems = (access: unknown) => {
  try {
    parseStageConfig({ stage: 't', access });
  } catch (error) {
    return (error as Error).message.split('\n').slice(1);
  }
  return [];
};

describe('config access', () => {
  it('defaults to no groups, 1h of 8h, the usual administrative ports', () => {
    const { access } = parseStageConfig({ stage: 't' });
    expect(access).toMatchObject({
      groups: { ids: [], tags: {} },
      defaultDuration: '1h',
      maxDuration: '8h',
      maxPrefix: { ipv4: 24, ipv6: 64 },
    });
    expect(access.adminPorts).toEqual(
      expect.arrayContaining(['22', '3389', '3306', '5432', '1433', '27017', '6379']),
    );
  });

  it('says what is wrong, where', () => {
    expect(problems({ groups: { ids: ['sg-xyz'] }, neverPorts: ['0'], worldOpenPorts: ['80-70'] })).toEqual([
      '  - access.groups.ids.0: must be a security group id such as sg-0123456789abcdef0',
      '  - access.neverPorts.0: must be a port or range such as 22, 8000-8100 or 53/udp (ports 1 to 65535)',
      '  - access.worldOpenPorts.0: must be a port or range such as 22, 8000-8100 or 53/udp (ports 1 to 65535)',
    ]);
    expect(
      problems({
        sources: { office: ['10.0.0.5/24', '0.0.0.0/0', '10.1.2.3'], Lab: ['10.0.0.0/8'] },
        defaultSource: 'home',
        portSources: { '5432': ['nowhere'] },
        defaultDuration: '9h',
        warnBefore: '8h',
      }),
    ).toEqual([
      expect.stringMatching(/^ {2}- access.sources.office.0: 10.0.0.5\/24 has host bits set/),
      '  - access.sources.office.1: a named source cannot be the whole internet; use worldOpenPorts',
      '  - access.sources.office.2: write 10.1.2.3/32 (with its prefix length)',
      '  - access.sources.Lab: must be a lower-case name such as office',
      '  - access.defaultSource: "home" is not one of the named sources (office, Lab)',
      '  - access.portSources.5432.0: "nowhere" is not a named source, CIDR, security group id or "security-group"',
      '  - access.defaultDuration: must not be longer than maxDuration',
      '  - access.warnBefore: must be shorter than maxDuration',
    ]);
  });
});
