import { randomUUID } from 'node:crypto';
import { JOB_CATALOG } from '@ec2ops/core/job-catalog';
import {
  type FleetReport,
  mergeReportParts,
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
import { type FleetRunRecord, STORED_LINES } from '../coordination/fleet-run';
import type { JobCoordination } from '../coordination/job-lease';
import { awsErrorCode, awsErrorMessage } from '../ec2/errors';
import { systemClock } from '../root';
import { silentLog } from '../telemetry/log';
import { postReport, runJobPart } from './run';
import type { FleetMessage, ShardMessage, ShardQueue } from './shard-queue';
import type { JobImplementation, RunJobDeps } from './types';

/**
 * A job over every account and region of the stage (issue 15): one shard per (account,
 * region), each the job's ordinary one-region run with the target's own EC2 client (so its own
 * retry bucket and pacing: EC2 throttles per account and region) and its own lease. Shards
 * record their outcome in the run record; whoever finishes the last shard, or finds the run's
 * deadline passed, posts the one aggregated report.
 */

/** How long a shard's claim lasts: longer than a job function's timeout, so only a crashed shard's lapses. */
const CLAIM_MS = 3_600_000;

export interface FleetRunDeps extends Omit<RunJobDeps, 'ec2' | 'coordination' | 'regions'> {
  fleet: Fleet;
  record: FleetRunRecord;
  /** Job-run leases per account (jobs/root.ts); none without a coordination table. */
  coordination?: ((account: string) => JobCoordination) | undefined;
  /** Narrows the regions of every account (`--region`). */
  regions?: string[] | undefined;
  /** Shards run at once in this process (runFleetJob, a run without a queue). */
  shardConcurrency?: number | undefined;
  /** Epoch ms (real time) after which the run reports whatever finished and names the rest. */
  runDeadline?: number | undefined;
  /** The job's shard queue: a shard out of time hands its rest to a continuation on it (issue 20). */
  queue?: ShardQueue | undefined;
  /** Continuations a shard may take (stage `fanOut.continuations`); then the next run does the rest. */
  continuationCap?: number | undefined;
}

export type { ShardMessage } from './shard-queue';

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

/** What one delivery of a shard message did. */
export type ShardDelivery =
  /** Ran and recorded the shard's outcome; `last`: it was the run's last. */
  | { outcome: ShardOutcome; last: boolean; handedOff?: undefined }
  /** Ran out of time and handed the rest to continuation `handedOff`. */
  | { handedOff: number; outcome?: undefined; last?: undefined };

/**
 * Runs one shard (or one continuation of it) unless another delivery holds or finished it.
 * Undefined when this delivery did nothing (a duplicate). A shard whose items outlast its
 * invocation's deadline, with a queue and continuations left, records what it did and sends the
 * rest (a cursor of item ids) as the next continuation instead of finishing.
 */
export async function runShard(
  job: JobImplementation,
  message: Pick<ShardMessage, 'runId'> & Partial<ShardMessage> & ShardKey,
  targets: readonly Target[],
  deps: FleetRunDeps,
): Promise<ShardDelivery | undefined> {
  const clock = deps.clock ?? systemClock;
  const owner = randomUUID();
  const continuation = message.continuation ?? 0;
  const claimed = await deps.record.claim(
    message.runId,
    message,
    owner,
    new Date(clock.now().getTime() + CLAIM_MS),
    clock.now(),
    continuation,
  );
  if (!claimed) return undefined;
  const key: ShardKey = { account: message.account, alias: message.alias, region: message.region };
  const cap = deps.continuationCap ?? 0;
  const canHandOff = deps.queue !== undefined && continuation < cap && isWholeMessage(message);
  const { outcome, remaining } = await shardOutcome(job, key, targets, {
    ...deps,
    only: message.cursor,
    handOff: canHandOff,
  });
  const done =
    outcome.status === 'done' && claimed.part
      ? { ...outcome, report: mergeReportParts([claimed.part, outcome.report]) }
      : outcome;
  if (canHandOff && done.status === 'done' && remaining.length > 0) {
    const next = continuation + 1;
    if (!(await deps.record.handOff(message.runId, key, owner, done.report, next, clock.now())))
      return undefined;
    await deps.queue!.send([{ ...(message as ShardMessage), continuation: next, cursor: remaining }]);
    (deps.log ?? silentLog()).info(
      { shard: targetLabelOf(key), continuation: next, remaining: remaining.length },
      'shard out of time: the rest continues',
    );
    return { handedOff: next };
  }
  const final: ShardOutcome =
    done.status === 'done' && continuation > 0
      ? {
          ...done,
          continuations: continuation,
          ...(remaining.length > 0 && continuation >= cap ? { leftAtCap: remaining.length } : {}),
        }
      : done;
  const counted = await deps.record.finish(message.runId, final, owner, clock.now());
  return { outcome: final, last: counted !== undefined && counted.finished >= counted.expected };
}

const isWholeMessage = (m: Partial<ShardMessage>): m is ShardMessage =>
  m.kind === 'shard' && m.job !== undefined && m.expected !== undefined && m.deadline !== undefined;

const targetLabelOf = (key: ShardKey) => `${key.alias}/${key.region}`;

async function shardOutcome(
  job: JobImplementation,
  shard: ShardKey,
  targets: readonly Target[],
  deps: FleetRunDeps & Pick<RunJobDeps, 'only' | 'handOff'>,
): Promise<{ outcome: ShardOutcome; remaining: string[] }> {
  const target = targets.find((t) => targetKey(t) === shard.account);
  if (!target) {
    return {
      outcome: {
        ...shard,
        status: 'failed',
        code: 'fleet.unknown-account',
        message: `${shard.alias} is no longer a target of this stage`,
      },
      remaining: [],
    };
  }
  const log = (deps.log ?? silentLog()).child({ account: shard.alias, region: shard.region });
  try {
    // Assume first: a refused role fails this shard by name, not as a plan error of every region.
    if (target.roleArn) await deps.fleet.credentials(target)();
    const ec2 = deps.fleet.clientsFor({ target, region: shard.region });
    const { report, remaining } = await runJobPart(job, {
      ...deps,
      log,
      ec2: () => ec2,
      regions: [shard.region],
      coordination: deps.coordination?.(shard.account),
      postReport: false,
    });
    const stored = { ...report, lines: report.lines.slice(0, STORED_LINES) };
    return { outcome: { ...shard, status: 'done', report: stored }, remaining };
  } catch (error) {
    log.error({ err: error }, 'shard failed');
    if (error instanceof AssumeRoleError)
      return {
        outcome: { ...shard, status: 'failed', code: error.code, message: error.message },
        remaining: [],
      };
    return {
      outcome: {
        ...shard,
        status: 'failed',
        code: awsErrorCode(error),
        message: `cannot run in ${targetLabel(target)} ${shard.region}: ${awsErrorMessage(error)}; the next run retries`,
      },
      remaining: [],
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
  await deps.record.saveReport(run.runId, report);
  return report;
}

/** The run's facts every message carries (see shard-queue.ts). */
function runFacts(
  job: JobImplementation,
  deps: FleetRunDeps,
  run: { runId: string; shards: ShardKey[]; startedAt: Date; deadline: Date },
) {
  return {
    job: job.name,
    runId: run.runId,
    now: deps.now.toISOString(),
    dryRun: deps.dryRun,
    ...(deps.postDryRun ? { postDryRun: true } : {}),
    expected: run.shards,
    startedAt: run.startedAt.toISOString(),
    deadline: run.deadline.toISOString(),
  };
}

/**
 * A scheduled fan-out run on the queue (issues 15 and 20): plan the shards, open the run record,
 * send one message per shard to the job's shard queue (the event source mapping runs them at the
 * stage's `fanOut.shardConcurrency`), and one delayed `deadline` message, which reports the run if
 * its last shard never does (naming the shards that did not finish). Returns at once.
 */
export async function startFleetRun(
  job: JobImplementation,
  deps: FleetRunDeps & { queue: ShardQueue; runDeadlineMs: number; runId?: string },
): Promise<{ runId: string; shards: ShardKey[]; report?: FleetReport | undefined }> {
  const clock = deps.clock ?? systemClock;
  const startedAt = clock.now();
  const runId = deps.runId ?? `${job.name}-${randomUUID().slice(0, 8)}`;
  const { shards } = await planFleetRun(deps.fleet, deps.regions);
  await deps.record.open(runId, shards.length, startedAt);
  if (shards.length === 0) {
    return { runId, shards, report: await reportFleetRun(job, { runId, shards, startedAt }, deps) };
  }
  const deadline = new Date(startedAt.getTime() + deps.runDeadlineMs);
  const facts = runFacts(job, deps, { runId, shards, startedAt, deadline });
  await deps.queue.send(shards.map((shard): ShardMessage => ({ kind: 'shard', ...facts, ...shard })));
  await deps.queue.send([{ kind: 'deadline', ...facts }], Math.ceil(deps.runDeadlineMs / 1000));
  return { runId, shards };
}

/**
 * One message of a fan-out run, as the job function's shard consumer receives it. A shard runs
 * (once, however often it is delivered) and its last finisher reports; a deadline message that
 * arrives early waits again (SQS delays at most 15 minutes), one that arrives late reports the run
 * unless it was reported. Returns the report when this delivery posted it.
 */
export async function handleFleetMessage(
  job: JobImplementation,
  message: FleetMessage,
  deps: Omit<FleetRunDeps, 'now' | 'dryRun'>,
): Promise<FleetReport | ShardDelivery | undefined> {
  const clock = deps.clock ?? systemClock;
  const runDeps: FleetRunDeps = {
    ...deps,
    now: new Date(message.now),
    dryRun: message.dryRun,
    postDryRun: message.postDryRun === true,
  };
  const run = { runId: message.runId, shards: message.expected, startedAt: new Date(message.startedAt) };
  if (message.kind === 'deadline') {
    const left = Date.parse(message.deadline) - clock.now().getTime();
    if (left <= 0) return reportFleetRun(job, run, runDeps);
    if (!deps.queue || (await deps.record.report(message.runId))) return undefined;
    await deps.queue.send([message], Math.ceil(left / 1000));
    return undefined;
  }
  const { targets } = await planFleetRun(deps.fleet);
  const done = await runShard(job, message, targets, runDeps);
  if (done?.last) return reportFleetRun(job, run, runDeps);
  return done;
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
