/**
 * eip-cleanup fanned out over N member accounts × 4 regions (issue 15), FLEET_ADDRESSES idle
 * managed addresses per shard (default 200), against the emulator with EC2 throttling on (token
 * buckets per account and region, as EC2 keeps them). FLEET_ACCOUNTS lists the sizes (default
 * 1,10,50). Prints per size: EC2 calls over the minimum per shard (one describe plus one
 * release per address; eip-cleanup also re-reads each address before releasing it, which the
 * ratio shows until that read is batched) and wall time; and the wall-time ratio largest/smallest against the
 * shard-count ratio, at the job's shard concurrency (8 at once).
 */
import { AllocateAddressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { parseStageConfig } from '@ec2ops/core';
import { memberRolePolicy } from '@ec2ops/core/iam';
import { fleetOf } from '@ec2ops/functions/accounts/clients';
import { memoryRunRecord } from '@ec2ops/functions/coordination/fleet-run';
import { eipCleanup } from '@ec2ops/functions/jobs/eip-cleanup';
import { runFleetJob } from '@ec2ops/functions/jobs/fleet';
import { build } from '@ec2ops/functions/root';
import { startEc2Emulator } from '@ec2ops/sandbox/ec2/server';
import pLimit from 'p-limit';

const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2'];
const NOW = new Date('2026-11-23T15:00:00.000Z');
const SEEDER = 'bench-seeder';
const ADMIN = { accessKeyId: 'AKIDBENCHADMIN', secretAccessKey: 'x' };

async function once(accounts: number, perShard: number) {
  const ids = Array.from({ length: accounts }, (_, i) => String(100000000000 + i + 1));
  const config = parseStageConfig({
    stage: 'bench',
    regions: REGIONS,
    accounts: ids.map((id, i) => ({ id, alias: `acct-${i + 1}`, externalId: 'bench-external' })),
  });
  const role = {
    name: 'ec2ops-member-bench',
    trusted: ['EipCleanupJob'],
    externalId: 'bench-external',
    policy: memberRolePolicy('bench', config),
  };
  const emulator = await startEc2Emulator({
    faults: 'seed=7,throttle=on',
    log: () => {},
    accounts: ids.map((id) => ({
      id,
      roles: [role, { name: SEEDER, trusted: [ADMIN.accessKeyId], policy: '*' as const }],
    })),
  });
  const sts = new STSClient({ endpoint: emulator.url, region: 'us-east-1', credentials: ADMIN });
  try {
    // Seeding at most 16 shards at once: each shard's own EC2 bucket admits its burst, then 5 a second.
    const seedAtOnce = pLimit(16);
    await Promise.all(
      ids.flatMap((id) =>
        REGIONS.map((region) =>
          seedAtOnce(async () => {
            const c = (
              await sts.send(
                new AssumeRoleCommand({
                  RoleArn: `arn:aws:iam::${id}:role/${SEEDER}`,
                  RoleSessionName: 'seed',
                }),
              )
            ).Credentials!;
            const ec2 = new EC2Client({
              endpoint: emulator.url,
              region,
              maxAttempts: 50,
              credentials: {
                accessKeyId: c.AccessKeyId!,
                secretAccessKey: c.SecretAccessKey!,
                sessionToken: c.SessionToken!,
              },
            });
            const idle = new Date(NOW.getTime() - 8 * 86_400_000).toISOString();
            for (let n = 0; n < perShard; n += 1) {
              await ec2.send(
                new AllocateAddressCommand({
                  Domain: 'vpc',
                  TagSpecifications: [
                    {
                      ResourceType: 'elastic-ip',
                      Tags: [
                        { Key: 'ec2ops:managed', Value: 'true' },
                        { Key: 'ec2ops:idle-since', Value: idle },
                      ],
                    },
                  ],
                }),
              );
            }
            ec2.destroy();
          }),
        ),
      ),
    );
    const clock = { now: () => NOW };
    const root = build({
      fn: 'EipCleanupJob',
      env: {},
      clock,
      endpoints: { ec2: emulator.url, sts: emulator.url },
      region: 'us-east-1',
      credentials: { accessKeyId: 'EipCleanupJob', secretAccessKey: 'x' },
    });
    const fleet = fleetOf(root, config);
    const started = performance.now();
    const report = await runFleetJob(eipCleanup, {
      fleet,
      record: memoryRunRecord(),
      config,
      now: NOW,
      dryRun: false,
      clock,
    });
    const wallMs = performance.now() - started;
    fleet.destroy();
    const shards = report.shards.length;
    const calls = Object.values(report.api?.calls ?? {}).reduce((a, b) => a + b, 0);
    const minimum = shards * (1 + perShard);
    return {
      accounts,
      shards,
      shardsDone: report.shards.filter((s) => s.status === 'done').length,
      released: report.counts.done,
      ec2Calls: calls,
      callsOverMinimum: Number((calls / minimum).toFixed(3)),
      callsByAction: report.api?.calls ?? {},
      throttles: report.api?.throttles ?? 0,
      wallMs: Math.round(wallMs),
    };
  } finally {
    sts.destroy();
    await emulator.close();
  }
}

export async function run() {
  const sizes = (process.env.FLEET_ACCOUNTS ?? '1,10,50').split(',').map(Number);
  const perShard = Number(process.env.FLEET_ADDRESSES ?? 200);
  const results = [];
  for (const accounts of sizes) results.push(await once(accounts, perShard));
  const first = results[0]!;
  const last = results[results.length - 1]!;
  return {
    addressesPerShard: perShard,
    results,
    shardRatio: last.shards / first.shards,
    wallRatio: Number((last.wallMs / first.wallMs).toFixed(2)),
    ok: results.every((r) => r.shardsDone === r.shards && r.released === r.shards * perShard),
  };
}
