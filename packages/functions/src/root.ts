import { parseStageConfig, type StageConfig } from '@ec2ops/core/config/schema';
import { ConfigError } from '@ec2ops/core/errors';
import pino, { type Logger } from 'pino';
import { linkedSecret, type SecretSource } from './secrets';

/**
 * What both functions read at cold start, checked once. The slack and worker roots
 * (slack/root.ts, worker/root.ts) build their clients on top of this; they are two files so that
 * the slack function's bundle never reaches the EC2 client. The Slack secrets are linked
 * (secrets.ts), everything else is plain environment.
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
  const parts = [
    ...missing('linked secret', missingSecrets),
    ...missing('environment variable', missingVariables),
  ];
  if (parts.length > 0) {
    throw new ConfigError(`Missing ${parts.join(' and ')}.`, {
      hint: 'The deployment links the secrets (set with `sst secret set`) and sets the variables (infra/); in the sandbox the runner does.',
    });
  }
  return {
    signingSecret: signingSecret!,
    botToken: botToken!,
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
