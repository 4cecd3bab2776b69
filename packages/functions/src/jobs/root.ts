import type { EC2Client } from '@aws-sdk/client-ec2';
import { ConfigError, type StageConfig } from '@ec2ops/core';
import pino, { type Logger } from 'pino';
import { type JobCoordination, jobCoordination } from '../coordination/job-lease';
import { coordinationTable, NO_TABLE_WARNING } from '../coordination/root';
import { stageConfigFromJson } from '../root';
import { linkedSecret, type SecretSource } from '../secrets';
import { ec2ClientsByRegion } from './ec2-clients';
import { createSlackNotifier } from './slack-notifier';
import type { Notifier } from './types';

/** Everything a job function needs, built once per cold start. */
export interface JobRoot {
  config: StageConfig;
  ec2: (region: string) => EC2Client;
  notifier: Notifier | undefined;
  log: Logger;
  /** Job-run leases for one run in an account; absent without COORDINATION_TABLE. */
  coordination?: ((account: string) => JobCoordination) | undefined;
}

/**
 * The job functions' composition root. The linked secret `SlackBotToken` (secrets.ts) sends the
 * reports and owner DMs; without it, jobs only log. Environment (set by infra, or by the sandbox):
 * - `EC2OPS_CONFIG`: the stage config as JSON (validated here; a bad one fails the cold start);
 * - `SLACK_API_URL`: the Slack Web API base (the sandbox's emulator); Slack's own when unset;
 * - `AWS_ENDPOINT_URL_EC2`, `AWS_REGION`, credentials: read by the AWS SDK itself;
 * - `LOG_LEVEL`: pino level (default `info`).
 */
export function createJobRoot(
  env: NodeJS.ProcessEnv = process.env,
  secret: SecretSource = linkedSecret,
): JobRoot {
  const log = pino({ level: env.LOG_LEVEL ?? 'info' });
  if (!env.EC2OPS_CONFIG) {
    throw new ConfigError('Missing environment variable EC2OPS_CONFIG (the stage config as JSON).', {
      hint: 'The deployment sets it (infra/); in the sandbox the runner does.',
    });
  }
  const config = stageConfigFromJson(env.EC2OPS_CONFIG);
  const token = secret('SlackBotToken');
  const notifier = token ? createSlackNotifier({ token, slackApiUrl: env.SLACK_API_URL }) : undefined;
  const table = coordinationTable(env, { ackPath: false });
  if (!table) log.warn(NO_TABLE_WARNING);
  // An hour: longer than any job function's timeout (infra/functions.ts SIZES), so only a crashed run's lease lapses.
  const coordination = table ? jobCoordination(table, { leaseSeconds: 3600 }) : undefined;
  return { config, ec2: ec2ClientsByRegion(), notifier, log, coordination };
}
