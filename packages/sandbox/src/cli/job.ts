import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, parseStageConfig, type StageConfig } from '@ec2ops/core';
import { effectiveDryRun, resolveJobSettings } from '@ec2ops/core/config/jobs';
import { SANDBOX_STAGE } from '@ec2ops/core/config/sandbox-stage';
import { parseInstant } from '@ec2ops/core/jobs/instant';
import { renderReportText, reportHasFailures } from '@ec2ops/core/jobs/report';
import { isJobName, JOB_NAMES, type JobName } from '@ec2ops/core/jobs/types';
import { ec2ClientsByRegion } from '@ec2ops/functions/jobs/ec2-clients';
import { jobImplementation, runJob } from '@ec2ops/functions/jobs/registry';
import { isRegionName } from '@ec2ops/functions/jobs/run';
import { createSlackNotifier } from '@ec2ops/functions/jobs/slack-notifier';
import type { Command } from 'commander';
import pino from 'pino';
import { SANDBOX_BOT_TOKEN } from '../slack/seed';
import { registerCommand } from './main';

export interface JobRunOptions {
  dryRun?: boolean;
  apply?: boolean;
  now?: string;
  region?: string[];
  config?: string;
  json?: boolean;
  state?: string;
}

async function loadConfig(file: string | undefined): Promise<StageConfig> {
  if (!file) return parseStageConfig(SANDBOX_STAGE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError('cli.config', `cannot read the config file ${file}: ${(error as Error).message}`, {
      hint: 'give --config the path of a stage config as JSON, or leave --config out for the sandbox stage',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError('cli.config', `the config file ${file} is not JSON: ${(error as Error).message}`, {
      hint: 'fix the JSON at the position named, or leave --config out for the sandbox stage',
    });
  }
  return parseStageConfig(json);
}

interface Ec2Target {
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** The sandbox's Slack Web API, when falling back to the sandbox. */
  sandboxSlackApi?: string;
}

/** The standard AWS environment when it names anything; otherwise the running sandbox's EC2. */
async function ec2Target(env: NodeJS.ProcessEnv, stateDir: string): Promise<Ec2Target> {
  const standard = [
    'AWS_ENDPOINT_URL_EC2',
    'AWS_ENDPOINT_URL',
    'AWS_ACCESS_KEY_ID',
    'AWS_PROFILE',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
  ];
  if (standard.some((name) => env[name])) return {};
  const file = join(stateDir, 'endpoints.json');
  let endpoints: { ec2?: unknown; slackApi?: unknown };
  try {
    endpoints = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    throw new InputError(
      'cli.no-ec2',
      `no AWS environment is set and there is no sandbox to fall back to (${file} not found)`,
      { hint: 'Start the sandbox (npm start), or set AWS_ENDPOINT_URL_EC2 / AWS_REGION / credentials.' },
    );
  }
  if (typeof endpoints.ec2 !== 'string')
    throw new InputError('cli.no-ec2', `${file} has no "ec2" endpoint`, {
      hint: 'Restart the sandbox (npm start) to rewrite it, or set AWS_ENDPOINT_URL_EC2 / AWS_REGION / credentials.',
    });
  const slackApi = typeof endpoints.slackApi === 'string' ? endpoints.slackApi : undefined;
  process.stderr.write(
    `no AWS environment set: using the sandbox's EC2 at ${endpoints.ec2} with dummy credentials` +
      `${slackApi && !env.SLACK_BOT_TOKEN ? `, and its Slack at ${slackApi}` : ''}\n`,
  );
  return {
    endpoint: endpoints.ec2,
    credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
    ...(slackApi ? { sandboxSlackApi: slackApi } : {}),
  };
}

/** `ec2ops job run …`: validates everything before any EC2 call, then runs the job once. */
export async function jobRun(
  name: string,
  options: JobRunOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  if (!isJobName(name)) {
    throw new InputError('cli.job', `unknown job "${name}"; the jobs are: ${JOB_NAMES.join(', ')}`);
  }
  if (options.dryRun && options.apply) {
    throw new InputError(
      'cli.flags',
      '--dry-run and --apply contradict each other; give one of them (or neither)',
    );
  }
  let now = new Date();
  if (options.now !== undefined) {
    const ms = parseInstant(options.now);
    if (ms === undefined) {
      throw new InputError(
        'cli.now',
        `--now "${options.now}" is not an ISO-8601 instant; write e.g. 2026-11-23T15:00:00Z`,
      );
    }
    now = new Date(ms);
  }
  const badRegion = options.region?.find((r) => !isRegionName(r));
  if (badRegion)
    throw new InputError('cli.region', `--region "${badRegion}" is not an AWS region such as eu-west-1`);
  const config = await loadConfig(options.config);
  jobImplementation(name); // "not implemented yet" before looking for an endpoint
  const settings = resolveJobSettings(config, name as JobName);
  const dryRun = effectiveDryRun(settings, options.apply ? 'apply' : options.dryRun ? 'dry-run' : undefined);
  const regions = options.region?.length
    ? options.region
    : !options.config && env.AWS_REGION && isRegionName(env.AWS_REGION)
      ? [env.AWS_REGION]
      : config.regions;

  const target = await ec2Target(env, options.state ?? '.sandbox');
  const log = pino({ level: env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const notifier = env.SLACK_BOT_TOKEN
    ? createSlackNotifier({ token: env.SLACK_BOT_TOKEN, slackApiUrl: env.SLACK_API_URL })
    : target.sandboxSlackApi
      ? createSlackNotifier({ token: SANDBOX_BOT_TOKEN, slackApiUrl: target.sandboxSlackApi })
      : undefined;
  const report = await runJob(name, {
    ec2: ec2ClientsByRegion({ endpoint: target.endpoint, credentials: target.credentials }),
    notifier,
    config,
    now,
    dryRun,
    regions,
    log,
    postDryRun: true,
  });
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderReportText(report));
  return reportHasFailures(report) ? 1 : 0;
}

registerCommand((program: Command) => {
  const job = program.command('job').description('scheduled jobs: run one now, as its schedule would');
  job
    .command('run')
    .description(`run a job once: plan, apply (unless dry-run) and report. Jobs: ${JOB_NAMES.join(', ')}`)
    .argument('<job>', JOB_NAMES.join(' | '))
    .option('--dry-run', 'plan only; change nothing')
    .option('--apply', 'apply even if the stage config says dry-run')
    .option('--now <iso>', 'run as if at this ISO-8601 instant')
    .option('--region <region...>', "regions to run in (default: the config's, or AWS_REGION)")
    .option('--config <file>', 'stage config JSON (default: the built-in sandbox config)')
    .option('--json', 'print the report as JSON')
    .option('--state <dir>', "the sandbox's state dir, for its endpoints.json", '.sandbox')
    .action(async (name: string, options: JobRunOptions) => {
      process.exitCode = await jobRun(name, options);
    });
  job.exitOverride().allowExcessArguments(false);
  for (const sub of job.commands) sub.exitOverride().allowExcessArguments(false);
});
