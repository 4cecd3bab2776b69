import { parseStageConfig } from '@ec2ops/core/config';
import { reaperPolicy } from '@ec2ops/functions/jobs/instance-reaper';
import { type ExpireDeps, expire } from '@ec2ops/functions/ops/expire';
import type { SchedulerEmulator } from '@ec2ops/sandbox/scheduler/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../slack/harness';
import { allInstances, ec2, LAUNCH_CONFIG, managedInstance, stateOf, tagsOf } from '../slack/launch-fixtures';
import { EXPIRY_GROUP, expireDepsOver, startExpiryHarness } from './expiry-support';

/**
 * An instance's TTL enforced twice: `/ec2 launch` makes a one-time schedule per instance at its
 * expires-at, `/ec2 extend` moves it, and the schedule alone stops the instance (the stage's
 * reaper action) at its time, with no instance-reaper running. Through the real worker and
 * Scheduler client against the sandbox's emulators.
 */
const GROUP = EXPIRY_GROUP;

let h: Harness;
let scheduler: SchedulerEmulator;
/** The scheduler's clock runs ahead of real time by this much, to reach an expiry without waiting. */
let skewMs = 0;

function expireDeps(): ExpireDeps {
  return expireDepsOver(h, () => Date.now() + skewMs, {
    reaper: reaperPolicy(parseStageConfig(LAUNCH_CONFIG)),
  });
}

let close: () => Promise<void>;

beforeAll(async () => {
  ({ h, scheduler, close } = await startExpiryHarness(LAUNCH_CONFIG, () => Date.now() + skewMs, expireDeps));
});
afterAll(async () => {
  await close?.();
});

const schedulesFor = (id: string) => scheduler.service.list(GROUP).filter((s) => s.name === `expire-${id}`);
const atOf = (iso: string) => Math.ceil(Date.parse(iso) / 1000) * 1000;
async function expiresAt(id: string): Promise<string> {
  const instance = (await allInstances(h.ec2Client)).find((i) => i.InstanceId === id)!;
  return tagsOf(instance)['ec2ops:expires-at']!;
}
function dmsTo(user: string): string[] {
  const dm = h.slack.workspace.dms().find((d) => d.user === user);
  return dm ? h.slack.workspace.messages(dm.channel).map((m) => m.text ?? '') : [];
}

describe('instance TTL schedules', () => {
  it('a launch makes one schedule per instance at its TTL; extend moves it; the schedule stops it, once', async () => {
    const { answer } = await ec2(
      h,
      'launch al2023 name=ttl-test count=2 ttl=2h',
      'UOPERATOR',
      /Launching|running/,
    );
    const ids = [...new Set(answer.match(/\bi-[0-9a-f]{17}/g) ?? [])];
    expect(ids).toHaveLength(2);
    for (const id of ids) {
      const [schedule, ...more] = schedulesFor(id);
      expect(more).toEqual([]);
      expect(schedule!.at).toBe(atOf(await expiresAt(id)));
      expect(JSON.parse(schedule!.target.Input!)).toMatchObject({
        target: { kind: 'instance', instanceId: id, region: 'us-east-1' },
      });
    }
    const [first, second] = ids as [string, string];
    const stale = schedulesFor(first)[0]!;
    await ec2(h, `extend ${first} 3h`, 'UOPERATOR', /Extended/);
    const [moved, ...more] = schedulesFor(first);
    expect(more).toEqual([]);
    expect(moved!.at).toBe(atOf(await expiresAt(first)));
    expect(moved!.at).toBeGreaterThan(stale.at);

    // The old firing arrives anyway: the extended instance keeps running.
    skewMs = stale.at - Date.now() + 2_000;
    expect(await expire(expireDeps(), JSON.parse(stale.target.Input!))).toMatchObject({
      outcome: 'not-yet',
      instanceId: first,
    });
    // Past the second instance's TTL only: its schedule stops it, the extended one runs on.
    const fired = await scheduler.service.fireDue();
    expect(fired.map((f) => f.name)).toEqual([`expire-${second}`]);
    expect(fired[0]!.result).toEqual({ outcome: 'stop', instanceId: second, told: 'UOPERATOR' });
    expect(await stateOf(h.ec2Client, second)).toMatch(/stopping|stopped/);
    expect(await stateOf(h.ec2Client, first)).toMatch(/pending|running/);
    expect(schedulesFor(second)).toEqual([]);
    expect(dmsTo('UOPERATOR').filter((t) => t.includes(`Your instance ${second}`))).toHaveLength(1);

    // A replayed firing, several at once, finds it stopped and changes nothing.
    const again = await Promise.all(
      [1, 2, 3].map(() => expire(expireDeps(), JSON.parse(stale.target.Input!.replace(first, second)))),
    );
    expect(again.every((r) => r.outcome === 'left')).toBe(true);
    expect(dmsTo('UOPERATOR').filter((t) => t.includes(`Your instance ${second}`))).toHaveLength(1);
    skewMs = 0;
  });

  it('five extends of one instance at once leave one schedule, never later than the TTL the tag ends with', async () => {
    const [id] = await managedInstance(h.ec2Client, {
      'ec2ops:owner': 'UOPERATOR',
      'ec2ops:expires-at': new Date(Date.now() + 30 * 60_000).toISOString().slice(0, 19) + 'Z',
    });
    await Promise.all([1, 2, 3, 4, 5].map(() => ec2(h, `extend ${id} 1h`, 'UOPERATOR', /Extended|already/)));
    const [schedule, ...more] = schedulesFor(id!);
    expect(more).toEqual([]);
    // Extends that race may set their schedules out of order; an early one finds the TTL not yet
    // passed and the instance-reaper remains the backstop, but no schedule outlives the TTL.
    expect(schedule!.at).toBeLessThanOrEqual(atOf(await expiresAt(id!)));
    expect(schedule!.at).toBeGreaterThan(Date.now() + 60 * 60_000);
  });

  it('a kept or unmanaged instance is left alone when its schedule fires', async () => {
    const past = new Date(Date.now() - 60_000).toISOString().slice(0, 19) + 'Z';
    const [kept] = await managedInstance(h.ec2Client, { 'ec2ops:expires-at': past, 'ec2ops:keep': 'true' });
    const [foreign] = await managedInstance(h.ec2Client, { 'ec2ops:expires-at': past }, { managed: false });
    for (const id of [kept!, foreign!]) {
      const event = {
        v: 1,
        target: { kind: 'instance', instanceId: id, region: 'us-east-1' },
        expiresAt: past,
      };
      expect(await expire(expireDeps(), event)).toMatchObject({ outcome: 'left', instanceId: id });
      expect(await stateOf(h.ec2Client, id)).toMatch(/pending|running/);
    }
  });
});
