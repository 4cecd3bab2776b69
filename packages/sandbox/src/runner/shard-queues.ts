import type { StageConfig } from '@ec2ops/core/config';
import { JOB_NAMES } from '@ec2ops/core/jobs';
import type { SqsConsumer } from '../sqs/delivery';
import type { SqsHub } from '../sqs/emulator';
import type { QueueDefinition } from '../sqs/service';
import { JOB_TIMEOUT_MS, SHARD_DEAD_LETTERS, SHARD_MAX_RECEIVES, shardQueueName } from './jobs';

/**
 * Each job's shard queue as infra/jobs.ts deploys it (issues 15 and 20): a fan-out run sends one
 * message per (account, region) there, and the job's own function consumes them, as Lambda's
 * event source mapping would, at most `fanOut.shardConcurrency` at once, one message a batch.
 */
export function shardQueueDefinitions(): QueueDefinition[] {
  return JOB_NAMES.map((job) => ({
    name: shardQueueName(job),
    // AWS's advice for a queue feeding a function: six times the function's timeout.
    visibilityTimeoutSeconds: (6 * JOB_TIMEOUT_MS) / 1000,
    deadLetter: { queue: SHARD_DEAD_LETTERS, maxReceiveCount: SHARD_MAX_RECEIVES },
  }));
}

/**
 * Starts the mapping of every job's shard queue: `shardConcurrency` delivery loops per queue (each
 * one invocation at a time, as maximumConcurrency bounds the mapping's concurrent invocations).
 */
export function consumeShardQueues(
  sqs: SqsHub,
  config: StageConfig,
  consumer: (job: string) => SqsConsumer,
  timeoutMs = JOB_TIMEOUT_MS,
): void {
  for (const job of JOB_NAMES) {
    for (let i = 0; i < config.fanOut.shardConcurrency; i += 1) {
      sqs.consume(shardQueueName(job), consumer(job), {
        batchSize: 1,
        timeoutMs,
        functionName: `ec2ops-${job}`,
        // New messages wake the loops; this is only the fallback look (delayed messages).
        pollIntervalMs: 500,
      });
    }
  }
}
