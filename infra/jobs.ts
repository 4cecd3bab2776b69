import { resolveJobSettings } from '@ec2ops/core/config';
import { JOB_DEFINITIONS } from '@ec2ops/core/job-catalog';
import { coordinationAccess } from './coordination';
import { HANDLERS, pascalCase, SIZES } from './functions';
import { functionRole } from './iam';
import { jobDeadLetters, SHARD_MAX_RECEIVES, shardDeadLetters } from './queue';
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
  // The job's own shard queue (issues 15, 20): its function sends a fan-out run's shards there and
  // consumes them, so a shard runs with its job's code and role only. Six times the timeout: AWS's advice.
  const shards = new sst.aws.Queue(`${id}Shards`, {
    visibilityTimeout: `${6 * size.timeoutSeconds} seconds`,
    dlq: { queue: shardDeadLetters.arn, retry: SHARD_MAX_RECEIVES },
  });
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
    environment: { ...baseEnvironment, ...jobCoordination.environment, SHARD_QUEUE_URL: shards.url },
    // Jobs are idempotent, but the next scheduled run is the retry: a throw goes to the DLQ.
    retries: 0,
    transform: {
      eventInvokeConfig: { destinationConfig: { onFailure: { destination: jobDeadLetters.arn } } },
      role: functionRole(job.function),
    },
    permissions: [
      { actions: ['sqs:SendMessage'], resources: [jobDeadLetters.arn, shards.arn] },
      {
        actions: [
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:GetQueueAttributes',
        ],
        resources: [shards.arn],
      },
      jobCoordination.permission,
    ],
    logging,
  });
  // One shard a batch: a shard may use the whole invocation; at most `fanOut.shardConcurrency` at once.
  shards.subscribe(fn.arn, {
    batch: { size: 1, window: '0 seconds', partialResponses: true },
    transform: {
      eventSourceMapping: { scalingConfig: { maximumConcurrency: stage.config.fanOut.shardConcurrency } },
    },
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
  return { job, settings, fn, schedule, shards };
});
