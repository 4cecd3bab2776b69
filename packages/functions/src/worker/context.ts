import type { EC2Client } from '@aws-sdk/client-ec2';
import type { CommandRegistry, CommandSpec } from '@ec2ops/core/commands/index';
import type { CommandRequest } from '@ec2ops/core/commands/request';
import type { StageConfig } from '@ec2ops/core/config/schema';
import type { Message } from '@ec2ops/core/slack/blocks';
import type { Logger } from 'pino';
import type { ExpirySchedules } from '../ops/expiry-schedules';

/** Time comes in through the context so tests and `--now` control it. */
export interface Clock {
  now(): Date;
}

/** EC2 clients built once per cold start by the worker root, one per region on demand. */
export interface Ec2Gateway {
  /** The client for a region (the stage's first region when omitted). */
  client(region?: string): EC2Client;
  readonly regions: readonly string[];
}

/** How the worker talks back to Slack. Implemented with the Web API client and response_url. */
export interface SlackNotifier {
  /**
   * Answers the request: through its response_url (ephemeral unless the message says
   * in_channel; `replace_original` updates the message that was clicked), or, when it has none
   * or it has expired, as a DM to the requester via chat.postMessage.
   */
  respond(
    request: { id: string; user: { id: string }; responseUrl?: string | undefined },
    message: Message,
  ): Promise<void>;
  /** chat.postMessage; returns the message ts. */
  post(channel: string, message: Message): Promise<string | undefined>;
  /** POSTs to a response_url as is. */
  toResponseUrl(url: string, message: Message): Promise<void>;
}

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
  /** One-time schedules that close a rule at its expiry (ops/); unset when the stage has none. */
  expiry?: ExpirySchedules | undefined;
}

/**
 * The answer: any number of blocks (the worker pages them, 50 blocks a message, with
 * Previous/Next buttons that re-run the command with `page=N`). Ephemeral unless
 * `response_type: 'in_channel'`. Throw an Ec2opsError for anything the person should read.
 */
export type CommandResult = Message;

export type Executor = (ctx: ExecutorContext) => Promise<CommandResult>;
