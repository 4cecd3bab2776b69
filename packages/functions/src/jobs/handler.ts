import { InputError } from '@ec2ops/core';
import { effectiveDryRun, resolveJobSettings } from '@ec2ops/core/config';
import type { JobName, JobReport } from '@ec2ops/core/jobs';
import { reportHasFailures, summaryLine } from '@ec2ops/core/jobs';
import { jobRunMetrics } from '@ec2ops/core/telemetry';
import { parseInstant } from '@ec2ops/core/time';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { memoryRunRecord } from '../coordination/fleet-run';
import { accountOf } from '../coordination/job-lease';
import { lambdaContextLogging } from '../telemetry/middleware';
import { runFleetJob } from './fleet';
import { type JobRoot, lambdaJobRoot } from './root';
import { runJobWith } from './run';
import type { JobImplementation } from './types';

/**
 * What the schedule sends. EventBridge Scheduler passes the target's configured input as is
 * (infra sends `{}`); a person invoking the function by hand may ask for a dry run, another
 * instant or fewer regions. Anything else in the event is ignored.
 */
export interface JobEvent {
  dryRun?: boolean;
  now?: string;
  regions?: string[];
}

export interface JobHandlerResult {
  job: JobName;
  dryRun: boolean;
  summary: string;
  failed: number;
  ok: boolean;
  /** The whole plan and report: a person invoking by hand (and the sandbox console) reads it. */
  report: JobReport;
}

function readEvent(event: unknown): JobEvent {
  if (event === null || typeof event !== 'object') return {};
  const e = event as Record<string, unknown>;
  const out: JobEvent = {};
  if (e.dryRun !== undefined) {
    if (typeof e.dryRun !== 'boolean')
      throw new InputError('job.event', 'event.dryRun must be true or false');
    out.dryRun = e.dryRun;
  }
  if (e.now !== undefined) {
    if (typeof e.now !== 'string' || parseInstant(e.now) === undefined) {
      throw new InputError('job.event', 'event.now must be an ISO-8601 instant such as 2026-11-23T15:00:00Z');
    }
    out.now = e.now;
  }
  if (e.regions !== undefined) {
    if (!Array.isArray(e.regions) || !e.regions.every((r) => typeof r === 'string')) {
      throw new InputError('job.event', 'event.regions must be a list of region names');
    }
    out.regions = e.regions as string[];
  }
  return out;
}

/** Time kept back to report and post to Slack before Lambda stops the function. */
export const REPORT_RESERVE_MS = 15_000;

export function deadlineOf(context: Context | undefined): number | undefined {
  const left = context?.getRemainingTimeInMillis?.();
  return typeof left === 'number' && left > 0
    ? Date.now() + Math.max(0, left - REPORT_RESERVE_MS)
    : undefined;
}

/**
 * A Lambda handler for one job, given the job itself (not its name) so that the function's
 * bundle holds only that job's code. The root is built once per cold start (lazily, so importing
 * the module in tests costs nothing). Item failures are reported, not thrown: a throw would make
 * the Scheduler retry a run whose other items already succeeded.
 */
export function createJobHandler(
  job: JobImplementation,
  buildRoot: () => JobRoot = () => lambdaJobRoot(job.name),
) {
  const name = job.name;
  let root: JobRoot | undefined;
  return middy<unknown, JobHandlerResult>()
    .use(rootLogging(() => (root ??= buildRoot())))
    .handler(async (event, context) => {
      root ??= buildRoot();
      const { common: settings, dryRun } = runSettings(root, job, event);
      const deadline = deadlineOf(context);
      const common = { ...settings, deadline };
      // A stage with member accounts fans out: one shard per (account, region), one report.
      const report = root.fleet
        ? await runFleetJob(job, {
            ...common,
            fleet: root.fleet,
            record: root.runRecord ?? memoryRunRecord(),
            coordination: root.coordination,
            runDeadline: deadline,
          })
        : await runJobWith(job, {
            ...common,
            ec2: root.ec2,
            rbin: root.rbin,
            coordination: root.coordination?.(accountOf(context?.invokedFunctionArn)),
          });
      // Deadlines are wall time (see deadlineOf), so is this check.
      const deadlineHit = deadline !== undefined && Date.now() >= deadline;
      root.meter?.emit(jobRunMetrics(report, { deadlineHit }));
      const result = {
        job: name,
        dryRun,
        summary: summaryLine(report),
        failed: report.counts.failed,
        ok: !reportHasFailures(report),
        report,
      };
      await recordRun(root, result);
      return result;
    });
}

/** The root (and its logger) is built on the first invocation, then the Lambda context goes on its lines. */
export function rootLogging(root: () => JobRoot): MiddlewareObj {
  let logging: MiddlewareObj | undefined;
  return {
    before: (request) => {
      logging ??= lambdaContextLogging(root().log);
      return logging.before?.(request);
    },
    after: (request) => logging?.after?.(request),
    onError: (request) => logging?.onError?.(request),
  };
}

/** The settings of a run as the handler resolves them from the event and the stage. */
export function runSettings(root: JobRoot, job: JobImplementation, event: unknown) {
  const input = readEvent(event);
  const settings = resolveJobSettings(root.config, job.name);
  const dryRun = effectiveDryRun(
    settings,
    input.dryRun === undefined ? undefined : input.dryRun ? 'dry-run' : 'apply',
  );
  const common = {
    notifier: root.notifier,
    config: root.config,
    now: input.now ? new Date(input.now) : root.clock.now(),
    clock: root.clock,
    dryRun,
    regions: input.regions,
    log: root.log,
    postDryRun: input.dryRun === true,
    autoScaling: root.autoScaling,
    organization: root.organization,
  };
  return { input, dryRun, common };
}

/** What `/ec2 status` shows as the job's last run. A failed write is logged: the run itself is done. */
export async function recordRun(
  root: JobRoot,
  run: Omit<JobHandlerResult, 'report' | 'failed'>,
): Promise<void> {
  if (!root.runs) return;
  try {
    await root.runs.record({
      job: run.job,
      at: root.clock.now().toISOString(),
      ok: run.ok,
      dryRun: run.dryRun,
      summary: run.summary,
    });
  } catch (error) {
    root.log.warn({ err: error, job: run.job }, 'could not record the run for /ec2 status');
  }
}
