import { COMMAND_MAX_RECEIVES, QUEUE_VISIBILITY_SECONDS } from './functions';

const FOURTEEN_DAYS = 14 * 24 * 3600;

/** Commands that failed every delivery: kept 14 days for a person to read (alarmed, see alarms.ts). */
export const commandDeadLetters = new sst.aws.Queue('CommandsDeadLetter', {
  transform: { queue: { messageRetentionSeconds: FOURTEEN_DAYS } },
});

/**
 * The slack function enqueues each accepted command; the worker runs it. A message the worker
 * fails `COMMAND_MAX_RECEIVES` times moves to the dead-letter queue.
 */
export const commandQueue = new sst.aws.Queue('Commands', {
  visibilityTimeout: `${QUEUE_VISIBILITY_SECONDS} seconds`,
  dlq: { queue: commandDeadLetters.arn, retry: COMMAND_MAX_RECEIVES },
});

/** Scheduled runs that could not be delivered, or whose job function failed outright. */
export const jobDeadLetters = new sst.aws.Queue('JobsDeadLetter', {
  transform: { queue: { messageRetentionSeconds: FOURTEEN_DAYS } },
});

/** Fan-out shard messages (issues 15, 20) that failed every delivery, of every job: kept 14 days. */
export const shardDeadLetters = new sst.aws.Queue('ShardsDeadLetter', {
  transform: { queue: { messageRetentionSeconds: FOURTEEN_DAYS } },
});

/** Deliveries of a shard message before it moves to the dead-letter queue (its claim makes each safe). */
export const SHARD_MAX_RECEIVES = 3;
