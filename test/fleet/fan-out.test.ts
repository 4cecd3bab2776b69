import { DescribeAddressesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { FleetReport } from '@ec2ops/core/jobs';
import type { Fleet } from '@ec2ops/functions/accounts/clients';
import { fleetRunRecord } from '@ec2ops/functions/coordination/fleet-run';
import { eipCleanup } from '@ec2ops/functions/jobs/eip-cleanup';
import {
  type FleetRunDeps,
  planFleetRun,
  reportFleetRun,
  runFleetJob,
  runShard,
} from '@ec2ops/functions/jobs/fleet';
import { createSlackNotifier, slackWebClient } from '@ec2ops/functions/slack-notifier';
import type { DynamoEmulator } from '@ec2ops/sandbox/dynamo/server';
import { type SlackEmulator, startSlackEmulator } from '@ec2ops/sandbox/slack/emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allAtOnce, startTable } from '../coordination/support';
import { ago, allocateAddress, DAY, NOW } from '../jobs/eip-fixtures';
import { DEV, type FleetWorld, PROD, startFleetWorld } from './world';

/**
 * Issue 15: a scheduled eip-cleanup over 2 member accounts × 2 regions runs as four shards, each
 * acting in its own account and region with the member role; the run posts one report that
 * names every shard. Everything real: the SDKs, STS and EC2 on the emulator (IAM enforced),
 * the run record on dynalite, the report through the Slack emulator.
 */
const M = { 'ec2ops:managed': 'true' };
const SHARDS = [
  [DEV, 'us-east-1'],
  [DEV, 'eu-west-1'],
  [PROD, 'us-east-1'],
  [PROD, 'eu-west-1'],
] as const;
const clock = { now: () => NOW };

let world: FleetWorld;
let slack: SlackEmulator;
let dynamo: DynamoEmulator;
let deps: FleetRunDeps;
let fleet: Fleet;
let closeTable: () => void;

/** In each shard: one address idle past the grace (released) and one kept. */
async function seed(): Promise<void> {
  for (const [account, region] of SHARDS) {
    const ec2 = await world.admin(account, region);
    await allocateAddress(ec2, `old-${account}-${region}`, { ...M, 'ec2ops:idle-since': ago(8 * DAY) });
    await allocateAddress(ec2, `keep-${account}-${region}`, { ...M, 'ec2ops:keep': 'true' });
  }
}

const names = async (ec2: EC2Client) =>
  ((await ec2.send(new DescribeAddressesCommand({}))).Addresses ?? [])
    .map((a) => a.Tags?.find((t) => t.Key === 'Name')?.Value)
    .sort();

beforeEach(async () => {
  world = await startFleetWorld();
  slack = await startSlackEmulator({ port: 0 });
  const t = await startTable();
  dynamo = t.dynamo;
  closeTable = () => t.table.client.destroy();
  fleet = world.fleetAs('eip-cleanup', clock);
  deps = {
    fleet,
    record: fleetRunRecord(t.table),
    config: world.config,
    notifier: createSlackNotifier(slackWebClient(slack.botToken, slack.apiUrl)),
    now: NOW,
    dryRun: false,
    clock,
    pacing: { burst: 1000, perSecond: 1000 },
  };
  await seed();
});

afterEach(async () => {
  fleet.destroy();
  closeTable();
  await Promise.all([world.close(), slack.close(), dynamo.close()]);
});

describe('a job over 2 accounts × 2 regions', () => {
  it('runs one shard per account and region, each acting only there, and posts one report naming them', async () => {
    const report = await runFleetJob(eipCleanup, deps);

    expect(report.shards.map((s) => `${s.alias}/${s.region}:${s.status}`)).toEqual([
      'dev/us-east-1:done',
      'dev/eu-west-1:done',
      'prod/us-east-1:done',
      'prod/eu-west-1:done',
    ]);
    expect(report.counts).toMatchObject({ done: 4, failed: 0 });
    for (const [account, region] of SHARDS) {
      expect(await names(await world.admin(account, region))).toEqual([`keep-${account}-${region}`]);
    }
    expect(
      report.lines
        .filter((l) => l.status === 'done')
        .map((l) => l.region)
        .sort(),
    ).toEqual(['dev/eu-west-1', 'dev/us-east-1', 'prod/eu-west-1', 'prod/us-east-1']);
    expect(slack.workspace.messages('C0EC2OPS')).toHaveLength(1);
    expect(world.denials()).toEqual([]);
  });

  it('names the shards of an account whose role cannot be assumed, and completes the others', async () => {
    await world.breakRole(PROD);

    const report = await runFleetJob(eipCleanup, deps);

    const failed = report.shards.filter((s) => s.status === 'failed');
    expect(failed.map((s) => `${s.alias}/${s.region}`)).toEqual(['prod/us-east-1', 'prod/eu-west-1']);
    for (const shard of failed) {
      expect(shard.code).toBe('fleet.assume-role-failed');
      expect(shard.message).toContain(`arn:aws:iam::${PROD}:role/ec2ops-member-fleet`);
    }
    expect(report.regionFailures.map((f) => f.region)).toEqual(['prod/us-east-1', 'prod/eu-west-1']);
    expect(await names(await world.admin(DEV, 'eu-west-1'))).toEqual([`keep-${DEV}-eu-west-1`]);
    // prod is untouched: the next run retries it.
    expect(await names(await world.admin(PROD, 'us-east-1'))).toHaveLength(2);
    expect(slack.workspace.messages('C0EC2OPS')).toHaveLength(1);
  });
});

describe('duplicate and concurrent deliveries', () => {
  it('a shard delivered N times at once acts once; N concurrent last-shard reports post once', async () => {
    const N = 6;
    const { targets, shards } = await planFleetRun(fleet);
    const runId = 'eip-cleanup-dup';
    await deps.record.open(runId, shards.length, NOW);

    const deliveries = await allAtOnce(N * shards.length, (i) =>
      runShard(eipCleanup, { runId, ...shards[i % shards.length]! }, targets, deps),
    );
    const acted = deliveries.filter((d) => d !== undefined);
    expect(acted).toHaveLength(shards.length);
    expect(acted.filter((d) => d.last)).toHaveLength(1);

    const reports = await allAtOnce(N, () =>
      reportFleetRun(eipCleanup, { runId, shards, startedAt: NOW }, deps),
    );
    const posted = reports.filter((r): r is FleetReport => r !== undefined);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.counts).toMatchObject({ done: 4, failed: 0 });
    expect(slack.workspace.messages('C0EC2OPS')).toHaveLength(1);
  });

  it('a shard that never finishes by the deadline is named missing in the one report', async () => {
    const { shards } = await planFleetRun(fleet);
    const runId = 'eip-cleanup-late';
    await deps.record.open(runId, shards.length, NOW);
    const { targets } = await planFleetRun(fleet);
    for (const shard of shards.slice(0, 3)) await runShard(eipCleanup, { runId, ...shard }, targets, deps);

    const report = await reportFleetRun(eipCleanup, { runId, shards, startedAt: NOW }, deps);

    expect(report?.shards.map((s) => s.status)).toEqual(['done', 'done', 'done', 'missing']);
    expect(report?.regionFailures).toEqual([
      expect.objectContaining({ region: 'prod/eu-west-1', code: 'fleet.shard-missing' }),
    ]);
  });
});
