import { resolveJobSettings } from '@ec2ops/core/config';
import { JOB_DEFINITIONS } from '@ec2ops/core/job-catalog';
import { coordinationAccess } from './coordination';
import { HANDLERS, pascalCase, SIZES } from './functions';
import { functionRole } from './iam';
import { jobDeadLetters } from './queue';
import { slackBotToken } from './secrets';
import { baseEnvironment, logging, stage } from './stage';

const jobCoordination = coordinationAccess('jobs');

type ScheduleExpression = `rate(${string})` | `cron(${string})`;

/** Core's config schema has already checked the expression; this only narrows its type for SST. */
function scheduleExpression(text: string): ScheduleExpression {
  if (text.startsWith('rate(') || text.startsWith('cron(')) return text as ScheduleExpression;
  throw new Error(`schedule "${text}" is neither rate(…) nor cron(…)`);
}

/**
 * One function and one EventBridge Scheduler schedule per job in core's catalog. A job disabled
 * in the stage keeps its function (for runs by hand) and gets a disabled schedule. A run that
 * cannot be delivered after the retries, or whose function throws, lands in the jobs'
 * dead-letter queue; item failures are reported by the job itself and alarmed from its logs.
 */
export const jobs = JOB_DEFINITIONS.map((job) => {
  const settings = resolveJobSettings(stage.config, job.name);
  const id = pascalCase(job.name);
  const size = SIZES[job.function];
  const fn = new sst.aws.Function(`${id}Job`, {
    handler: HANDLERS[job.function],
    description: job.description.slice(0, 256),
    runtime: 'nodejs22.x',
    architecture: 'arm64',
    memory: `${size.memoryMb} MB`,
    timeout: `${size.timeoutSeconds} seconds`,
    // Keeps node:http's lazy exports and unused SDK schemas out of the bundle (see the file); what
    // it imports dynamically is a chunk a cold start does not read (docs/architecture.md).
    nodejs: { plugins: './infra/bundle-plugins.mjs', splitting: true },
    link: [slackBotToken],
    environment: { ...baseEnvironment, ...jobCoordination.environment },
    // Jobs are idempotent, but the next scheduled run is the retry: a throw goes to the DLQ.
    retries: 0,
    transform: {
      eventInvokeConfig: { destinationConfig: { onFailure: { destination: jobDeadLetters.arn } } },
      role: functionRole(job.function),
    },
    permissions: [
      { actions: ['sqs:SendMessage'], resources: [jobDeadLetters.arn] },
      jobCoordination.permission,
    ],
    logging,
  });
  const schedule = new sst.aws.CronV2(`${id}Schedule`, {
    function: fn,
    schedule: scheduleExpression(settings.schedule),
    timezone: settings.timeZone,
    enabled: settings.enabled,
    retries: 2,
    dlq: jobDeadLetters.arn,
    event: {},
  });
  return { job, settings, fn, schedule };
});
