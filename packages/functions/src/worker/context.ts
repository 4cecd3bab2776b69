import type {
  ArgsOf,
  CommandName,
  CommandRegistry,
  CommandRequest,
  CommandSpec,
  SpecOf,
} from '@ec2ops/core/commands';
import type { StageConfig } from '@ec2ops/core/config';
import type { Message } from '@ec2ops/core/slack';
import type { OrganizationLookup } from '../accounts/organization';
import type { LaunchReservations } from '../coordination/reservations';
import type { Ec2Gateway } from '../ec2/client';
import type { ForecastStarter } from '../forecast-starter';
import type { ExpirySchedules } from '../ops/expiry-schedules';
import type { StatusSources } from '../ops/status';
import type { Clock } from '../root';
import type { SlackNotifier } from '../slack-notifier';
import type { Logger } from '../telemetry/log';
import type { Spanner } from './span';

export type { Clock, SlackNotifier };

/** A request whose arguments are typed (`ArgsOf` a spec) rather than any parsed value by name. */
export type RequestWith<Args> = Omit<CommandRequest, 'args'> & { args: Args };

/**
 * What an executor gets. Everything is passed in: executors create no clients and read no env.
 * `Args` is the command's parsed arguments (`ArgsOf<SpecOf<'eip keep'>>`); untyped by default.
 */
export interface ExecutorContext<Args = CommandRequest['args']> {
  request: RequestWith<Args>;
  spec: CommandSpec;
  config: StageConfig;
  ec2: Ec2Gateway;
  /**
   * Reads every (account, region) this person may see at the command's role, narrowed by
   * `account=`/`region=` and the channel (worker/span.ts): what the spanning lists use.
   */
  span: Spanner;
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
  /** One-time schedules that close a rule at its expiry (ops/); unset when the stage has none. */
  expiry?: ExpirySchedules | undefined;
  /** What `/ec2 status` reads (ops/status.ts); each source unset shows as unknown. */
  status?: StatusSources | undefined;
  /** Starts the Forecast function (`/ec2 forecast`); absent where none is deployed. */
  forecasts?: ForecastStarter | undefined;
  /** The hub's AWS organisation (`/ec2 ami share … with org|ou-…`); absent: shorthands are refused. */
  organization?: OrganizationLookup | undefined;
}

/**
 * The answer: any number of blocks (the worker pages them, 50 blocks a message, with
 * Previous/Next buttons that re-run the command with `page=N`). Ephemeral unless
 * `response_type: 'in_channel'`. Throw an Ec2opsError for anything the person should read.
 */
export type CommandResult = Message;

export type Executor = (ctx: ExecutorContext) => Promise<CommandResult>;

/** An executor for one command, whose `request.args` are typed from that command's spec. */
export type CommandExecutor<N extends CommandName> = (
  ctx: ExecutorContext<ArgsOf<SpecOf<N>>>,
) => Promise<CommandResult>;
