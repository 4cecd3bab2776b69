import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { InputError, parseStageConfig } from '@ec2ops/core';
import { effectiveDryRun, resolveJobSettings, SANDBOX_STAGE } from '@ec2ops/core/config';
import {
  isJobName,
  JOB_NAMES,
  type JobName,
  type JobProgress,
  progressLine,
  renderReportText,
  reportHasFailures,
} from '@ec2ops/core/jobs';
import { parseInstant } from '@ec2ops/core/time';
import { fleetOf } from '@ec2ops/functions/accounts/clients';
import { autoScalingClients } from '@ec2ops/functions/autoscaling/launch-configurations';
import { memoryRunRecord } from '@ec2ops/functions/coordination/fleet-run';
import { ec2ClientsByRegion } from '@ec2ops/functions/ec2/client';
import { rbinClientsByRegion } from '@ec2ops/functions/ec2/recycle-bin';
import type { FleetRunDeps } from '@ec2ops/functions/jobs/fleet';
import { createJobFunction, type FanOutStarted } from '@ec2ops/functions/jobs/job-function';
import { jobImplementation, runJob } from '@ec2ops/functions/jobs/registry';
import { JOB_FUNCTIONS, type JobRoot } from '@ec2ops/functions/jobs/root';
import { isRegionName } from '@ec2ops/functions/jobs/run';
import { sqsShardQueue } from '@ec2ops/functions/jobs/shard-queue';
import { build } from '@ec2ops/functions/root';
import { createSlackNotifier, slackWebClient } from '@ec2ops/functions/slack-notifier';
import type { Command } from 'commander';
import pino from 'pino';
import { functionCredentials } from '../iam/stage-policies';
import { SANDBOX_BOT_TOKEN } from '../slack/seed';
import { lambdaContext } from '../sqs/delivery';
import { startSqsEmulator } from '../sqs/emulator';
import { registerCommand } from './main';
import { ec2Target, sandboxNow } from './sandbox-target';
import { loadConfig } from './stage-config';

export interface JobRunOptions {
  dryRun?: boolean;
  apply?: boolean;
  now?: string;
  region?: string[];
  config?: string;
  json?: boolean;
  state?: string;
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
  const nowMs = options.now === undefined ? undefined : parseInstant(options.now);
  if (options.now !== undefined && nowMs === undefined) {
    throw new InputError(
      'cli.now',
      `--now "${options.now}" is not an ISO-8601 instant; write e.g. 2026-11-23T15:00:00Z`,
    );
  }
  const badRegion = options.region?.find((r) => !isRegionName(r));
  if (badRegion)
    throw new InputError('cli.region', `--region "${badRegion}" is not an AWS region such as eu-west-1`);
  const given = options.config === undefined ? undefined : await loadConfig(options.config);
  jobImplementation(name); // "not implemented yet" before looking for an endpoint

  const stateDir = options.state ?? '.sandbox';
  const target = await ec2Target(env, stateDir);
  // Against a sandbox, by default: its stage config and its clock (the console may have moved it).
  const config =
    given ??
    (target.sandbox
      ? await loadConfig(join(stateDir, 'stage.json'), parseStageConfig(SANDBOX_STAGE))
      : parseStageConfig(SANDBOX_STAGE));
  const now =
    nowMs !== undefined
      ? new Date(nowMs)
      : target.endpoint && target.sandbox
        ? await sandboxNow(target.endpoint)
        : new Date();
  const settings = resolveJobSettings(config, name as JobName);
  const dryRun = effectiveDryRun(settings, options.apply ? 'apply' : options.dryRun ? 'dry-run' : undefined);
  const regions = options.region?.length
    ? options.region
    : !options.config && env.AWS_REGION && isRegionName(env.AWS_REGION)
      ? [env.AWS_REGION]
      : config.regions;

  const sandboxSlackApi = target.sandbox?.slackApi;
  if (target.sandbox) {
    process.stderr.write(
      `no AWS environment set: using the sandbox's EC2 at ${target.endpoint} as the ${name} function` +
        `${sandboxSlackApi && !env.SLACK_BOT_TOKEN ? `, and its Slack at ${sandboxSlackApi}` : ''}; ` +
        `at its clock (${now.toISOString()}), with ${given ? 'the config given' : join(stateDir, 'stage.json')}\n`,
    );
  }
  const log = pino({ level: env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const notifier = env.SLACK_BOT_TOKEN
    ? createSlackNotifier(slackWebClient(env.SLACK_BOT_TOKEN, env.SLACK_API_URL))
    : sandboxSlackApi
      ? createSlackNotifier(slackWebClient(SANDBOX_BOT_TOKEN, sandboxSlackApi))
      : undefined;
  const credentials = target.sandbox ? functionCredentials(name) : target.credentials;
  // The sandbox serves Auto Scaling on its EC2 port too; elsewhere the SDK's own lookup.
  const autoScaling = autoScalingClients({ endpoint: target.sandbox ? target.endpoint : undefined });
  const common = { notifier, config, now, dryRun, log, postDryRun: true, autoScaling };
  // A stage with member accounts fans out as its job function does: one shard per (account, region).
  const report =
    config.accounts?.length || config.organization
      ? await runFleetCli(name, common, { endpoint: target.endpoint, credentials }, options.region)
      : await runJob(name, {
          ...common,
          // Against a sandbox the job signs as its function, so the emulator holds it to its policy.
          ec2: ec2ClientsByRegion({ endpoint: target.endpoint, credentials }),
          // The sandbox serves the Recycle Bin API on its EC2 port; elsewhere the SDK's own lookup.
          rbin: rbinClientsByRegion({ endpoint: target.sandbox ? target.endpoint : undefined, credentials }),
          regions,
          onProgress: terminalProgress(name),
        });
  // Ends the progress line, which apply draws on a terminal.
  if (process.stderr.isTTY && !dryRun) process.stderr.write('\n');
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderReportText(report));
  return reportHasFailures(report) ? 1 : 0;
}

/**
 * `job run` over a fleet drives the deployed path: the job function's scheduled invocation sends
 * its shards to a shard queue (an SQS emulator on a free 127.0.0.1 port, for this run only) and
 * the same function consumes them at the stage's shard concurrency; the run's report comes back
 * from its run record once the last shard (or a continuation) finished.
 */
async function runFleetCli(
  name: JobName,
  common: Omit<FleetRunDeps, 'fleet' | 'record'>,
  aws: {
    endpoint: string | undefined;
    credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  },
  regions: string[] | undefined,
) {
  const region = common.config.regions[0];
  const root = build({
    fn: JOB_FUNCTIONS[name],
    env: {},
    endpoints: { ec2: aws.endpoint, sts: aws.endpoint, organizations: aws.endpoint },
    credentials: aws.credentials,
    region,
  });
  const fleet = fleetOf(root, common.config);
  const queueName = `ec2ops-${name}-shards`;
  const sqs = await startSqsEmulator({ port: 0, host: '127.0.0.1', queues: [{ name: queueName }] });
  const sqsClient = new SQSClient({
    endpoint: sqs.url,
    region: region ?? 'us-east-1',
    credentials: aws.credentials ?? { accessKeyId: 'ec2ops-cli', secretAccessKey: 'local' },
  });
  const record = memoryRunRecord();
  const jobRoot: JobRoot = {
    config: common.config,
    ec2: ec2ClientsByRegion({ endpoint: aws.endpoint, credentials: aws.credentials }),
    notifier: common.notifier,
    log: common.log ?? pino({ level: 'silent' }),
    clock: { now: () => new Date() },
    fleet,
    runRecord: record,
    shardQueue: sqsShardQueue(sqsClient, sqs.queueUrl(queueName)),
  };
  const fn = createJobFunction(jobImplementation(name), () => jobRoot);
  try {
    const started = (await fn(
      { now: common.now.toISOString(), dryRun: common.dryRun, ...(regions?.length ? { regions } : {}) },
      lambdaContext(JOB_FUNCTIONS[name], CLI_TIMEOUT_MS),
    )) as FanOutStarted;
    for (let i = 0; i < common.config.fanOut.shardConcurrency; i += 1) {
      sqs.consume(queueName, (event, context) => fn(event, context), {
        batchSize: 1,
        timeoutMs: CLI_TIMEOUT_MS,
        functionName: JOB_FUNCTIONS[name],
      });
    }
    while (true) {
      const report = await record.report(started.runId);
      if (report) return report;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await sqs.close({ graceMs: 1_000 });
    sqsClient.destroy();
    fleet.destroy();
  }
}

/** As infra deploys the job functions (300 s): each shard invocation's time, continuations after. */
const CLI_TIMEOUT_MS = 300_000;

/** Redraws at most this often: a job at EC2's rate finishes items faster than anyone reads. */
const PROGRESS_EVERY_MS = 250;

/**
 * Items done/total, rate and ETA on one rewritten stderr line, only on a terminal: a pipe or a
 * log file gets the report alone.
 */
function terminalProgress(job: string): ((progress: JobProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  const start = performance.now();
  let drawn = 0;
  return (progress) => {
    const now = performance.now();
    if (progress.done < progress.total && now - drawn < PROGRESS_EVERY_MS) return;
    drawn = now;
    process.stderr.write(`\r${progressLine(job, progress, now - start)}\x1b[K`);
  };
}

registerCommand((program: Command) => {
  const job = program.command('job').description('scheduled jobs: run one now, as its schedule would');
  job
    .command('run')
    .description(`run a job once: plan, apply (unless dry-run) and report. Jobs: ${JOB_NAMES.join(', ')}`)
    .argument('<job>', JOB_NAMES.join(' | '))
    .option('--dry-run', 'plan only; change nothing')
    .option('--apply', 'apply even if the stage config says dry-run')
    .option('--now <iso>', "run as if at this ISO-8601 instant (default: the sandbox's clock, else now)")
    .option('--region <region...>', "regions to run in (default: the config's, or AWS_REGION)")
    .option(
      '--config <file>',
      "stage config JSON (default: the sandbox's stage.json, else the built-in sandbox config)",
    )
    .option('--json', 'print the report as JSON')
    .option('--state <dir>', "the sandbox's state dir (endpoints.json, stage.json)", '.sandbox')
    .action(async (name: string, options: JobRunOptions) => {
      process.exitCode = await jobRun(name, options);
    });
  job.exitOverride().allowExcessArguments(false);
  for (const sub of job.commands) sub.exitOverride().allowExcessArguments(false);
});
