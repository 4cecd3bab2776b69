/**
 * The scheduled jobs on fleets seeded through the EC2 API (`ec2ops sandbox seed`'s seeding) at 1×
 * and JOBS_SCALE (default 10×: 5,000 instances, 3,000 Elastic IPs, 1,000 groups), each run as a
 * dry run and as an apply against an emulator that enforces EC2's documented token buckets.
 * Prints, measured in this run, for each job and scale:
 * - calls over the minimum EC2 allows (applies ≤ 1.05): the fewest describes, batches of 1,000
 *   (Stop/Terminate, CreateTags/DeleteTags), one ReleaseAddress an address, one
 *   RevokeSecurityGroupIngress a group;
 * - rate over EC2's bucket (≥ 0.9) where the bucket, not the calls, bounds the run: past a
 *   bucket's burst, the acting cannot take less than (tokens − burst) / refill seconds (the
 *   acting's time: the apply's wall time less the dry run's, which is the plan it starts with);
 * - wall time against the function's budget (Lambda timeout less the report reserve): how many
 *   invocations the apply needs (≤ 2: one, or one continuation), and the ratio of 10× to 1× time
 *   (dry runs should grow far slower than the fleet). `ok` covers the big scale; at 1× the
 *   acting is so short that the plan's time dominates the rate ratio.
 * ami-bake is benched apart (ami-bake.bench.ts).
 */
import { parseStageConfig, type StageConfig } from '@ec2ops/core';
import type { JobName, JobReport, ReaperItemData, RegionPlan, SweepItemData } from '@ec2ops/core/jobs';
import { ec2ClientsByRegion } from '@ec2ops/functions/ec2/client';
import { INSTANCE_STATE_BUCKETS } from '@ec2ops/functions/ec2/instance-batches';
import { REPORT_RESERVE_MS } from '@ec2ops/functions/jobs/handler';
import { jobImplementation, runJob } from '@ec2ops/functions/jobs/registry';
import { seedFleet } from '@ec2ops/sandbox/cli/seed-fleet';
import { startEc2Emulator } from '@ec2ops/sandbox/ec2/server';
import { CATEGORY_BUCKETS } from '@ec2ops/sandbox/ec2/throttling';
import pino from 'pino';
import { SIZES } from '../infra/functions';

const REGION = 'us-east-1';
const NOW = new Date('2026-11-23T15:00:00.000Z');
const CREDENTIALS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'x' };
const per = (n: number, size = 1000) => Math.ceil(n / size);
const sum = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);
const round = (n: number) => Number(n.toFixed(3));

/** The account's state after seeding at `scale`, seeded without throttling. */
async function seeded(scale: number): Promise<unknown> {
  const seeding = await startEc2Emulator({ delays: { instancePending: 0 }, log: () => {} });
  await seedFleet({
    ec2: ec2ClientsByRegion({ endpoint: seeding.url, credentials: CREDENTIALS })(REGION),
    scale,
    now: NOW,
  });
  const state = seeding.store.toJSON();
  await seeding.close();
  return state;
}

/** One run of a job on a copy of `state`, EC2's throttling on. */
async function runOn(state: unknown, job: JobName, config: StageConfig, dryRun: boolean): Promise<JobReport> {
  const emulator = await startEc2Emulator({ faults: 'seed=11,throttle=on', log: () => {} });
  // A copy: the store keeps the records it loads and a run changes them in place.
  emulator.store.load(structuredClone(state) as never);
  try {
    return await runJob(job, {
      ec2: ec2ClientsByRegion({ endpoint: emulator.url, credentials: CREDENTIALS }),
      config,
      now: NOW,
      dryRun,
    });
  } finally {
    await emulator.close();
  }
}

interface Bound {
  /** The fewest calls the plan can be applied with. */
  minimum: number;
  /** The shortest time EC2's bucket allows for the apply, in ms (0: within the burst). */
  fastestMs: number;
}

/** The plan a run of `job` makes on `state` (read apart, so the run's own calls are counted alone). */
async function planOn(state: unknown, job: JobName, config: StageConfig): Promise<RegionPlan> {
  const emulator = await startEc2Emulator({ log: () => {} });
  // A copy: the store keeps the records it loads and a run changes them in place.
  emulator.store.load(structuredClone(state) as never);
  try {
    return await jobImplementation(job).plan({
      region: REGION,
      ec2: ec2ClientsByRegion({ endpoint: emulator.url, credentials: CREDENTIALS })(REGION),
      config,
      now: NOW,
      dryRun: true,
      log: pino({ level: 'silent' }),
      notifier: undefined,
    });
  } finally {
    await emulator.close();
  }
}

/** What EC2 allows at best for a plan. */
function bound(job: JobName, plan: RegionPlan, config: StageConfig): Bound {
  const items = plan.items;
  const acting = (action: string) => items.filter((i) => i.action === action);
  const describes = Math.max(1, per(items.length + plan.skipped.length));
  switch (job) {
    case 'instance-reaper': {
      const acts = items.filter((i) => i.action !== 'warn').length;
      const warned = acting('warn').map((i) => i.data as ReaperItemData as { expiresAt?: string });
      const expiries = new Map<string | undefined, number>();
      for (const w of warned) expiries.set(w.expiresAt, (expiries.get(w.expiresAt) ?? 0) + 1);
      const bucket = INSTANCE_STATE_BUCKETS[config.reaper.action];
      return {
        minimum:
          describes + (acts > 0 ? 2 * per(acts) : 0) + [...expiries.values()].reduce((n, c) => n + per(c), 0),
        fastestMs: (Math.max(0, acts - bucket.burst) / bucket.perSecond) * 1000,
      };
    }
    case 'eip-cleanup': {
      const releases = acting('release').length;
      // Marks share the run's instant: one CreateTags/DeleteTags a kind per 1,000; one re-read
      // per 200 releases (a filter's most values).
      const tagging = ['mark', 'unmark', 'warn'].reduce((n, a) => n + per(acting(a).length), 0);
      const bucket = CATEGORY_BUCKETS.mutating;
      return {
        minimum: 1 + tagging + releases + per(releases, 200),
        fastestMs: (Math.max(0, releases - bucket.capacity) / bucket.refill) * 1000,
      };
    }
    case 'port-sweep': {
      const revokes = acting('revoke');
      const groups = new Set(revokes.map((i) => (i.data as SweepItemData).groupId)).size;
      const bucket = CATEGORY_BUCKETS['resource-intensive'];
      return {
        minimum: describes + per(revokes.length, 200) + groups + acting('warn').length,
        fastestMs: (Math.max(0, groups - bucket.capacity) / bucket.refill) * 1000,
      };
    }
    default:
      throw new Error(`no bound for ${job}`);
  }
}

const JOBS: { job: JobName; fn: keyof typeof SIZES }[] = [
  { job: 'instance-reaper', fn: 'instance-reaper' },
  { job: 'eip-cleanup', fn: 'eip-cleanup' },
  { job: 'port-sweep', fn: 'port-sweep' },
];

export async function run() {
  const big = Number(process.env.JOBS_SCALE ?? 10);
  const config = parseStageConfig({ stage: 'bench', regions: [REGION] });
  const states = new Map<number, unknown>();
  for (const scale of [1, big]) states.set(scale, await seeded(scale));
  const rows: Record<string, unknown>[] = [];
  let ok = true;
  for (const { job, fn } of JOBS) {
    const budgetMs = SIZES[fn].timeoutSeconds * 1000 - REPORT_RESERVE_MS;
    const wall: Record<string, number> = {};
    for (const scale of [1, big]) {
      const state = states.get(scale);
      const limit = bound(job, await planOn(state, job, config), config);
      const dry = await runOn(state, job, config, true);
      const applied = await runOn(state, job, config, false);
      const calls = sum(applied.api!.calls);
      const callRatio = calls / limit.minimum;
      // The apply's own time: its run less the plan it starts with (the dry run's time).
      const applyMs = Math.max(1, applied.api!.wallMs - dry.api!.wallMs);
      const rateRatio = limit.fastestMs > 0 ? limit.fastestMs / applyMs : undefined;
      // Invocations the apply needs when each stops at its deadline and the next run (the next
      // schedule, or a continuation) goes on: one, or one more at most.
      const invocations = Math.ceil(applied.api!.wallMs / budgetMs);
      wall[`dry ${scale}×`] = dry.api!.wallMs;
      wall[`apply ${scale}×`] = applied.api!.wallMs;
      const good =
        callRatio <= 1.05 &&
        (rateRatio === undefined || rateRatio >= 0.9) &&
        applied.counts.failed === 0 &&
        applied.api!.throttles === 0 &&
        invocations <= 2;
      if (scale === big) ok &&= good;
      rows.push({
        job,
        scale: `${scale}×`,
        'dry run': { calls: sum(dry.api!.calls), ms: dry.api!.wallMs, planned: dry.counts.planned },
        apply: {
          calls: applied.api!.calls,
          attempts: applied.api!.attempts,
          throttles: applied.api!.throttles,
          ms: applied.api!.wallMs,
          done: applied.counts.done,
          skipped: applied.counts.skipped,
          failed: applied.counts.failed,
        },
        minimum: limit.minimum,
        'calls/minimum': round(callRatio),
        'rate/EC2 bucket': rateRatio === undefined ? 'within the burst' : round(rateRatio),
        'budget (timeout − reserve) ms': budgetMs,
        invocations,
        ok: good,
      });
    }
    rows.push({
      job,
      [`dry run time ${big}×/1×`]: round(wall[`dry ${big}×`]! / wall['dry 1×']!),
      [`apply time ${big}×/1×`]: round(wall[`apply ${big}×`]! / wall['apply 1×']!),
    });
  }
  return { name: `jobs at 1× and ${big}× (seeded through the EC2 API), EC2 throttling on`, ok, rows };
}
