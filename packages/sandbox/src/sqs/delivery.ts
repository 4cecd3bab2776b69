import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { Queue, Received } from './queue';
import { type SqsService, systemAttributes } from './service';

/**
 * A Lambda SQS handler: `SQSHandler`-shaped, returning nothing or an `SQSBatchResponse`
 * (`{ batchItemFailures: [{ itemIdentifier }] }`) for a partial failure.
 */
export type SqsConsumer = (event: SQSEvent, context: Context) => unknown;

export interface ConsumeOptions {
  /** Records per invocation, as the event source mapping's BatchSize (1–10 here). */
  batchSize?: number;
  /** Lambda's timeout: an invocation running longer counts as failed. */
  timeoutMs?: number;
  /** Honour `batchItemFailures` (FunctionResponseTypes: ReportBatchItemFailures); on by default. */
  reportBatchItemFailures?: boolean;
  functionName?: string;
  /** How often an idle poller looks again when nothing signalled new messages. */
  pollIntervalMs?: number;
}

export type DeliveryOutcome = 'ok' | 'partial' | 'error' | 'timeout';

export interface DeliveryRecord {
  queue: string;
  at: number;
  messageIds: string[];
  receiveCounts: number[];
  outcome: DeliveryOutcome;
  failedMessageIds: string[];
  error?: string;
}

/**
 * Lambda's SQS event source mapping, in process: polls a queue, invokes the consumer with a real
 * `SQSEvent`, deletes what succeeded, and leaves failures to reappear after the visibility
 * timeout — until the queue's redrive policy moves them to the dead-letter queue.
 */
export class SqsPoller {
  private stopped = false;
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly unsubscribe: () => void;
  readonly options: Required<Omit<ConsumeOptions, 'functionName'>> & { functionName: string };

  constructor(
    private readonly service: SqsService,
    readonly queue: Queue,
    private readonly consumer: SqsConsumer,
    options: ConsumeOptions,
    private readonly log: (record: DeliveryRecord) => void,
  ) {
    this.options = {
      batchSize: Math.min(Math.max(options.batchSize ?? 10, 1), 10),
      timeoutMs: options.timeoutMs ?? 60_000,
      reportBatchItemFailures: options.reportBatchItemFailures ?? true,
      functionName: options.functionName ?? `${queue.name}-consumer`,
      pollIntervalMs: options.pollIntervalMs ?? 25,
    };
    this.unsubscribe = service.onActivity(() => this.wake?.());
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** True while an invocation runs. */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  /** Stops polling; waits for a running invocation at most `graceMs`, then leaves it behind. */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    this.wake?.();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([this.loop, grace]);
    clearTimeout(timer);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const batch = this.service.receiveFrom(this.queue, this.options.batchSize);
      if (batch.length === 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, this.options.pollIntervalMs);
          function done() {
            clearTimeout(timer);
            resolve();
          }
          this.wake = done;
        });
        this.wake = undefined;
        continue;
      }
      this.inFlight += 1;
      try {
        await this.invoke(batch);
      } finally {
        this.inFlight -= 1;
      }
      // A consumer that answers synchronously must not starve the event loop (I/O, timers).
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async invoke(batch: Received[]): Promise<void> {
    const event: SQSEvent = { Records: batch.map((r) => this.record(r)) };
    const base = {
      queue: this.queue.name,
      at: this.service.clock.now(),
      messageIds: batch.map((r) => r.message.messageId),
      receiveCounts: batch.map((r) => r.message.receiveCount),
    };
    let result: unknown;
    try {
      result = await withTimeout(
        Promise.resolve().then(() =>
          this.consumer(event, lambdaContext(this.options.functionName, this.options.timeoutMs)),
        ),
        this.options.timeoutMs,
      );
    } catch (error) {
      const timedOut = error instanceof InvocationTimeout;
      this.log({
        ...base,
        outcome: timedOut ? 'timeout' : 'error',
        failedMessageIds: base.messageIds,
        error: error instanceof Error ? error.message : String(error),
      });
      return; // nothing deleted: every record comes back after the visibility timeout
    }
    const failures = this.options.reportBatchItemFailures ? batchItemFailures(result) : [];
    const ids = new Set(batch.map((r) => r.message.messageId));
    // Lambda treats an unknown or empty itemIdentifier as a failure of the whole batch.
    if (failures.some((f) => typeof f?.itemIdentifier !== 'string' || !ids.has(f.itemIdentifier))) {
      this.log({
        ...base,
        outcome: 'error',
        failedMessageIds: base.messageIds,
        error: 'invalid batchItemFailures',
      });
      return;
    }
    const failed = new Set(failures.map((f) => f.itemIdentifier as string));
    for (const r of batch) if (!failed.has(r.message.messageId)) this.queue.delete(r.receiptHandle);
    this.log({ ...base, outcome: failed.size > 0 ? 'partial' : 'ok', failedMessageIds: [...failed] });
  }

  private record({ message, receiptHandle }: Received): SQSRecord {
    const messageAttributes: SQSMessageAttributes = {};
    for (const [name, value] of Object.entries(message.messageAttributes)) {
      messageAttributes[name] = {
        dataType: value.DataType,
        ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
        ...(value.BinaryValue !== undefined ? { binaryValue: value.BinaryValue } : {}),
        stringListValues: [],
        binaryListValues: [],
      };
    }
    return {
      messageId: message.messageId,
      receiptHandle,
      body: message.body,
      attributes: systemAttributes(message) as unknown as SQSRecord['attributes'],
      messageAttributes,
      md5OfBody: message.md5OfBody,
      ...(message.md5OfMessageAttributes ? { md5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
      eventSource: 'aws:sqs',
      eventSourceARN: this.queue.arn,
      awsRegion: this.service.region,
    };
  }
}

class InvocationTimeout extends Error {}

function batchItemFailures(result: unknown): Array<{ itemIdentifier?: unknown }> {
  if (typeof result !== 'object' || result === null) return [];
  const failures = (result as Partial<SQSBatchResponse>).batchItemFailures;
  return Array.isArray(failures) ? failures : [];
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InvocationTimeout(`Task timed out after ${ms / 1000} seconds`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Enough of Lambda's Context for handlers (and middy) to run. */
export function lambdaContext(functionName: string, timeoutMs: number): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `sandbox/${randomUUID()}`,
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
