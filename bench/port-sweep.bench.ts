/**
 * port-sweep at scale: 500 managed temporary rules (100 expired) on 500 groups, among 2,000
 * security groups in all (1,500 unmanaged); then the same account with 2,000 and 4,000 unmanaged
 * groups (each with a permanent rule). The sweep finds managed rules by a server-side tag filter, so its
 * API calls must be the same whatever the number of unmanaged groups:
 *   1 DescribeSecurityGroupRules (plan) + 1 (re-read of the expired ones)
 *   + 1 RevokeSecurityGroupIngress per group holding expired rules.
 * Passes when every run makes exactly that many calls, closes the 100 and nothing else.
 *
 * Run alone: `npx tsx bench/port-sweep.bench.ts`.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { parseStageConfig } from '@ec2ops/core';
import { countCalls, newCallCounter } from '@ec2ops/functions/ec2/call-counter';
import { runJob } from '@ec2ops/functions/jobs/registry';
import { startEc2Emulator } from '@ec2ops/sandbox/ec2/server';

const NOW = new Date('2026-11-23T16:00:00.000Z');
const MANAGED_GROUPS = 500;
const EXPIRED = 100;
/** Unmanaged groups per run: 1,500 (2,000 groups in all, the account), then 2,000 and 4,000. */
const UNMANAGED = [1500, 2000, 4000];
const CONCURRENCY = 16;
/** EC2's default quota is 2,500 groups per VPC: spread the groups over several VPCs. */
const GROUPS_PER_VPC = 2000;
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };

export interface PortSweepRun {
  groups: number;
  unmanagedGroups: number;
  ms: number;
  calls: Record<string, number>;
  callTotal: number;
  closed: number;
  managedLeft: number;
}

export interface PortSweepBenchResult {
  name: string;
  ok: boolean;
  managedRules: number;
  expired: number;
  expectedCalls: number;
  runs: PortSweepRun[];
}

async function inBatches<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY)
    await Promise.all(items.slice(i, i + CONCURRENCY).map(work));
}

const client = (endpoint: string) =>
  new EC2Client({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

/** Adds `count` groups, each with one permanent (untagged) ingress rule. */
async function addUnmanagedGroups(
  ec2: EC2Client,
  from: number,
  count: number,
  vpcs: string[],
): Promise<void> {
  await inBatches(
    Array.from({ length: count }, (_, i) => from + i),
    async (n) => {
      const { GroupId } = await ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: `plain-${n}`,
          Description: 'bench',
          VpcId: vpcs[Math.floor(n / GROUPS_PER_VPC)],
        }),
      );
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
          ],
        }),
      );
    },
  );
}

async function sweepOnce(state: unknown, unmanagedGroups: number): Promise<PortSweepRun> {
  const emulator = await startEc2Emulator({ log: () => {} });
  emulator.store.load(state as never);
  const ec2 = client(emulator.url);
  const counter = newCallCounter();
  countCalls(ec2, counter);
  const started = performance.now();
  const report = await runJob('port-sweep', {
    ec2: () => ec2,
    config: parseStageConfig({ stage: 'bench', production: true, regions: ['us-east-1'] }),
    now: NOW,
    dryRun: false,
  });
  const ms = performance.now() - started;
  const check = client(emulator.url);
  const left = await check.send(
    new DescribeSecurityGroupRulesCommand({
      Filters: [{ Name: 'tag:ec2ops:managed', Values: ['true'] }],
      MaxResults: 1000,
    }),
  );
  await emulator.close();
  return {
    groups: MANAGED_GROUPS + unmanagedGroups,
    unmanagedGroups,
    ms: Math.round(ms),
    calls: counter.calls,
    callTotal: counter.total(),
    closed: report.counts.byAction['revoke']?.done ?? 0,
    managedLeft: left.SecurityGroupRules?.length ?? 0,
  };
}

export async function run(): Promise<PortSweepBenchResult> {
  const seeding = await startEc2Emulator({ log: () => {} });
  const ec2 = client(seeding.url);
  const maxGroups = Math.max(...UNMANAGED);
  const vpcs: string[] = [];
  for (let i = 0; i < Math.ceil(maxGroups / GROUPS_PER_VPC); i++) {
    vpcs.push((await ec2.send(new CreateVpcCommand({ CidrBlock: `10.${i + 1}.0.0/16` }))).Vpc!.VpcId!);
  }
  // 500 groups with one managed rule each; the first 100 rules expired a minute ago.
  await inBatches(
    Array.from({ length: MANAGED_GROUPS }, (_, i) => i),
    async (i) => {
      const { GroupId } = await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: `jit-${i}`, Description: 'bench' }),
      );
      const expires = new Date(NOW.getTime() + (i < EXPIRED ? -60_000 : 3_600_000)).toISOString();
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.0/24' }] },
          ],
          TagSpecifications: [
            {
              ResourceType: 'security-group-rule',
              Tags: [
                { Key: 'ec2ops:managed', Value: 'true' },
                { Key: 'ec2ops:owner', Value: 'U0BENCH' },
                { Key: 'ec2ops:expires-at', Value: expires },
              ],
            },
          ],
        }),
      );
    },
  );
  const runs: PortSweepRun[] = [];
  let made = 0;
  for (const unmanaged of UNMANAGED) {
    await addUnmanagedGroups(ec2, made, unmanaged - made, vpcs);
    made = unmanaged;
    runs.push(await sweepOnce(seeding.store.toJSON(), unmanaged));
  }
  await seeding.close();
  const expectedCalls = 2 + EXPIRED;
  return {
    name: 'port-sweep: 500 managed rules (100 expired) on 500 groups, with 1,500, 2,000 and 4,000 unmanaged groups',
    ok: runs.every(
      (r) =>
        r.callTotal === expectedCalls && r.closed === EXPIRED && r.managedLeft === MANAGED_GROUPS - EXPIRED,
    ),
    managedRules: MANAGED_GROUPS,
    expired: EXPIRED,
    expectedCalls,
    runs,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
