import type { MiddlewareObj } from '@middy/core';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { beginBatch, runOnceOnly } from '../coordination/worker';
import type { Logger } from '../telemetry/log';
import { lambdaContextLogging } from '../telemetry/middleware';
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

/** The worker's Lambda handler over already-built dependencies. */
export function createWorkerHandler(deps: WorkerDeps) {
  return middy<SQSEvent, SQSBatchResponse>()
    .use(lambdaContextLogging(deps.logger))
    .use(partialBatchFailures(deps.logger))
    .handler(async (event, context) => {
      beginBatch(deps.coordination, context);
      const outcomes = await Promise.all(
        event.Records.map(async (record) => {
          const attempt = Number(record.attributes?.ApproximateReceiveCount ?? '1') || 1;
          return {
            id: record.messageId,
            outcome: await runOnceOnly(deps.coordination, record.body, () =>
              runMessage(deps, record.body, attempt),
            ),
          };
        }),
      );
      return {
        batchItemFailures: outcomes
          .filter((o) => o.outcome === 'retry')
          .map((o) => ({ itemIdentifier: o.id })),
      };
    });
}
