import { randomUUID } from 'node:crypto';
import { JOB_CATALOG } from '@ec2ops/core/job-catalog';
import {
  type FleetReport,
  type JobReport,
  mergeShardReports,
  planShards,
  type ShardKey,
  type ShardOutcome,
  summaryLine,
} from '@ec2ops/core/jobs';
import pLimit from 'p-limit';
import type { Fleet } from '../accounts/clients';
import { AssumeRoleError } from '../accounts/credentials';
import { type Target, targetKey, targetLabel } from '../accounts/targets';
import type { FleetRunRecord } from '../coordination/fleet-run';
import type { JobCoordination } from '../coordination/job-lease';
import { awsErrorCode, awsErrorMessage } from '../ec2/errors';
import { systemClock } from '../root';
import { silentLog } from '../telemetry/log';
import { postReport, runJobWith } from './run';
import type { JobImplementation, RunJobDeps } from './types';

/**
 * A job over every account and region of the stage (issue 15): one shard per (account,
 * region), each the job's ordinary one-region run with the target's own EC2 client (so its own
 * retry bucket and pacing: EC2 throttles per account and region) and its own lease. Shards
 * record their outcome in the run record; whoever finishes the last shard, or finds the run's
 * deadline passed, posts the one aggregated report.
 */

/** Lines of one shard kept in its stored outcome (DynamoDB items hold 400 KB); counts stay whole. */
const STORED_LINES = 500;

/** How long a shard's claim lasts: longer than a job function's timeout, so only a crashed shard's lapses. */
const CLAIM_MS = 3_600_000;

export interface FleetRunDeps extends Omit<RunJobDeps, 'ec2' | 'coordination' | 'regions'> {
  fleet: Fleet;
  record: FleetRunRecord;
  /** Job-run leases per account (jobs/root.ts); none without a coordination table. */
  coordination?: ((account: string) => JobCoordination) | undefined;
  /** Narrows the regions of every account (`--region`). */
  regions?: string[] | undefined;
  /** Shards run at once in this process. */
  shardConcurrency?: number | undefined;
  /** Epoch ms (real time) after which the run reports whatever finished and names the rest. */
  runDeadline?: number | undefined;
}

/** What one shard message says: enough for any job function to run it, and to run it once. */
export interface ShardMessage extends ShardKey {
  kind: 'shard';
  job: JobReport['job'];
  runId: string;
  now: string;
  dryRun: boolean;
  expected: ShardKey[];
}

/** The shards of a run: every (account, region) the stage's targets use. */
export async function planFleetRun(
  fleet: Fleet,
  regions?: string[],
): Promise<{ targets: Target[]; shards: ShardKey[] }> {
  const targets = await fleet.targets.all();
  const shards = planShards(
    targets.map((t) => ({ account: targetKey(t), alias: t.alias, regions: t.regions })),
    regions,
  );
  return { targets, shards };
}

/**
 * Runs one shard unless another delivery holds or finished it. Undefined when this delivery did
 * nothing (a duplicate); otherwise the outcome it recorded and whether it was the run's last.
 */
export async function runShard(
  job: JobImplementation,
  message: Pick<ShardMessage, 'runId'> & ShardKey,
  targets: readonly Target[],
  deps: FleetRunDeps,
): Promise<{ outcome: ShardOutcome; last: boolean } | undefined> {
  const clock = deps.clock ?? systemClock;
  const owner = randomUUID();
  const claimed = await deps.record.claim(
    message.runId,
    message,
    owner,
    new Date(clock.now().getTime() + CLAIM_MS),
    clock.now(),
  );
  if (!claimed) return undefined;
  const key: ShardKey = { account: message.account, alias: message.alias, region: message.region };
  const outcome = await shardOutcome(job, key, targets, deps);
  const counted = await deps.record.finish(message.runId, outcome, owner, clock.now());
  return { outcome, last: counted !== undefined && counted.finished >= counted.expected };
}

async function shardOutcome(
  job: JobImplementation,
  shard: ShardKey,
  targets: readonly Target[],
  deps: FleetRunDeps,
): Promise<ShardOutcome> {
  const target = targets.find((t) => targetKey(t) === shard.account);
  if (!target) {
    return {
      ...shard,
      status: 'failed',
      code: 'fleet.unknown-account',
      message: `${shard.alias} is no longer a target of this stage`,
    };
  }
  const log = (deps.log ?? silentLog()).child({ account: shard.alias, region: shard.region });
  try {
    // Assume first: a refused role fails this shard by name, not as a plan error of every region.
    if (target.roleArn) await deps.fleet.credentials(target)();
    const ec2 = deps.fleet.clientsFor({ target, region: shard.region });
    const report = await runJobWith(job, {
      ...deps,
      log,
      ec2: () => ec2,
      regions: [shard.region],
      coordination: deps.coordination?.(shard.account),
      postReport: false,
    });
    const stored = { ...report, lines: report.lines.slice(0, STORED_LINES) };
    return { ...shard, status: 'done', report: stored };
  } catch (error) {
    log.error({ err: error }, 'shard failed');
    if (error instanceof AssumeRoleError)
      return { ...shard, status: 'failed', code: error.code, message: error.message };
    return {
      ...shard,
      status: 'failed',
      code: awsErrorCode(error),
      message: `cannot run in ${targetLabel(target)} ${shard.region}: ${awsErrorMessage(error)}; the next run retries`,
    };
  }
}

/**
 * Posts the run's one report if nobody has: after the last shard, or at the deadline (shards
 * without an outcome are named missing). Undefined when another caller already reported.
 */
export async function reportFleetRun(
  job: JobImplementation,
  run: { runId: string; shards: readonly ShardKey[]; startedAt: Date; wallMs?: number },
  deps: FleetRunDeps,
): Promise<FleetReport | undefined> {
  if (!(await deps.record.claimReport(run.runId))) return undefined;
  const outcomes = await deps.record.outcomes(run.runId, run.shards);
  const clock = deps.clock ?? systemClock;
  const report = mergeShardReports({
    job: job.name,
    stage: deps.config.stage,
    dryRun: deps.dryRun,
    now: deps.now.toISOString(),
    startedAt: run.startedAt.toISOString(),
    finishedAt: clock.now().toISOString(),
    verbs: JOB_CATALOG[job.name].verbs,
    outcomes,
    wallMs: run.wallMs,
  });
  const log = (deps.log ?? silentLog()).child({ job: job.name, run: run.runId });
  log.info({ shards: report.shards }, `fleet job report: ${summaryLine(report)}`);
  await postReport(report, deps, log);
  return report;
}

/**
 * A whole fan-out run in this process (`ec2ops job run`, the sandbox, a scheduled job function):
 * plan the shards, run them `shardConcurrency` at a time until the deadline, report once.
 */
export async function runFleetJob(
  job: JobImplementation,
  deps: FleetRunDeps & { runId?: string },
): Promise<FleetReport> {
  const clock = deps.clock ?? systemClock;
  const startedAt = clock.now();
  const wallStart = performance.now();
  const runId = deps.runId ?? `${job.name}-${randomUUID().slice(0, 8)}`;
  const { targets, shards } = await planFleetRun(deps.fleet, deps.regions);
  await deps.record.open(runId, shards.length, clock.now());
  const atOnce = pLimit(deps.shardConcurrency ?? 8);
  let reported: FleetReport | undefined;
  const running = Promise.all(
    shards.map((shard) =>
      atOnce(async () => {
        // Past the deadline, no new shard starts: it is named missing and the next run covers it.
        if (deps.runDeadline !== undefined && Date.now() > deps.runDeadline) return;
        const done = await runShard(job, { runId, ...shard }, targets, deps);
        if (done?.last) {
          reported = await reportFleetRun(
            job,
            { runId, shards, startedAt, wallMs: Math.round(performance.now() - wallStart) },
            deps,
          );
        }
      }),
    ),
  );
  await running;
  // Every shard has ended or was not started: report now if the last shard did not.
  reported ??= await reportFleetRun(
    job,
    { runId, shards, startedAt, wallMs: Math.round(performance.now() - wallStart) },
    deps,
  );
  if (!reported) throw new Error(`run ${runId} was reported by another caller`);
  return reported;
}
