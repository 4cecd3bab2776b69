import { InputError } from '@ec2ops/core';
import { REGION } from '@ec2ops/core/aws-ids';
import { JOB_CATALOG } from '@ec2ops/core/job-catalog';
import type { ApiUsage, ItemResult, JobReport, RegionFailure, RegionPlan } from '@ec2ops/core/jobs';
import { buildReport, renderReportBlocks, reportIsNoteworthy, summaryLine } from '@ec2ops/core/jobs';
import pLimit from 'p-limit';
import { underLease } from '../coordination/job-lease';
import { newCallCounter, watchCalls } from '../ec2/call-counter';
import { awsErrorCode, awsErrorMessage } from '../ec2/errors';
import { systemClock } from '../root';
import { type Logger, silentLog } from '../telemetry/log';
import { OUT_OF_TIME, resultOf } from './apply-helpers';
import type { JobImplementation, RegionContext, RunJobDeps } from './types';

/** The shape of an AWS region name (eu-west-1, us-gov-west-1), as the stage config checks it. */
export function isRegionName(text: string): boolean {
  return REGION.test(text);
}

/** Lines kept in the log event; the full list is in the returned report. */
const LOGGED_LINES = 500;

/**
 * Runs a job (see ./registry.ts for running one by name): plan every region (bounded concurrency), apply unless dry-run (each item on its
 * own: one failure never stops the rest), then report to the logs and the stage's Slack report
 * channel. A region that cannot be planned is reported and the other regions go on.
 */
export async function runJobWith(job: JobImplementation, deps: RunJobDeps): Promise<JobReport> {
  return (await runJobPart(job, deps)).report;
}

/** What a part of a run hands on: the ids of the items its deadline left undone (issue 20). */
export interface JobPart {
  report: JobReport;
  remaining: string[];
}

/**
 * A run, or one part of a run that continues (issue 20): with `only`, just those items of the
 * fresh plan (the rest of an earlier part; the plan is re-read, so what changed since is seen);
 * with `handOff`, the items the deadline left undone are left out of this part's report (the
 * continuation reports them) and returned as `remaining`.
 */
export async function runJobPart(job: JobImplementation, deps: RunJobDeps): Promise<JobPart> {
  const name = job.name;
  const log = (deps.log ?? silentLog()).child({ job: name, stage: deps.config.stage });
  const regions = deps.regions?.length ? deps.regions : deps.config.regions;
  const badRegion = regions.find((r) => !isRegionName(r));
  if (badRegion) throw new InputError('job.region', `"${badRegion}" is not an AWS region such as eu-west-1`);
  const regionsAtOnce = pLimit(deps.concurrency ?? 3);
  const clock = deps.clock ?? systemClock;
  const startedAt = clock.now();
  // Wall time is real time even when the run's clock is the sandbox's.
  const wallStart = performance.now();
  const counter = newCallCounter();
  const watches = new Map<string, ReturnType<typeof watchCalls>>();
  // Every client the run reaches is counted, the stage's regions and any other a job calls (DR copies).
  const ec2 = (region: string) => {
    const client = deps.ec2(region);
    if (!watches.has(region)) watches.set(region, watchCalls(client, counter));
    return client;
  };
  for (const region of regions) ec2(region);
  try {
    const part = await runCounted(
      job,
      { ...deps, ec2 },
      { log, regions, regionsAtOnce, clock, startedAt },
      () => ({
        calls: { ...counter.calls },
        attempts: counter.attempts,
        throttles: counter.throttles,
        wallMs: Math.round(performance.now() - wallStart),
      }),
    );
    await postReport(part.report, deps, log);
    return part;
  } finally {
    for (const watch of watches.values()) watch.detach();
  }
}

interface RunSetup {
  log: Logger;
  regions: string[];
  regionsAtOnce: ReturnType<typeof pLimit>;
  clock: NonNullable<RunJobDeps['clock']>;
  startedAt: Date;
}

async function runCounted(
  job: JobImplementation,
  deps: RunJobDeps,
  { log, regions, regionsAtOnce, clock, startedAt }: RunSetup,
  usage: () => ApiUsage,
): Promise<JobPart> {
  const name = job.name;
  const contexts: RegionContext[] = regions.map((region) => ({
    region,
    ec2: deps.ec2(region),
    ec2For: deps.ec2,
    rbin: deps.rbin,
    autoScaling: deps.autoScaling,
    fleet: deps.fleet,
    organization: deps.organization,
    config: deps.config,
    now: deps.now,
    dryRun: deps.dryRun,
    log: log.child({ region }),
    notifier: deps.notifier,
    deadline: deps.deadline,
    pacing: deps.pacing,
  }));

  const regionFailures: RegionFailure[] = [];
  const planned = await regionsAtOnce.map(contexts, async (ctx) => {
    try {
      return await job.plan(ctx);
    } catch (error) {
      ctx.log.error({ err: error }, 'plan failed');
      regionFailures.push({
        region: ctx.region,
        code: awsErrorCode(error),
        message: `cannot plan: ${awsErrorMessage(error)}, do check the logs and the job role; the next run retries`,
      });
      return undefined;
    }
  });
  const only = deps.only ? new Set(deps.only) : undefined;
  // A continuation acts on the rest of the earlier part only; its skips were reported there.
  const plans = planned
    .filter((p): p is RegionPlan => p !== undefined)
    .map((p) =>
      only ? { ...p, items: p.items.filter((i) => only.has(i.id)), skipped: [], sections: [] } : p,
    );

  const results: ItemResult[] = [];
  const total = plans.reduce((n, p) => n + p.items.length, 0);
  let done = 0;
  const tell = (finished: number) => {
    done = Math.min(total, done + finished);
    deps.onProgress?.({ done, total });
  };
  if (!deps.dryRun) {
    await regionsAtOnce.map(plans, async (plan) => {
      const ctx = contexts.find((c) => c.region === plan.region)!;
      // Jobs that tell progress as they go are counted as they go; the rest when the region ends.
      let told = 0;
      ctx.progress = (finished) => {
        told += finished;
        tell(finished);
      };
      try {
        results.push(
          ...(await underLease(
            deps.coordination,
            { job: name, region: plan.region, items: plan.items },
            () => job.apply(ctx, plan),
            (item, reason) => resultOf(item, { status: 'skipped', reason }),
          )),
        );
      } catch (error) {
        // A job's apply should never throw; if it does, every item it did not report fails.
        ctx.log.error({ err: error }, 'apply failed');
        for (const item of plan.items) {
          results.push(
            resultOf(item, {
              status: 'failed',
              code: awsErrorCode(error),
              message: `cannot ${item.action}: ${awsErrorMessage(error)}, do check the logs; the next run retries`,
            }),
          );
        }
      }
      // Every item of the region is finished now, whether or not the job told.
      tell(Math.max(0, plan.items.length - told));
    });
  }

  const remaining = outOfTime(results, deps.deadline);
  // Handed off: the items the deadline left undone belong to the continuation's report, not this part's.
  const handed = deps.handOff && remaining.length > 0 ? new Set(remaining) : undefined;
  const ours = <T extends { id: string }>(xs: T[]) => (handed ? xs.filter((x) => !handed.has(x.id)) : xs);
  return {
    report: report(
      job,
      deps,
      { log, regions, clock, startedAt },
      plans.map((p) => ({ ...p, items: ours(p.items) })),
      ours(results),
      regionFailures,
      usage,
    ),
    remaining,
  };
}

/** Items apply left undone because the deadline came: skipped with the out-of-time reason, once it passed. */
function outOfTime(results: readonly ItemResult[], deadline: number | undefined): string[] {
  if (deadline === undefined || Date.now() < deadline) return [];
  return results
    .filter((r) => r.outcome.status === 'skipped' && r.outcome.reason.startsWith(OUT_OF_TIME))
    .map((r) => r.id);
}

function report(
  job: JobImplementation,
  deps: RunJobDeps,
  { log, regions, clock, startedAt }: Omit<RunSetup, 'regionsAtOnce'>,
  plans: RegionPlan[],
  results: ItemResult[],
  regionFailures: RegionFailure[],
  usage: () => ApiUsage,
): JobReport {
  const name = job.name;
  const extras =
    job.summarize?.({ config: deps.config, now: deps.now, dryRun: deps.dryRun, plans, results }) ?? {};
  const report = buildReport({
    job: name,
    stage: deps.config.stage,
    dryRun: deps.dryRun,
    now: deps.now.toISOString(),
    startedAt: startedAt.toISOString(),
    finishedAt: clock.now().toISOString(),
    regions,
    verbs: JOB_CATALOG[name].verbs,
    plans,
    results,
    regionFailures,
    money: extras.money,
    sections: extras.sections,
    api: usage(),
  });

  const { lines, ...rest } = report;
  log.info(
    {
      report: {
        ...rest,
        lines: lines.slice(0, LOGGED_LINES),
        linesOmitted: Math.max(0, lines.length - LOGGED_LINES),
      },
    },
    `job report: ${summaryLine(report)}`,
  );
  return report;
}

/** Posts a report to the stage's report channel when it is worth reading (shared with fleet runs). */
export async function postReport(
  report: JobReport,
  deps: Pick<RunJobDeps, 'config' | 'notifier' | 'postDryRun' | 'postReport'>,
  log: Logger,
): Promise<void> {
  if (deps.postReport === false) return;
  const channel = deps.config.slack.reportChannel;
  if (!channel || !deps.notifier || !reportIsNoteworthy(report)) return;
  if (report.dryRun && !deps.postDryRun) return;
  try {
    await deps.notifier.post(channel, renderReportBlocks(report));
  } catch (error) {
    // The report is in the logs either way; a Slack outage must not fail the job.
    log.warn({ err: error, channel }, 'could not post the report to Slack');
  }
}
