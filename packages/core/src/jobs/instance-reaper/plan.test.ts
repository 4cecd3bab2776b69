import { describe, expect, it } from 'vitest';
import { type InstanceView, instanceTagKeys } from '../../instances/tags';
import { decideInstance, planInstanceReaper, type ReaperPolicy } from './plan';

const keys = instanceTagKeys('ec2ops:');
const NOW = Date.parse('2026-11-23T15:00:00.000Z');
const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const stop: ReaperPolicy = { keys, action: 'stop', warnBeforeMs: H };
const terminate: ReaperPolicy = { ...stop, action: 'terminate' };

function instance(state: string, tags: Record<string, string>): InstanceView {
  return {
    id: 'i-0123456789abcdef0',
    region: 'us-east-1',
    state,
    tags: { 'ec2ops:managed': 'true', ...tags },
  };
}

describe('instance-reaper decisions', () => {
  it('stops (or terminates) a managed instance past its expires-at', () => {
    const expired = instance('running', { 'ec2ops:expires-at': iso(NOW - 1) });
    expect(decideInstance(expired, stop, NOW)).toMatchObject({ kind: 'act', action: 'stop' });
    expect(decideInstance(expired, terminate, NOW)).toMatchObject({ kind: 'act', action: 'terminate' });
  });

  it('terminates an expired stopped instance, but does not stop it again', () => {
    const stopped = instance('stopped', { 'ec2ops:expires-at': iso(NOW - H) });
    expect(decideInstance(stopped, terminate, NOW)).toMatchObject({ kind: 'act' });
    expect(decideInstance(stopped, stop, NOW)).toEqual({ kind: 'skip', reason: 'expired, already stopped' });
  });

  it('never touches unmanaged or keep=true instances', () => {
    const expiry = { 'ec2ops:expires-at': iso(NOW - H) };
    expect(decideInstance({ ...instance('running', expiry), tags: expiry }, terminate, NOW).kind).toBe(
      'skip',
    );
    expect(decideInstance(instance('running', { ...expiry, 'ec2ops:keep': 'true' }), terminate, NOW)).toEqual(
      {
        kind: 'skip',
        reason: 'tagged ec2ops:keep=true',
      },
    );
  });

  it('warns the owner once per expiry, within warnBefore', () => {
    const soon = { 'ec2ops:expires-at': iso(NOW + 30 * 60_000), 'ec2ops:owner': 'UOPERATOR' };
    expect(decideInstance(instance('running', soon), stop, NOW)).toMatchObject({
      kind: 'warn',
      owner: 'UOPERATOR',
    });
    const warned = { ...soon, 'ec2ops:warned-for': soon['ec2ops:expires-at'] };
    expect(decideInstance(instance('running', warned), stop, NOW).kind).toBe('skip');
    const extended = { ...warned, 'ec2ops:expires-at': iso(NOW + 45 * 60_000) };
    expect(decideInstance(instance('running', extended), stop, NOW).kind).toBe('warn');
    expect(
      decideInstance(instance('running', { ...soon, 'ec2ops:expires-at': iso(NOW + 2 * H) }), stop, NOW),
    ).toEqual({
      kind: 'skip',
      reason: 'not yet expiring',
    });
  });

  it('skips instances without a readable expiry, and says why', () => {
    expect(decideInstance(instance('running', {}), stop, NOW)).toEqual({
      kind: 'skip',
      reason: 'no ec2ops:expires-at',
    });
    expect(decideInstance(instance('running', { 'ec2ops:expires-at': '23/11/2026' }), stop, NOW).kind).toBe(
      'skip',
    );
  });

  it('plans items with reasons and lists what is expiring soon', () => {
    const plan = planInstanceReaper(
      'us-east-1',
      [
        {
          ...instance('running', { 'ec2ops:expires-at': iso(NOW - 2 * H), Name: 'old' }),
          id: 'i-00000000000000001',
        },
        {
          ...instance('running', { 'ec2ops:expires-at': iso(NOW + 10 * 60_000), 'ec2ops:owner': 'UADMIN' }),
          id: 'i-00000000000000002',
        },
      ],
      stop,
      new Date(NOW),
    );
    expect(plan.items.map((i) => [i.id, i.action, i.reason])).toEqual([
      ['i-00000000000000001', 'stop', 'expired 2h ago (2026-11-23T13:00:00.000Z)'],
      ['i-00000000000000002', 'warn', 'stopped in 10m: owner UADMIN is told'],
    ]);
    expect(plan.sections?.[0]?.lines[0]).toContain('i-00000000000000002 expires 2026-11-23T15:10:00.000Z');
  });

  it('reports an instance acted on past the late grace as late, one its schedule would have stopped', () => {
    const late = { ...stop, lateAfterMs: 5 * 60_000 };
    const plan = planInstanceReaper(
      'us-east-1',
      [
        { ...instance('running', { 'ec2ops:expires-at': iso(NOW - 2 * H) }), id: 'i-00000000000000001' },
        { ...instance('running', { 'ec2ops:expires-at': iso(NOW - 60_000) }), id: 'i-00000000000000002' },
      ],
      late,
      new Date(NOW),
    );
    expect(plan.items.map((i) => i.id)).toEqual(['i-00000000000000001', 'i-00000000000000002']);
    expect(plan.sections).toEqual([
      {
        title: 'Acted on late by the reaper, not at expiry by their schedule (us-east-1)',
        lines: ['i-00000000000000001: expired 2h ago'],
      },
    ]);
    // Without a grace (no schedules), nothing is called late.
    expect(
      planInstanceReaper(
        'us-east-1',
        [instance('running', { 'ec2ops:expires-at': iso(NOW - 2 * H) })],
        stop,
        new Date(NOW),
      ).sections,
    ).toBeUndefined();
  });
});
