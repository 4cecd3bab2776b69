import { describe, expect, it } from 'vitest';
import { renderHelp } from './help';
import { COMMANDS } from './index';
import { CommandRegistry } from './registry';
import type { CommandSpec } from './types';

const stop: CommandSpec = {
  name: 'stop',
  summary: 'Stop an instance',
  role: 'operator',
  mutates: true,
  iam: [],
  examples: ['stop web-1'],
  args: [{ name: 'instance', type: 'string', required: true, description: 'instance id or Name' }],
};
const approve: CommandSpec = {
  name: 'ami approve',
  summary: 'Approve an image',
  role: 'admin',
  mutates: true,
  iam: [],
};
// The real `help` plus this file's fixtures only, so the counts below do not change as commands are added.
const registry = new CommandRegistry([...COMMANDS.filter((c) => c.name === 'help'), stop, approve]);

describe('renderHelp', () => {
  it('lists only the commands the role may run, and counts the others', () => {
    const viewer = renderHelp(registry, 'viewer');
    expect(viewer.text).toContain('/ec2 help');
    expect(viewer.text).not.toContain('/ec2 stop');
    expect(JSON.stringify(viewer.blocks)).toContain('2 more commands need a higher role');
    const admin = renderHelp(registry, 'admin');
    expect(admin.text).toContain('/ec2 stop <instance>');
    expect(admin.text).toContain('/ec2 ami approve');
  });
  it('explains one command with its arguments, examples and role', () => {
    const message = renderHelp(registry, 'viewer', 'stop');
    const shown = JSON.stringify(message.blocks);
    expect(shown).toContain('instance id or Name');
    expect(shown).toContain('/ec2 stop web-1');
    expect(shown).toContain('Needs role *operator*');
    expect(shown).toContain('You may not run it');
  });
  it('suggests a command when help is asked about an unknown one', () => {
    expect(() => renderHelp(registry, 'viewer', 'stpo')).toThrow(
      expect.objectContaining({ code: 'command.unknown', hint: expect.stringContaining('help stop') }),
    );
  });
  it('is always an ephemeral message', () => {
    expect(renderHelp(registry, undefined).response_type).toBe('ephemeral');
  });
});
