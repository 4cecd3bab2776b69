import type { FunctionName } from '@ec2ops/core/capability';

/**
 * Where each Lambda function's code is and how big it is: the one place handler paths are
 * written. Plain data (no SST globals) so a unit test can check the files exist.
 */
export const HANDLERS: Record<FunctionName, string> = {
  slack: 'packages/functions/src/slack/handler.handler',
  worker: 'packages/functions/src/worker/handler.handler',
  'ami-bake': 'packages/functions/src/jobs/ami-bake.handler.handler',
  'eip-cleanup': 'packages/functions/src/jobs/eip-cleanup.handler.handler',
  'port-sweep': 'packages/functions/src/jobs/port-sweep.handler.handler',
  'instance-reaper': 'packages/functions/src/jobs/instance-reaper.handler.handler',
};

/**
 * The Forecast function: its entry lives with the EC2 emulator it runs (packages/sandbox), and it
 * is not a FunctionName because its policy is not derived from commands or jobs (core/iam/forecast.ts).
 */
export const FORECAST_HANDLER = 'packages/sandbox/src/forecast/lambda.handler';

export interface FunctionSize {
  memoryMb: number;
  timeoutSeconds: number;
}

/**
 * The slack function must ack within 3 s and does no AWS work beyond one SQS send: small and
 * short. The worker's timeout bounds one batch of commands; the port sweep runs every minute, so
 * it must finish well within one.
 */
export const SIZES: Record<FunctionName, FunctionSize> = {
  slack: { memoryMb: 256, timeoutSeconds: 10 },
  worker: { memoryMb: 512, timeoutSeconds: 60 },
  'ami-bake': { memoryMb: 512, timeoutSeconds: 300 },
  // ReleaseAddress draws from EC2's mutating bucket (50, then 5/s) and nothing batches it: 900
  // releases at 10× take 170 s however they are sent, so the hourly run gets five minutes.
  'eip-cleanup': { memoryMb: 512, timeoutSeconds: 300 },
  'port-sweep': { memoryMb: 256, timeoutSeconds: 50 },
  'instance-reaper': { memoryMb: 512, timeoutSeconds: 120 },
};

/** A forecast imports the account and runs every job a day at a time: minutes, and memory for the twin. */
export const FORECAST_SIZE: FunctionSize = { memoryMb: 1024, timeoutSeconds: 300 };

/** AWS's advice for SQS-triggered Lambda: visibility timeout at least six times the function timeout. */
export const QUEUE_VISIBILITY_SECONDS = 6 * SIZES.worker.timeoutSeconds;

/** Commands taken from the queue per worker invocation; failures are reported per message. */
export const WORKER_BATCH_SIZE = 5;

/**
 * Worker invocations SQS runs at once: bounds the EC2 call rate (EC2 throttles per account)
 * while a burst of commands waits in the queue instead of failing.
 */
export const WORKER_MAX_CONCURRENCY = 5;

/** Deliveries of one command before it goes to the dead-letter queue. */
export const COMMAND_MAX_RECEIVES = 3;

/** The file SST bundles for a handler string (`path/file.export`). */
export function handlerFile(handler: string): string {
  return `${handler.slice(0, handler.lastIndexOf('.'))}.ts`;
}

/** `ami-bake` → `AmiBake`, for SST component names. */
export function pascalCase(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

/** The inline policy, on each function's role, that carries its EC2 grants (infra/iam.ts). */
export const EC2_INLINE_POLICY = 'ec2ops-ec2';
