import type { StageConfig } from '@ec2ops/core/config';
import { resolveJobSettings } from '@ec2ops/core/config';
import { JOB_DEFINITIONS } from '@ec2ops/core/job-catalog';
import { invocationContext } from '../lambda/function-url';
import { type Handlers, jobOutcome } from './handlers';
import type { ScheduledJob, SchedulerOptions } from './scheduler';

/** As infra deploys the job functions: the longest a run may take (Lambda's timeout). */
const JOB_TIMEOUT_MS = 300_000;

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
export function invokeJob(handlers: Handlers): SchedulerOptions['invoke'] {
  return async (job, input) => {
    const handler = handlers.jobs[job];
    if (!handler) throw new Error(`no handler for ${job}`);
    const result = await handler(input, invocationContext(`ec2ops-${job}`, JOB_TIMEOUT_MS));
    return jobOutcome(result, input.dryRun ?? true);
  };
}
