import { describe, expect, it } from 'vitest';
import { commands, parseCommand } from '../index';

const parse = (text: string) => parseCommand(text, commands);

describe('/ec2 ami commands', () => {
  it('parses list with and without a source', () => {
    expect(parse('ami list')).toEqual({ command: 'ami list', args: {} });
    expect(parse('ami list builder')).toEqual({ command: 'ami list', args: { source: 'builder' } });
  });

  it('parses bake of an id or a Name, and needs one', () => {
    expect(parse('ami bake i-0123456789abcdef0').args).toEqual({ instance: 'i-0123456789abcdef0' });
    expect(parse('ami bake web').args).toEqual({ instance: 'web' });
    expect(() => parse('ami bake')).toThrow(/instance/);
  });

  it('refuses a malformed image id before anything runs', () => {
    expect(parse('ami approve ami-0123456789abcdef0').args).toEqual({ image: 'ami-0123456789abcdef0' });
    expect(parse('ami revoke ami-01234567').args).toEqual({ image: 'ami-01234567' });
    expect(() => parse('ami approve ami-XYZ')).toThrow(/an image id such as ami-0123456789abcdef0/);
    expect(() => parse('ami revoke i-0123456789abcdef0')).toThrow(/an image id/);
  });

  it('gives the roles the issue asks for', () => {
    expect(['ami list', 'ami bake', 'ami approve', 'ami revoke'].map((n) => commands.get(n)?.role)).toEqual([
      'viewer',
      'operator',
      'admin',
      'admin',
    ]);
  });
});
