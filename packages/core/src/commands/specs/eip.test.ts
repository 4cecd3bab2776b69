import { describe, expect, it } from 'vitest';
import { commands, parseCommand } from '../index';

const parse = (text: string) => parseCommand(text, commands);

describe('/ec2 eip commands', () => {
  it('parses list with and without idle, and nothing else', () => {
    expect(parse('eip list')).toEqual({ command: 'eip list', args: {} });
    expect(parse('eip list idle')).toEqual({ command: 'eip list', args: { filter: 'idle' } });
    expect(() => parse('eip list busy')).toThrow(/idle/);
  });

  it('takes an allocation id or an IPv4 address, and refuses anything else before it runs', () => {
    expect(parse('eip release eipalloc-0123456789abcdef0').args).toEqual({
      address: 'eipalloc-0123456789abcdef0',
    });
    expect(parse('eip keep 198.51.100.7').args).toEqual({ address: '198.51.100.7' });
    expect(parse('eip release 198.51.100.7 confirm=yes').args).toEqual({
      address: '198.51.100.7',
      confirm: true,
    });
    for (const bad of ['eipalloc-xyz', '256.1.1.1', '1.2.3', '01.2.3.4', 'i-0123456789abcdef0', '::1']) {
      expect(() => parse(`eip unkeep ${bad}`)).toThrow(/allocation id such as eipalloc-/);
    }
    expect(() => parse('eip release')).toThrow(/Missing <allocation-id|ip>/);
  });

  it('gives the roles it documents: list viewer, release and attach operator, keep and unkeep admin', () => {
    expect(
      ['eip list', 'eip release', 'eip attach', 'eip keep', 'eip unkeep'].map((n) => commands.get(n)?.role),
    ).toEqual(['viewer', 'operator', 'operator', 'admin', 'admin']);
  });
});
