import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  type EC2Client,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { parseStageConfig } from '@ec2ops/core';
import type { JobProgress } from '@ec2ops/core/jobs';
import { countCalls } from '@ec2ops/functions/ec2/call-counter';
import { changeInstanceStates, readInstances } from '@ec2ops/functions/ec2/instance-batches';
import { runJob } from '@ec2ops/functions/jobs/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EipWorld, NOW, runInstance, startWorld } from './eip-fixtures';

/**
 * Instance state changes in batches against the EC2 emulator: as few calls as EC2 allows, and
 * one id EC2 refuses is that instance's failure while the rest of its batch still goes.
 */
let world: EipWorld;
let ec2: EC2Client;
const noPacing = async () => {};
const MISSING = 'i-0123456789abcdef0';

beforeEach(async () => {
  world = await startWorld();
  ec2 = world.ec2('us-east-1');
});
afterEach(() => world.close());

async function running(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) ids.push(await runInstance(ec2));
  return ids;
}

async function stateOf(id: string): Promise<string> {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations![0]!.Instances![0]!.State!.Name!;
}

describe('instance state changes in batches', () => {
  it('sends at most `size` instances a call, every id exactly once', async () => {
    const ids = await running(5);
    const counter = countCalls(ec2);
    const run = await changeInstanceStates(ec2, 'stop', [...ids, ids[0]!], { size: 2, before: noPacing });
    expect(counter.calls).toEqual({ StopInstances: 3 });
    expect(run.accepted.sort()).toEqual([...ids].sort());
    expect(run.refused).toEqual([]);
    for (const id of ids) expect(await stateOf(id)).toMatch(/stopp/);
  });

  it('refuses a missing and a terminated instance on their own and stops the rest of the batch', async () => {
    const [a, b, gone] = await running(3);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [gone!] }));
    const run = await changeInstanceStates(ec2, 'stop', [a!, MISSING, b!, gone!], { before: noPacing });
    expect(run.accepted.sort()).toEqual([a!, b!].sort());
    const refused = Object.fromEntries(run.refused.map((r) => [r.id, (r.error as Error).name]));
    expect(refused).toEqual({ [MISSING]: 'InvalidInstanceID.NotFound', [gone!]: 'IncorrectInstanceState' });
    expect(await stateOf(a!)).toMatch(/stopp/);
    expect(await stateOf(b!)).toMatch(/stopp/);
    expect(await stateOf(gone!)).toBe('terminated');
  });

  it('re-reads instances by id in one call, a missing one simply absent', async () => {
    const ids = await running(3);
    const counter = countCalls(ec2);
    const { found, refused } = await readInstances(ec2, 'us-east-1', [...ids, MISSING]);
    expect([...found.keys()].sort()).toEqual([...ids].sort());
    expect(refused).toEqual([]);
    // The batch naming a missing id is refused once, then sent again without it.
    expect(counter.calls).toEqual({ DescribeInstances: 2 });
  });
});

describe('the reaper at scale', () => {
  it('stops every expired instance in one call, tells progress and reports the calls it made', async () => {
    const ids = await running(4);
    await ec2.send(
      new CreateTagsCommand({
        Resources: ids,
        Tags: [
          { Key: 'ec2ops:managed', Value: 'true' },
          { Key: 'ec2ops:expires-at', Value: new Date(NOW.getTime() - 60_000).toISOString() },
        ],
      }),
    );
    const progress: JobProgress[] = [];
    const report = await runJob('instance-reaper', {
      ec2: world.ec2,
      config: parseStageConfig({ stage: 'test', regions: ['us-east-1'] }),
      now: NOW,
      dryRun: false,
      onProgress: (p) => progress.push(p),
    });
    // Progress climbs to every planned item, never past it.
    expect(progress.at(-1)).toEqual({ done: 4, total: 4 });
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
    expect(report.counts.byAction.stop).toMatchObject({ done: 4, failed: 0 });
    // Plan: one describe; apply: one re-read and one stop for all four.
    expect(report.api).toMatchObject({
      calls: { DescribeInstances: 2, StopInstances: 1 },
      attempts: 3,
      throttles: 0,
    });
    expect(report.api!.wallMs).toBeGreaterThanOrEqual(0);
    for (const id of ids) expect(await stateOf(id)).toMatch(/stopp/);
  });
});
