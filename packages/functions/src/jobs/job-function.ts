import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { reportHasFailures, summaryLine } from '@ec2ops/core/jobs';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { memoryRunRecord } from '../coordination/fleet-run';
import { handleFleetMessage, startFleetRun } from './fleet';
import {
  createJobHandler,
  deadlineOf,
  type JobHandlerResult,
  recordRun,
  rootLogging,
  runSettings,
} from './handler';
import { type JobRoot, lambdaJobRoot } from './root';
import { parseFleetMessage } from './shard-queue';
import type { JobImplementation } from './types';

/**
 * A job's Lambda function (issues 15 and 20). The schedule's event starts a run; on a stage with
 * member accounts and a shard queue (`SHARD_QUEUE_URL`) the run only sends its shards, and this
 * same function consumes them from the queue's event source mapping (bounded by
 * maximumConcurrency). The same function rather than one shard consumer for every job: each job's
 * bundle holds only its code (issue 20) and its role only its job's EC2 actions, so a shard of
 * eip-cleanup can never run with ami-bake's permissions. Hence one shard queue per job.
 */

/** What the schedule's invocation answers when it fanned out: the shards run on the queue. */
export interface FanOutStarted {
  job: JobHandlerResult['job'];
  dryRun: boolean;
  runId: string;
  shards: number;
  summary: string;
}

export type JobFunctionResult = JobHandlerResult | FanOutStarted | SQSBatchResponse;

const isSqsEvent = (event: unknown): event is SQSEvent =>
  typeof event === 'object' &&
  event !== null &&
  Array.isArray((event as SQSEvent).Records) &&
  (event as SQSEvent).Records.every((r) => r?.eventSource === 'aws:sqs');

export function createJobFunction(
  job: JobImplementation,
  buildRoot: () => JobRoot = () => lambdaJobRoot(job.name),
): (event: unknown, context: Context) => Promise<JobFunctionResult> {
  let root: JobRoot | undefined;
  const rootOnce = () => (root ??= buildRoot());
  const inProcess = createJobHandler(job, rootOnce);
  const consume = middy<SQSEvent, SQSBatchResponse>()
    .use(rootLogging(rootOnce))
    .handler((event, context) => consumeShards(job, rootOnce(), event, context));
  const fanOut = middy<unknown, FanOutStarted>()
    .use(rootLogging(rootOnce))
    .handler((event) => startRun(job, rootOnce(), event));
  return (event, context) => {
    if (isSqsEvent(event)) return consume(event, context);
    const r = rootOnce();
    return r.fleet && r.shardQueue ? fanOut(event, context) : inProcess(event, context);
  };
}

async function startRun(job: JobImplementation, root: JobRoot, event: unknown): Promise<FanOutStarted> {
  const { common, dryRun } = runSettings(root, job, event);
  const started = await startFleetRun(job, {
    ...common,
    fleet: root.fleet!,
    record: root.runRecord ?? memoryRunRecord(),
    coordination: root.coordination,
    queue: root.shardQueue!,
    runDeadlineMs: root.config.fanOut.runDeadlineMinutes * 60_000,
  });
  const summary = `${started.shards.length} shards sent to the queue (run ${started.runId})`;
  root.log.info({ run: started.runId, shards: started.shards.length }, summary);
  return { job: job.name, dryRun, runId: started.runId, shards: started.shards.length, summary };
}

/**
 * The shard queue's batch (the mapping's batch size is 1: a shard may use the whole invocation).
 * Powertools' processor builds the partial batch response: a shard message that throws (SQS or
 * DynamoDB unreachable) is redelivered; its claim makes the redelivery safe.
 */
async function consumeShards(
  job: JobImplementation,
  root: JobRoot,
  event: SQSEvent,
  context: Context,
): Promise<SQSBatchResponse> {
  const deadline = deadlineOf(context);
  const handle = async (record: SQSRecord) => {
    const message = parseFleetMessage(record.body);
    const reported = await handleFleetMessage(job, message, {
      notifier: root.notifier,
      config: root.config,
      clock: root.clock,
      log: root.log,
      deadline,
      fleet: root.fleet!,
      record: root.runRecord ?? memoryRunRecord(),
      coordination: root.coordination,
      queue: root.shardQueue,
      continuationCap: root.config.fanOut.continuations,
    });
    if (reported && 'shards' in reported) {
      // The run's last shard (or its deadline) reported: that is the run `/ec2 status` shows.
      await recordRun(root, {
        job: job.name,
        dryRun: reported.dryRun,
        summary: summaryLine(reported),
        ok: !reportHasFailures(reported),
      });
    }
  };
  const processor = new BatchProcessor(EventType.SQS, { logger: root.log });
  return processPartialResponse(event, handle, processor, { context, throwOnFullBatchFailure: false });
}
