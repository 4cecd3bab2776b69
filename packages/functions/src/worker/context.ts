import type { CommandRegistry, CommandRequest, CommandSpec } from '@ec2ops/core/commands';
import type { StageConfig } from '@ec2ops/core/config';
import type { Message } from '@ec2ops/core/slack';
import type { Logger } from 'pino';
import type { LaunchReservations } from '../coordination/reservations';
import type { Ec2Gateway } from '../ec2/client';
import type { ForecastStarter } from '../forecast-starter';
import type { Clock } from '../root';
import type { SlackNotifier } from '../slack-notifier';

export type { Clock, SlackNotifier };

/** What an executor gets. Everything is passed in: executors create no clients and read no env. */
export interface ExecutorContext {
  request: CommandRequest;
  spec: CommandSpec;
  config: StageConfig;
  ec2: Ec2Gateway;
  slack: SlackNotifier;
  clock: Clock;
  logger: Logger;
  commands: CommandRegistry;
  /** 1 on first delivery; SQS redelivers on failure and on timeouts. */
  attempt: number;
  /**
   * A token that is the same every time this request runs (redelivery, double approval),
   * at most 64 ASCII characters: pass it as EC2 `ClientToken`, or tag it, so running twice
   * changes nothing the second time. `scope` separates several calls of one request.
   */
  idempotencyToken(scope?: string): string;
  /** How often an executor that waits on EC2 (launch, until running) re-reads it; 1 s when unset. */
  pollIntervalMs?: number | undefined;
  /** Per-user launch reservations (coordination/reservations.ts); the plain count when absent. */
  reservations?: LaunchReservations | undefined;
  /** Starts the Forecast function (`/ec2 forecast`); absent where none is deployed. */
  forecasts?: ForecastStarter | undefined;
}

/**
 * The answer: any number of blocks (the worker pages them, 50 blocks a message, with
 * Previous/Next buttons that re-run the command with `page=N`). Ephemeral unless
 * `response_type: 'in_channel'`. Throw an Ec2opsError for anything the person should read.
 */
export type CommandResult = Message;

export type Executor = (ctx: ExecutorContext) => Promise<CommandResult>;
