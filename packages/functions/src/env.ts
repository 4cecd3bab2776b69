import { ConfigError } from '@ec2ops/core/errors';
import * as z from 'zod';

/**
 * The plain environment the slack and worker functions read at cold start, as one zod schema:
 * every problem is collected into one ConfigError that names the variable and what it should be,
 * so a person fixing a deployment reads one message rather than fixing one variable per redeploy.
 * (The Slack secrets are linked resources, not environment: secrets.ts.)
 */

/** An unset or empty variable reads as absent (infra writes '' for "not configured"). */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const url = z.url({ error: 'is not a URL' });

const envSchema = z.object({
  EC2OPS_CONFIG: optional(z.string()),
  QUEUE_URL: optional(url),
  SLACK_API_URL: optional(url),
  /** Must match the queue's redrive policy: the worker gives up on the last receive. */
  QUEUE_MAX_RECEIVE_COUNT: optional(
    z.coerce
      .number({ error: 'is not a number' })
      .int({ error: 'is not a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(1000, { error: 'must be at most 1000 (SQS maximum)' }),
  ),
});

export interface FunctionEnv {
  /** The stage config as JSON text; absent here, required by loadBaseEnv. */
  stageConfig: string | undefined;
  queueUrl: string | undefined;
  slackApiUrl: string | undefined;
  maxReceiveCount: number;
}

export type Env = Record<string, string | undefined>;

/** The environment checked; `problems` lists each bad value as `NAME what-is-wrong (got "…")`. */
export function readFunctionEnv(env: Env): { value: FunctionEnv; problems: string[] } {
  // Read once per cold start: zod's compiled fast path would cost more than it saves (see
  // parseStageConfig).
  const result = envSchema.safeParse(env, { jitless: true });
  if (result.success) {
    const e = result.data;
    return {
      value: {
        stageConfig: e.EC2OPS_CONFIG,
        queueUrl: e.QUEUE_URL,
        slackApiUrl: e.SLACK_API_URL,
        maxReceiveCount: e.QUEUE_MAX_RECEIVE_COUNT ?? 3,
      },
      problems: [],
    };
  }
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    return `environment variable ${name} ${issue.message} (got ${JSON.stringify(env[name])})`;
  });
  return {
    value: { stageConfig: undefined, queueUrl: undefined, slackApiUrl: undefined, maxReceiveCount: 3 },
    problems,
  };
}

/**
 * One ConfigError for everything wrong at once: what is missing (`linked secret A`, `environment
 * variables B, C`) and each value that is set but unusable.
 */
export function envError(missing: string[], problems: string[]): ConfigError {
  const sentences = [
    ...(missing.length ? [`Missing ${missing.join(' and ')}.`] : []),
    ...problems.map((p) => `${p[0]!.toUpperCase()}${p.slice(1)}.`),
  ];
  return new ConfigError(sentences.join(' '), {
    hint: 'The deployment links the secrets (set with `sst secret set`) and sets the variables (infra/); in the sandbox the runner does.',
  });
}
