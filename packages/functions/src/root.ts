import type { DeployedFunctionName } from '@ec2ops/core/capability';
import { parseStageConfig, type StageConfig } from '@ec2ops/core/config';
import { ConfigError } from '@ec2ops/core/errors';
import { type Env, envError, readFunctionEnv } from './env';
import { linkedSecret, type SecretSource } from './secrets';
import { createLog, type Logger } from './telemetry/log';

/**
 * The composition root. Every function (Lambda entry, sandbox, CLI, bench, test harness) starts
 * with `build()`: it reads the function's settings once, and carries what the caller passes in,
 * the clock, the endpoints and the AWS credentials, so no handler reads them from globals.
 * The slack, worker and job assemblies (slack/root.ts, worker/root.ts, jobs/root.ts) turn a Root
 * into a handler; they are separate files so the slack bundle never reaches the EC2 client.
 */

/**
 * The functions infra deploys, by their SST names (also their access key id in the emulator):
 * core's DEPLOYED_NAMES for the functions that run commands and jobs, plus the operations
 * functions and the Forecast function, which run no command or job capability (their policies
 * are in core/ops and core/iam/forecast.ts).
 */
export type FunctionName = DeployedFunctionName | 'Expire' | 'AlarmsToSlack' | 'Forecast';

/** The one clock shape: production passes systemClock, the sandbox its own, tests theirs. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/**
 * Where the functions' clients connect. Unset: the SDKs' defaults (AWS: the standard
 * `AWS_ENDPOINT_URL_<SERVICE>` variables, else AWS's endpoints; Slack: `SLACK_API_URL`, else Slack's).
 */
export interface Endpoints {
  ec2?: string | undefined;
  sqs?: string | undefined;
  dynamodb?: string | undefined;
  /** The Recycle Bin API (`rbin`); the sandbox serves it on the EC2 emulator's port. */
  rbin?: string | undefined;
  /** Auto Scaling (launch configurations); the sandbox serves it on the EC2 emulator's port. */
  autoScaling?: string | undefined;
  slackApi?: string | undefined;
  /** AssumeRole into member accounts (issue 15). */
  sts?: string | undefined;
  /** Account discovery (`organization` in the stage config). */
  organizations?: string | undefined;
  /** EventBridge Scheduler (expiry schedules, ops/); the sandbox's emulator there. */
  scheduler?: string | undefined;
  /** CloudWatch (`/ec2 status` reads open alarms); the sandbox's DescribeAlarms emulator there. */
  cloudwatch?: string | undefined;
  /** Lambda (the worker starts the Forecast function); unset: `AWS_ENDPOINT_URL_LAMBDA`, else AWS's. */
  lambda?: string | undefined;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface BuildInput {
  fn: FunctionName;
  /** Plain settings (EC2OPS_CONFIG, QUEUE_URL, LOG_LEVEL…): `process.env` on Lambda, a record in the sandbox. */
  env: Env;
  /** The linked secrets; SST's linked resources unless the caller passes its own. */
  secrets?: SecretSource | undefined;
  clock?: Clock | undefined;
  endpoints?: Endpoints | undefined;
  /** The AWS region of clients that are not per region (SQS); the SDK's own lookup when unset. */
  region?: string | undefined;
  /** Unset: the SDK's default chain (the Lambda role). */
  credentials?: AwsCredentials | undefined;
}

/** What every assembly builds on: settings read and checked once, and what the caller passed in. */
export interface Root {
  fn: FunctionName;
  env: Env;
  secret: SecretSource;
  clock: Clock;
  endpoints: Endpoints;
  region: string | undefined;
  credentials: AwsCredentials | undefined;
}

export function build(input: BuildInput): Root {
  return {
    fn: input.fn,
    env: input.env,
    secret: input.secrets ?? linkedSecret,
    clock: input.clock ?? systemClock,
    endpoints: { slackApi: input.env['SLACK_API_URL'] || undefined, ...input.endpoints },
    region: input.region,
    credentials: input.credentials,
  };
}

/** The settings an AWS SDK client takes from the root: endpoint, region, credentials when given. */
export function awsClientSettings(root: Root, endpoint: string | undefined) {
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(root.region ? { region: root.region } : {}),
    ...(root.credentials ? { credentials: root.credentials } : {}),
  };
}

/**
 * What the slack and worker functions read at cold start, checked once. The Slack secrets are
 * linked (secrets.ts), everything else is plain environment.
 */
export interface BaseEnv {
  signingSecret: string;
  botToken: string;
  /** Web API base URL (`https://slack.com/api/` when unset; the sandbox emulator otherwise). */
  slackApiUrl: string | undefined;
  /** Only the slack function sends to the queue. */
  queueUrl: string | undefined;
  config: StageConfig;
  /** QUEUE_MAX_RECEIVE_COUNT: the queue's redrive maxReceiveCount (default 3). */
  maxReceiveCount: number;
}

export type { Env };

/** `linked secret A` / `linked secrets A, B`, or nothing when none is missing. */
const missing = (what: string, names: string[]) =>
  names.length ? [`${what}${names.length > 1 ? 's' : ''} ${names.join(', ')}`] : [];

/**
 * Reads the linked secrets and the environment; one ConfigError naming everything missing or
 * bad. `secret` is SST's linked resources unless a unit test passes its own.
 */
export function loadBaseEnv(
  env: Env,
  options: { queue: boolean },
  secret: SecretSource = linkedSecret,
): BaseEnv {
  const botToken = secret('SlackBotToken');
  const signingSecret = secret('SlackSigningSecret');
  const missingSecrets = [
    ...(botToken ? [] : ['SlackBotToken']),
    ...(signingSecret ? [] : ['SlackSigningSecret']),
  ];
  const missingVariables = ['EC2OPS_CONFIG', ...(options.queue ? ['QUEUE_URL'] : [])].filter(
    (name) => !env[name],
  );
  const { value, problems } = readFunctionEnv(env);
  const parts = [
    ...missing('linked secret', missingSecrets),
    ...missing('environment variable', missingVariables),
  ];
  if (parts.length > 0 || problems.length > 0) throw envError(parts, problems);
  return {
    signingSecret: signingSecret!,
    botToken: botToken!,
    slackApiUrl: value.slackApiUrl,
    queueUrl: value.queueUrl,
    config: stageConfigFromJson(value.stageConfig!),
    maxReceiveCount: value.maxReceiveCount,
  };
}

/** The stage config from EC2OPS_CONFIG's text (every function's, and the jobs'); ConfigError if unusable. */
export function stageConfigFromJson(text: string): StageConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('EC2OPS_CONFIG is not valid JSON.', { cause: error });
  }
  return parseStageConfig(raw);
}

/** Structured JSON logs through Powertools (telemetry/log.ts), the level from LOG_LEVEL. */
export function createLogger(env: Env, bindings: Record<string, string>): Logger {
  return createLog(env, bindings);
}
