import { describe, expect, it } from 'vitest';
import { checkInstanceAccess, instanceReference } from './access';
import { renderInstanceList } from './list-view';
import { type InstanceView, instanceTagKeys } from './tags';

const keys = instanceTagKeys('ec2ops:');
const box = (tags: Record<string, string>, id = 'i-0123456789abcdef0'): InstanceView => ({
  id,
  region: 'us-east-1',
  state: 'running',
  type: 't3.micro',
  tags: { Name: 'box', ...tags },
});
const managedBy = (owner: string) => box({ 'ec2ops:managed': 'true', 'ec2ops:owner': owner });

describe('who may act on an instance', () => {
  it('lets owners act on their own managed instances and admins on any managed one', () => {
    expect(() =>
      checkInstanceAccess(managedBy('U1'), { id: 'U1', role: 'operator' }, 'stop', keys),
    ).not.toThrow();
    expect(() =>
      checkInstanceAccess(managedBy('U1'), { id: 'U2', role: 'admin' }, 'terminate', keys),
    ).not.toThrow();
    expect(() => checkInstanceAccess(managedBy('U1'), { id: 'U2', role: 'operator' }, 'stop', keys)).toThrow(
      /belongs to <@U1>/,
    );
  });

  it('refuses unmanaged instances to everyone, admins included, and never extends them', () => {
    const legacy = box({});
    expect(() => checkInstanceAccess(legacy, { id: 'U1', role: 'operator' }, 'start', keys)).toThrow(
      /not managed/,
    );
    for (const action of ['start', 'stop', 'terminate'] as const) {
      expect(() => checkInstanceAccess(legacy, { id: 'U2', role: 'admin' }, action, keys)).toThrow(
        /only instances it manages, whoever asks/,
      );
    }
    expect(() => checkInstanceAccess(legacy, { id: 'U2', role: 'admin' }, 'extend', keys)).toThrow(/no TTL/);
  });

  it('tells a malformed id from a Name', () => {
    expect(instanceReference('i-0123456789abcdef0')).toEqual({ kind: 'id', id: 'i-0123456789abcdef0' });
    expect(instanceReference('web-1')).toEqual({ kind: 'name', name: 'web-1' });
    expect(() => instanceReference('i-xyz')).toThrow(/not an instance id/);
  });
});

describe('the instance list', () => {
  it('shows the soonest expiry first, kept and unexpiring ones last, with the time left', () => {
    const now = Date.parse('2026-11-23T15:00:00.000Z');
    const message = renderInstanceList(
      [
        box({ 'ec2ops:owner': 'U1' }, 'i-00000000000000003'),
        box({ 'ec2ops:expires-at': '2026-11-23T17:30:00.000Z' }, 'i-00000000000000002'),
        box({ 'ec2ops:expires-at': '2026-11-23T14:00:00.000Z' }, 'i-00000000000000001'),
        box(
          { 'ec2ops:expires-at': '2026-11-23T14:00:00.000Z', 'ec2ops:keep': 'true' },
          'i-00000000000000004',
        ),
      ],
      { scope: 'all', nowMs: now, keys, regions: 1 },
    );
    const lines = JSON.stringify(message.blocks);
    expect(lines.indexOf('i-00000000000000001')).toBeLessThan(lines.indexOf('i-00000000000000002'));
    expect(lines.indexOf('i-00000000000000002')).toBeLessThan(lines.indexOf('i-00000000000000003'));
    expect(lines.indexOf('i-00000000000000002')).toBeLessThan(lines.indexOf('i-00000000000000004'));
    expect(lines).toContain('expired 1h ago');
    expect(lines).toContain('2h30m left');
    expect(lines).toContain('no expiry');
    expect(lines).toContain('kept (keep=true)');
  });
});
