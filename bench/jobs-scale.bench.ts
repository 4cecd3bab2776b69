/**
 * instance-reaper's apply on a fleet seeded through the EC2 API (`ec2ops sandbox seed`'s
 * seeding; JOBS_SCALE, default 10: 5,000 instances, a quarter of them expired), against the
 * emulator's documented token buckets. Prints, measured in this run:
 * - calls over the minimum EC2 allows (≤ 1.05): describes of 1,000, Stop/TerminateInstances
 *   of 1,000, one CreateTags per warned expiry value per 1,000;
 * - rate over EC2's bucket (≥ 0.9): past the resource bucket's burst of 1,000, instances are
 *   stopped at 20 a second at best, so the run cannot take less than (stopped − 1,000) / 20 s.
 */
import { parseStageConfig } from '@ec2ops/core';
import type { ReaperItemData } from '@ec2ops/core/jobs';
import { ec2ClientsByRegion } from '@ec2ops/functions/ec2/client';
import { INSTANCE_STATE_BUCKETS } from '@ec2ops/functions/ec2/instance-batches';
import { instanceReaper } from '@ec2ops/functions/jobs/instance-reaper';
import { runJob } from '@ec2ops/functions/jobs/registry';
import { seedFleet } from '@ec2ops/sandbox/cli/seed-fleet';
import { startEc2Emulator } from '@ec2ops/sandbox/ec2/server';
import pino from 'pino';

const REGION = 'us-east-1';
const NOW = new Date('2026-11-23T15:00:00.000Z');
const per = (n: number) => Math.ceil(n / 1000);

export async function run() {
  const scale = Number(process.env.JOBS_SCALE ?? 10);
  const credentials = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'x' };
  // Seeding runs without throttling; the job then meets EC2's documented buckets.
  const seeding = await startEc2Emulator({ delays: { instancePending: 0 }, log: () => {} });
  await seedFleet({
    ec2: ec2ClientsByRegion({ endpoint: seeding.url, credentials })(REGION),
    scale,
    now: NOW,
  });
  const state = seeding.store.toJSON();
  await seeding.close();

  const emulator = await startEc2Emulator({ faults: 'seed=11,throttle=on', log: () => {} });
  emulator.store.load(state);
  const clients = ec2ClientsByRegion({ endpoint: emulator.url, credentials });
  const config = parseStageConfig({ stage: 'bench', regions: [REGION] });
  // The plan the run will make, read first for the minimum (the run's own calls are counted apart).
  const plan = await instanceReaper.plan({
    region: REGION,
    ec2: clients(REGION),
    config,
    now: NOW,
    dryRun: true,
    log: pino({ level: 'silent' }),
    notifier: undefined,
  });
  const items = plan.items as { action: string; data: ReaperItemData }[];
  const acts = items.filter((i) => i.action !== 'warn').length;
  const expiries = new Map<string, number>();
  for (const i of items)
    if (i.data.action === 'warn') expiries.set(i.data.expiresAt, (expiries.get(i.data.expiresAt) ?? 0) + 1);
  const live = items.length + plan.skipped.length;
  const minimum =
    Math.max(1, per(live)) +
    (acts > 0 ? 2 * per(acts) : 0) +
    [...expiries.values()].reduce((n, count) => n + per(count), 0);

  const report = await runJob('instance-reaper', { ec2: clients, config, now: NOW, dryRun: false });
  await emulator.close();
  const api = report.api!;
  const calls = Object.values(api.calls).reduce((a, b) => a + b, 0);
  const bucket = INSTANCE_STATE_BUCKETS[config.reaper.action];
  const fastestMs = (Math.max(0, acts - bucket.burst) / bucket.perSecond) * 1000;
  const callRatio = calls / minimum;
  const rateRatio = fastestMs > 0 ? fastestMs / api.wallMs : undefined;
  return {
    name: `instance-reaper apply at ${scale}× (${live} live managed instances, ${acts} expired), EC2 throttling on`,
    ok: callRatio <= 1.05 && (rateRatio === undefined || rateRatio >= 0.9) && report.counts.failed === 0,
    calls: api.calls,
    attempts: api.attempts,
    throttles: api.throttles,
    wallMs: api.wallMs,
    minimum,
    'calls/minimum': Number(callRatio.toFixed(3)),
    'rate/EC2 bucket': rateRatio === undefined ? 'within the burst' : Number(rateRatio.toFixed(3)),
    failed: report.counts.failed,
  };
}
