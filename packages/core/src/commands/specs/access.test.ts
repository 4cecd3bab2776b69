import { describe, expect, it } from 'vitest';
import { commands, parseCommand } from '../index';

const parse = (text: string) => parseCommand(text, commands);

describe('/ec2 open, close, access', () => {
  it('parses open with its keywords and reason', () => {
    expect(parse('open 22/udp on web-1 from office for 2h reason="db migration"')).toEqual({
      command: 'open',
      args: {
        ports: '22/udp',
        target: 'web-1',
        source: 'office',
        duration: 7_200_000,
        reason: 'db migration',
      },
    });
    expect(() => parse('open 22')).toThrow(/Missing `on <sg-id\|instance-id\|Name>`/);
  });

  it('parses close by id or by port and target, and access with its scope', () => {
    expect(parse('close sgr-0123456789abcdef0').args).toEqual({ rule: 'sgr-0123456789abcdef0' });
    expect(parse('close 22 on sg-0123456789abcdef0 from 2001:db8::/64').args).toEqual({
      rule: '22',
      target: 'sg-0123456789abcdef0',
      source: '2001:db8::/64',
    });
    expect(parse('access').args).toEqual({});
    expect(parse('access all').args).toEqual({ scope: 'all' });
    expect(() => parse('access everyone')).toThrow(/mine, all/);
    expect(parse('access extend sgr-0123456789abcdef0 for 30m').args).toEqual({
      rule: 'sgr-0123456789abcdef0',
      duration: 1_800_000,
    });
    expect(() => parse('access extend 22')).toThrow(/a rule id such as sgr-/);
  });

  it('gives the roles: operators open and close, viewers list; extend is a button, hidden from help', () => {
    expect(['open', 'close', 'access', 'access extend'].map((n) => commands.get(n)?.role)).toEqual([
      'operator',
      'operator',
      'viewer',
      'operator',
    ]);
    expect(commands.get('access extend')?.hidden).toBe(true);
  });
});
