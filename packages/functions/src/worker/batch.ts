import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { MiddlewareObj } from '@middy/core';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from 'pino';
import { beginBatch, runOnceOnly } from '../coordination/worker';
import { runMessage, type WorkerDeps } from './dispatch';

/**
 * SQS partial batch responses (the event source mapping must enable ReportBatchItemFailures):
 * only the messages that failed are redelivered. If the handler itself throws, every message of
 * the batch is reported failed rather than losing the ones not yet looked at.
 */
export function partialBatchFailures(logger: Logger): MiddlewareObj<SQSEvent, SQSBatchResponse> {
  return {
    name: 'partialBatchFailures',
    after: (request) => {
      const failed = request.response?.batchItemFailures.length ?? 0;
      if (failed > 0)
        logger.warn({ records: request.event.Records.length, failed }, 'some messages will be retried');
    },
    onError: (request) => {
      logger.error({ err: request.error }, 'batch failed');
      request.response = {
        batchItemFailures: request.event.Records.map((r) => ({ itemIdentifier: r.messageId })),
      };
    },
  };
}

/** A message the worker could not finish: Powertools' processor reports it for redelivery. */
class MessageRetry extends Error {
  constructor(readonly messageId: string) {
    super(`message ${messageId} will be retried`);
    this.name = 'MessageRetry';
  }
}

/**
 * The worker's Lambda handler over already-built dependencies. Powertools' batch processor runs
 * the records in parallel and builds the partial batch response from the ones whose handler
 * threw; the once-only record (coordination/worker.ts) decides, per message, whether it runs,
 * was already done, or must be retried. A batch where every message is to be retried is answered
 * as such (not thrown), so SQS redelivers each one under its own receive count.
 */
export function createWorkerHandler(deps: WorkerDeps) {
  return middy<SQSEvent, SQSBatchResponse>()
    .use(partialBatchFailures(deps.logger))
    .handler(async (event, context) => {
      beginBatch(deps.coordination, context);
      const handleRecord = async (record: SQSRecord): Promise<void> => {
        const attempt = Number(record.attributes?.ApproximateReceiveCount ?? '1') || 1;
        const outcome = await runOnceOnly(deps.coordination, record.body, () =>
          runMessage(deps, record.body, attempt),
        );
        if (outcome === 'retry') throw new MessageRetry(record.messageId);
      };
      // One processor per invocation: it holds the batch's state, and the sandbox may run
      // several batches through one handler at once.
      const processor = new BatchProcessor(EventType.SQS, { logger: deps.logger });
      return processPartialResponse(event, handleRecord, processor, {
        context,
        throwOnFullBatchFailure: false,
      });
    });
}
