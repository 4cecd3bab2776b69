/**
 * eip-cleanup fanned out over N member accounts × 4 regions (issue 15), FLEET_ADDRESSES idle
 * managed addresses per shard (default 200), against the emulator with EC2 throttling on (token
 * buckets per account and region, as EC2 keeps them). FLEET_ACCOUNTS lists the sizes (default
 * 1,10,50). The job runs at the stage's `fanOut.shardConcurrency` (FLEET_CONCURRENCY sets it;
 * default: the stage default a deploy gets, 10). Prints per size: shards, EC2 calls over the
 * minimum per shard (one describe plus one release per address), throttles and wall time; and
 * wallRatio (largest/smallest) next to shardRatio and the concurrency.
 *
 * Seeding goes through the EC2 API (AllocateAddress) with throttling off and many calls at
 * once; throttling is turned on (POST /_emulator/faults, fresh full buckets per account) just
 * before the job runs, so only the job meets the buckets.
 */
import { AllocateAddressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, type Credentials, STSClient } from '@aws-sdk/client-sts';
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
const FAULTS_SEEDING = 'seed=7';
const FAULTS_JOB = 'seed=7,throttle=on';
/** AllocateAddress calls in flight while seeding (unthrottled, so the emulator's CPU is the limit). */
const SEED_AT_ONCE = 64;

/** The SDK credentials of an AssumeRole answer. */
const sessionOf = (c: Credentials) => ({
  accessKeyId: c.AccessKeyId!,
  secretAccessKey: c.SecretAccessKey!,
  sessionToken: c.SessionToken!,
});

/** Turns the emulator's faults to SPEC for every account, and checks it took. */
async function setEmulatorFaults(url: string, spec: string): Promise<string> {
  const response = await fetch(`${url}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ spec }),
  });
  const view = (await response.json()) as { active?: boolean; summary?: string };
  if (response.status !== 200 || !view.active) {
    throw new Error(`could not set emulator faults to ${spec}: ${response.status} ${JSON.stringify(view)}`);
  }
  return view.summary ?? spec;
}

async function once(accounts: number, perShard: number, shardConcurrency: number) {
  const ids = Array.from({ length: accounts }, (_, i) => String(100000000000 + i + 1));
  const config = parseStageConfig({
    stage: 'bench',
    regions: REGIONS,
    accounts: ids.map((id, i) => ({ id, alias: `acct-${i + 1}`, externalId: 'bench-external' })),
    fanOut: { shardConcurrency },
  });
  const role = {
    name: 'ec2ops-member-bench',
    trusted: ['EipCleanupJob'],
    externalId: 'bench-external',
    policy: memberRolePolicy('bench', config),
  };
  const emulator = await startEc2Emulator({
    // Throttling off while seeding; on (below) before the job starts.
    faults: FAULTS_SEEDING,
    log: () => {},
    accounts: ids.map((id) => ({
      id,
      roles: [role, { name: SEEDER, trusted: [ADMIN.accessKeyId], policy: '*' as const }],
    })),
  });
  const sts = new STSClient({ endpoint: emulator.url, region: 'us-east-1', credentials: ADMIN });
  try {
    // Seeding: every shard's allocations in flight together, SEED_AT_ONCE at a time overall.
    const seedStarted = performance.now();
    const allocateAtOnce = pLimit(SEED_AT_ONCE);
    const idle = new Date(NOW.getTime() - 8 * 86_400_000).toISOString();
    await Promise.all(
      ids.flatMap((id) =>
        REGIONS.map(async (region) => {
          const c = (
            await sts.send(
              new AssumeRoleCommand({
                RoleArn: `arn:aws:iam::${id}:role/${SEEDER}`,
                RoleSessionName: 'seed',
              }),
            )
          ).Credentials!;
          const ec2 = new EC2Client({ endpoint: emulator.url, region, credentials: sessionOf(c) });
          try {
            await Promise.all(
              Array.from({ length: perShard }, () =>
                allocateAtOnce(() =>
                  ec2.send(
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
                  ),
                ),
              ),
            );
          } finally {
            ec2.destroy();
          }
        }),
      ),
    );
    const seedMs = performance.now() - seedStarted;
    const faults = await setEmulatorFaults(emulator.url, FAULTS_JOB);
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
      shardConcurrency: config.fanOut.shardConcurrency,
    });
    const wallMs = performance.now() - started;
    fleet.destroy();
    const shards = report.shards.length;
    const calls = Object.values(report.api?.calls ?? {}).reduce((a, b) => a + b, 0);
    const minimum = shards * (1 + perShard);
    const ok = report.shards.every((s) => s.status === 'done') && report.counts.done === shards * perShard;
    return {
      accounts,
      shards,
      shardConcurrency: config.fanOut.shardConcurrency,
      faults,
      shardsDone: report.shards.filter((s) => s.status === 'done').length,
      released: report.counts.done,
      ec2Calls: calls,
      minimumCalls: minimum,
      callsOverMinimum: Number((calls / minimum).toFixed(3)),
      callsByAction: report.api?.calls ?? {},
      throttles: report.api?.throttles ?? 0,
      wallMs: Math.round(wallMs),
      seedMs: Math.round(seedMs),
      ok,
    };
  } finally {
    sts.destroy();
    await emulator.close();
  }
}

export async function run() {
  const sizes = (process.env.FLEET_ACCOUNTS ?? '1,10,50').split(',').map(Number);
  const perShard = Number(process.env.FLEET_ADDRESSES ?? 200);
  // What a stage deploys unless its config says otherwise (the schema's default, 10).
  const shardConcurrency = Number(
    process.env.FLEET_CONCURRENCY ?? parseStageConfig({ stage: 'bench' }).fanOut.shardConcurrency,
  );
  const results = [];
  for (const accounts of sizes) {
    const result = await once(accounts, perShard, shardConcurrency);
    // One line per size as it finishes: the full run takes minutes.
    process.stdout.write(
      `fleet ${accounts} accounts: ${result.shards} shards, ${result.ec2Calls} EC2 calls ` +
        `(${result.callsOverMinimum}× the minimum), ${result.throttles} throttles, ` +
        `wall ${(result.wallMs / 1000).toFixed(1)} s (seeded in ${(result.seedMs / 1000).toFixed(1)} s), ok=${result.ok}\n`,
    );
    results.push(result);
  }
  const first = results[0]!;
  const last = results[results.length - 1]!;
  return {
    addressesPerShard: perShard,
    shardConcurrency,
    results,
    sizes: `${last.accounts}/${first.accounts} accounts`,
    shardRatio: last.shards / first.shards,
    wallRatio: Number((last.wallMs / first.wallMs).toFixed(2)),
    ok: results.every((r) => r.ok),
  };
}
