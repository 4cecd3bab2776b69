/**
 * eip-cleanup at scale: 1,000 Elastic IPs over 3 regions, with the emulator's EC2 token-bucket
 * throttling on. Counts the calls the job makes against the minimum possible:
 *   per region 1 DescribeAddresses (plan) + ⌈marks/1000⌉ CreateTags + ⌈unmarks/1000⌉ DeleteTags
 *   + per release 1 DescribeAddresses (the re-read) + 1 ReleaseAddress.
 * Passes when calls and HTTP attempts (retries included) are ≤ minimum × 1.05 and no throttling
 * error reaches the report.
 */
import { AllocateAddressCommand, CreateTagsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { parseStageConfig } from '@ec2ops/core';
import { countCalls, newCallCounter } from '@ec2ops/functions/ec2/call-counter';
import { ec2ClientsByRegion } from '@ec2ops/functions/ec2/client';
import { runJob } from '@ec2ops/functions/jobs/registry';
import { startEc2Emulator } from '@ec2ops/sandbox/ec2/server';
import { associate, runInstance } from '../test/jobs/eip-fixtures';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const ADDRESSES = 1000;
const NOW = new Date('2026-11-23T15:00:00.000Z');
const OLD = new Date(NOW.getTime() - 9 * 86_400_000).toISOString();
const YOUNG = new Date(NOW.getTime() - 2 * 86_400_000).toISOString();
const THROTTLING = new Set(['RequestLimitExceeded', 'Throttling', 'ThrottlingException']);

export interface EipBenchResult {
  name: string;
  ok: boolean;
  addresses: number;
  regions: number;
  ms: number;
  calls: Record<string, number>;
  callTotal: number;
  minimum: number;
  ratio: number;
  attempts: number;
  /** HTTP attempts (with the SDK's retries of throttled requests) over the minimum. */
  attemptRatio: number;
  throttlingInReport: number;
  released: number;
  failed: number;
}

/** Seeds one region's share: a quarter old (release), a quarter new (mark), a quarter young, some associated with a mark (unmark), the rest kept or associated. */
async function seed(
  ec2: EC2Client,
  count: number,
): Promise<{ releases: number; marks: number; unmarks: number }> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1)
    ids.push((await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!);
  const groups = {
    old: [] as string[],
    fresh: [] as string[],
    young: [] as string[],
    back: [] as string[],
    keep: [] as string[],
  };
  ids.forEach((id, i) => {
    const g = i % 20;
    if (g < 6) groups.old.push(id);
    else if (g < 11) groups.fresh.push(id);
    else if (g < 16) groups.young.push(id);
    else if (g < 18) groups.keep.push(id);
    else if (g < 19) groups.back.push(id);
    else groups.fresh.push(id);
  });
  const tag = async (resources: string[], tags: Record<string, string>) => {
    for (let i = 0; i < resources.length; i += 500) {
      await ec2.send(
        new CreateTagsCommand({
          Resources: resources.slice(i, i + 500),
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    }
  };
  await tag(ids, { 'ec2ops:managed': 'true' });
  await tag(groups.old, { 'ec2ops:idle-since': OLD });
  await tag(groups.young, { 'ec2ops:idle-since': YOUNG });
  await tag(groups.keep, { 'ec2ops:keep': 'true', 'ec2ops:idle-since': OLD });
  await tag(groups.back, { 'ec2ops:idle-since': YOUNG });
  const instance = await runInstance(ec2);
  for (const id of groups.back) await associate(ec2, id, instance);
  return { releases: groups.old.length, marks: groups.fresh.length, unmarks: groups.back.length };
}

export async function run(): Promise<EipBenchResult> {
  // Seeding runs without throttling; the job then runs against EC2's documented buckets.
  const seeding = await startEc2Emulator({ delays: { instancePending: 0 }, log: () => {} });
  const setupClients = ec2ClientsByRegion({
    endpoint: seeding.url,
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'x' },
  });
  const perRegion = REGIONS.map(
    (_, i) => Math.floor(ADDRESSES / REGIONS.length) + (i < ADDRESSES % REGIONS.length ? 1 : 0),
  );
  const seeded = await Promise.all(REGIONS.map((region, i) => seed(setupClients(region), perRegion[i]!)));
  const state = seeding.store.toJSON();
  await seeding.close();

  const emulator = await startEc2Emulator({ faults: 'seed=11,throttle=on', log: () => {} });
  emulator.store.load(state);
  const clients = ec2ClientsByRegion({
    endpoint: emulator.url,
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'x' },
  });
  const counter = newCallCounter();
  for (const region of REGIONS) countCalls(clients(region), counter);

  const minimum = seeded.reduce(
    (sum, s) => sum + 1 + Math.ceil(s.marks / 1000) + Math.ceil(s.unmarks / 1000) + 2 * s.releases,
    0,
  );
  const started = performance.now();
  const report = await runJob('eip-cleanup', {
    ec2: clients,
    config: parseStageConfig({ stage: 'bench', production: true, regions: REGIONS }),
    now: NOW,
    dryRun: false,
  });
  const ms = performance.now() - started;
  await emulator.close();

  const callTotal = counter.total();
  const throttlingInReport =
    report.lines.filter((l) => l.code && THROTTLING.has(l.code)).length +
    report.regionFailures.filter((f) => THROTTLING.has(f.code)).length;
  const ratio = callTotal / minimum;
  return {
    name: 'eip-cleanup: 1,000 addresses, 3 regions, EC2 throttling on',
    ok:
      ratio <= 1.05 &&
      counter.attempts / minimum <= 1.05 &&
      throttlingInReport === 0 &&
      report.counts.failed === 0,
    addresses: ADDRESSES,
    regions: REGIONS.length,
    ms: Math.round(ms),
    calls: counter.calls,
    callTotal,
    minimum,
    ratio: Number(ratio.toFixed(3)),
    attempts: counter.attempts,
    attemptRatio: Number((counter.attempts / minimum).toFixed(3)),
    throttlingInReport,
    released: report.counts.byAction.release?.done ?? 0,
    failed: report.counts.failed,
  };
}
