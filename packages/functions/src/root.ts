import { parseStageConfig, type StageConfig } from '@ec2ops/core/config/schema';
import { ConfigError } from '@ec2ops/core/errors';
import pino, { type Logger } from 'pino';

/**
 * What both functions read from the environment, checked once per cold start. The slack and
 * worker roots (slack/root.ts, worker/root.ts) build their clients on top of this; they are two
 * files so that the slack function's bundle never reaches the EC2 client.
 * AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL_SQS / AWS_REGION are read by the AWS SDK itself.
 */
export interface BaseEnv {
  signingSecret: string;
  botToken: string;
  /** Web API base URL (`https://slack.com/api/` when unset; the sandbox emulator otherwise). */
  slackApiUrl: string | undefined;
  /** Only the slack function sends to the queue. */
  queueUrl: string | undefined;
  config: StageConfig;
}

export type Env = Record<string, string | undefined>;

/** Reads and validates the environment; one ConfigError naming every missing or bad variable. */
export function loadBaseEnv(env: Env, options: { queue: boolean }): BaseEnv {
  const required = [
    'SLACK_BOT_TOKEN',
    'SLACK_SIGNING_SECRET',
    'EC2OPS_CONFIG',
    ...(options.queue ? ['QUEUE_URL'] : []),
  ];
  const missing = required.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new ConfigError(
      `Missing environment variable${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.`,
      {
        hint: 'The deployment sets them (infra/); in the sandbox the runner does.',
      },
    );
  }
  return {
    signingSecret: env['SLACK_SIGNING_SECRET']!,
    botToken: env['SLACK_BOT_TOKEN']!,
    slackApiUrl: env['SLACK_API_URL'] || undefined,
    queueUrl: env['QUEUE_URL'] || undefined,
    config: stageConfigFromJson(env['EC2OPS_CONFIG']!),
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

/** Structured JSON logs (one object per line), the level from LOG_LEVEL. */
export function createLogger(env: Env, bindings: Record<string, string>): Logger {
  return pino({
    level: env['LOG_LEVEL'] ?? 'info',
    base: bindings,
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
