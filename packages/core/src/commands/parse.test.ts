import { describe, expect, it } from 'vitest';
import { COMMANDS } from './index';
import { CommandParseError, formatCommand, parseCommand } from './parse';
import { CommandRegistry } from './registry';
import type { CommandSpec } from './types';

const open: CommandSpec = {
  name: 'open',
  summary: 'Open a port for a while',
  role: 'operator',
  mutates: true,
  iam: [],
  args: [
    {
      name: 'ports',
      type: 'string',
      pattern: /^\d+(-\d+)?(\/(tcp|udp))?$/,
      patternHelp: 'a port such as 22 or 8000-8080/tcp',
      required: true,
      description: 'port or range',
    },
    {
      name: 'target',
      keyword: 'on',
      type: 'string',
      required: true,
      description: 'security group or instance',
    },
    { name: 'source', keyword: 'from', type: 'string', description: 'CIDR or named source' },
    { name: 'duration', keyword: 'for', type: 'duration', max: '8h', description: 'how long' },
  ],
  options: [
    { name: 'reason', type: 'string', maxLength: 200, description: 'why' },
    { name: 'notify', type: 'user', description: 'who to tell' },
    { name: 'count', type: 'int', min: 1, max: 5, default: 1, description: 'how many' },
    { name: 'mode', type: 'enum', values: ['fast', 'safe'], description: 'how' },
    { name: 'dry-run', type: 'boolean', description: 'plan only' },
  ],
};
const amiList: CommandSpec = {
  name: 'ami list',
  summary: 'List images',
  role: 'viewer',
  mutates: false,
  iam: [],
  args: [{ name: 'source', type: 'string', description: 'source' }],
};
const amiBake: CommandSpec = {
  name: 'ami bake',
  summary: 'Bake',
  role: 'operator',
  mutates: true,
  iam: [],
  args: [{ name: 'instance', type: 'string', required: true, description: 'instance' }],
};
// The real commands plus this file's fixtures; a real command of the same name gives way to the fixture.
const fixtures = [open, amiList, amiBake];
const registry = new CommandRegistry([
  ...COMMANDS.filter((c) => !fixtures.some((f) => f.name === c.name)),
  ...fixtures,
]);

function parseError(text: string): CommandParseError {
  try {
    parseCommand(text, registry);
  } catch (error) {
    if (error instanceof CommandParseError) return error;
    throw error;
  }
  throw new Error(`"${text}" parsed`);
}

describe('parseCommand', () => {
  it('reads empty text as help', () => {
    expect(parseCommand('   ', registry)).toEqual({ command: 'help', args: {} });
  });
  it('binds positional, keyword and key=value arguments with their types', () => {
    const parsed = parseCommand(
      'open 22/tcp on sg-0abc from office for 2h reason="db migration" notify=<@U0BOB|bob> mode=SAFE dry-run=yes',
      registry,
    );
    expect(parsed).toEqual({
      command: 'open',
      args: {
        ports: '22/tcp',
        target: 'sg-0abc',
        source: 'office',
        duration: 7_200_000,
        reason: 'db migration',
        notify: 'U0BOB',
        count: 1,
        mode: 'safe',
        'dry-run': true,
      },
    });
  });
  it('matches multi-word commands, longest first, case-insensitively', () => {
    expect(parseCommand('AMI List web', registry)).toEqual({ command: 'ami list', args: { source: 'web' } });
  });
  it('accepts page=N on every command', () => {
    expect(parseCommand('ami list page=3', registry).page).toBe(3);
    expect(parseError('ami list page=0').code).toBe('command.invalid-value');
  });
  it('joins the rest of the words for a rest argument', () => {
    expect(parseCommand('help ami list', registry).args).toEqual({ command: 'ami list' });
  });
  it('suggests the closest command for a typo', () => {
    const error = parseError('opne 22 on sg-1');
    expect(error.code).toBe('command.unknown');
    expect(error.hint).toContain('/ec2 open');
  });
  it('suggests the closest subcommand and lists the others', () => {
    const error = parseError('ami lst');
    expect(error.hint).toContain('/ec2 ami list');
    expect(error.hint).toContain('`ami bake`');
    expect(parseError('ami').message).toContain('needs a subcommand');
  });
  it('suggests the closest option and shows the usage', () => {
    const error = parseError('open 22 on sg-1 resaon=x');
    expect(error.code).toBe('command.unknown-option');
    expect(error.message).toContain('reason=');
    expect(error.hint).toContain('Usage: /ec2 open <ports> on <target> [from <source>] [for <duration>]');
  });
  it('says which argument is missing, with the usage', () => {
    const error = parseError('open 22');
    expect(error.code).toBe('command.missing-argument');
    expect(error.message).toContain('on <target>');
    expect(error.usage).toContain('/ec2 open');
  });
  it('refuses values of the wrong type or out of bounds, saying what was expected', () => {
    expect(parseError('open 22 on sg-1 count=9').message).toBe('count= must be at most 5 (got 9).');
    expect(parseError('open 22 on sg-1 count=two').message).toContain('whole number');
    expect(parseError('open 22 on sg-1 for 2x').message).toContain('duration');
    expect(parseError('open 22 on sg-1 for 9h').message).toContain('at most 8h');
    expect(parseError('open 22 on sg-1 mode=slow').message).toContain('one of fast, safe');
    expect(parseError('open 22 on sg-1 notify=bob').message).toContain('Slack user');
    expect(parseError('open 22 on sg-1 dry-run=maybe').message).toContain('yes or no');
    expect(parseError('open ssh on sg-1').message).toContain('a port such as 22');
    expect(parseError(`open 22 on sg-1 reason="${'x'.repeat(201)}"`).message).toContain(
      'at most 200 characters',
    );
  });
  it('refuses extra words and repeated options', () => {
    expect(parseError('open 22 on sg-1 please').code).toBe('command.extra-argument');
    expect(parseError('open 22 on sg-1 reason=a reason=b').code).toBe('command.duplicate');
    expect(parseError('open 22 on').code).toBe('command.missing-value');
  });
  it('reports an unclosed quote as a parse error', () => {
    expect(parseError('open 22 on sg-1 reason="x').code).toBe('command.unclosed-quote');
  });
});

describe('formatCommand', () => {
  it('writes a parsed command back as text that parses to the same thing', () => {
    const parsed = parseCommand('open 22 on sg-1 for 90m reason="a b" page=2', registry);
    const text = formatCommand(parsed, open);
    expect(parseCommand(text, registry)).toEqual(parsed);
  });
});

describe('CommandRegistry', () => {
  it('refuses two specs with one name, bad names and a reserved option', () => {
    expect(() => new CommandRegistry([amiList, amiList])).toThrow(/twice/);
    expect(() => new CommandRegistry([{ ...amiList, name: 'Ami' }])).toThrow(/lower-case/);
    expect(
      () => new CommandRegistry([{ ...amiList, options: [{ name: 'page', type: 'int', description: 'x' }] }]),
    ).toThrow(/reserved/);
  });
  it('generates the usage from the declaration', () => {
    expect(registry.usage(open)).toBe(
      '/ec2 open <ports> on <target> [from <source>] [for <duration>] [reason=<string>] [notify=<user>] [count=<number>] [mode=<fast|safe>] [dry-run=<boolean>]',
    );
  });
});
