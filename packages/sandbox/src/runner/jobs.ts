import type { StageConfig } from '@ec2ops/core/config';
import { resolveJobSettings } from '@ec2ops/core/config';
import { JOB_DEFINITIONS } from '@ec2ops/core/job-catalog';
import type { JobName } from '@ec2ops/core/jobs';
import { invocationContext } from '../lambda/function-url';
import { type Handlers, jobOutcome } from './handlers';
import type { ScheduledJob, SchedulerOptions } from './scheduler';

/** As infra deploys the job functions: the longest a run may take (Lambda's timeout). */
export const JOB_TIMEOUT_MS = 300_000;

/** Each job's shard queue in the sandbox, as infra/jobs.ts names it per stage. */
export const shardQueueName = (job: string) => `ec2ops-${job}-shards`;
export const SHARD_DEAD_LETTERS = 'ec2ops-shards-dlq';
/** As infra: a shard message failing this many deliveries moves to the dead-letter queue. */
export const SHARD_MAX_RECEIVES = 3;

/** Every job of the catalog with its schedule, time zone and dry-run as the stage resolves them. */
export function scheduledJobs(config: StageConfig): ScheduledJob[] {
  return JOB_DEFINITIONS.map((job) => {
    const settings = resolveJobSettings(config, job.name);
    return {
      name: job.name,
      description: job.description,
      expression: settings.schedule,
      timeZone: settings.timeZone,
      enabled: settings.enabled,
      configDryRun: settings.dryRun,
    };
  });
}

/**
 * Invokes a job's handler as EventBridge Scheduler does: the target's input as the event (the
 * sandbox adds the instant it runs as, and the dry-run override when the console sets one).
 */
export function invokeJob(handlers: Handlers, waitMs = FAN_OUT_WAIT_MS): SchedulerOptions['invoke'] {
  return async (job, input) => {
    const handler = handlers.jobs[job];
    if (!handler) throw new Error(`no handler for ${job}`);
    const result = await handler(input, invocationContext(`ec2ops-${job}`, JOB_TIMEOUT_MS));
    const outcome = jobOutcome(result, input.dryRun ?? true);
    if (!outcome.runId || outcome.report) return outcome;
    // A fan-out run: the shards run from the queue; the console shows the run once it reported.
    const report = await waitForReport(() => handlers.fanOutReport(job as JobName, outcome.runId!), waitMs);
    return report ? { ...outcome, report } : outcome;
  };
}

/** How long the console waits for a fan-out run's report: a shard and its continuations' timeouts. */
const FAN_OUT_WAIT_MS = 6 * JOB_TIMEOUT_MS;

async function waitForReport<T>(read: () => Promise<T | undefined>, waitMs: number): Promise<T | undefined> {
  const until = Date.now() + waitMs;
  while (Date.now() < until) {
    const got = await read();
    if (got) return got;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}
