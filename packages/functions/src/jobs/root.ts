import { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { RbinClient } from '@aws-sdk/client-rbin';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ConfigError, type StageConfig } from '@ec2ops/core';
import { DEPLOYED_NAMES } from '@ec2ops/core/capability';
import type { JobName } from '@ec2ops/core/jobs';
import { type Fleet, fleetOf } from '../accounts/clients';
import { type OrganizationLookup, organizationLookup } from '../accounts/organization';
import { type AutoScalingFor, autoScalingClients } from '../autoscaling/launch-configurations';
import { type FleetRunRecord, fleetRunRecord, memoryRunRecord } from '../coordination/fleet-run';
import { type JobCoordination, jobCoordination } from '../coordination/job-lease';
import { type JobRuns, jobRuns } from '../coordination/job-runs';
import { stageCoordinationTable } from '../coordination/root';
import { type Ec2ClientsByRegion, ec2ClientsByRegion } from '../ec2/client';
import { rbinClientsByRegion } from '../ec2/recycle-bin';
import {
  awsClientSettings,
  build,
  type Clock,
  createLogger,
  type FunctionName,
  type Root,
  stageConfigFromJson,
} from '../root';
import { createSlackNotifier, slackWebClient } from '../slack-notifier';
import type { Logger } from '../telemetry/log';
import { createMeter, type Meter } from '../telemetry/meter';
import { type ShardQueue, sqsShardQueue } from './shard-queue';
import type { Notifier } from './types';

/** Everything a job function needs, built once per cold start. */
export interface JobRoot {
  config: StageConfig;
  ec2: Ec2ClientsByRegion;
  /** Recycle Bin clients by region, built on first use; absent: reports do not say what is recoverable. */
  rbin?: ((region: string) => RbinClient) | undefined;
  /** Auto Scaling clients beside each EC2 client (launch configurations pin images). */
  autoScaling?: AutoScalingFor | undefined;
  /** The hub's AWS organisation, read on first use (`org` / `ou-…` in bake.shareWith). */
  organization?: OrganizationLookup | undefined;
  notifier: Notifier | undefined;
  log: Logger;
  clock: Clock;
  /** Job-run leases for one run in an account; absent without COORDINATION_TABLE. */
  coordination?: ((account: string) => JobCoordination) | undefined;
  /** Member accounts (issue 15): a run fans out one shard per (account, region). Absent: the hub only. */
  fleet?: Fleet | undefined;
  /** Where shards record their outcome (the coordination table; in memory without one). */
  runRecord?: FleetRunRecord | undefined;
  /** How each run ended, for `/ec2 status`; absent without COORDINATION_TABLE. */
  runs?: JobRuns | undefined;
  /** The run's metrics (heartbeat, items, EC2 calls, savings); none when absent. */
  meter?: Meter | undefined;
  /**
   * The job's shard queue (`SHARD_QUEUE_URL`): a fleet run sends its shards there and this same
   * function consumes them. Absent: the shards run inside the scheduled invocation.
   */
  shardQueue?: ShardQueue | undefined;
}

/** Each job's function, as infra names it (and as the emulator knows its credentials). */
export const JOB_FUNCTIONS = {
  'ami-bake': DEPLOYED_NAMES['ami-bake'],
  'eip-cleanup': DEPLOYED_NAMES['eip-cleanup'],
  'port-sweep': DEPLOYED_NAMES['port-sweep'],
  'instance-reaper': DEPLOYED_NAMES['instance-reaper'],
} as const satisfies Record<JobName, FunctionName>;

/**
 * The job functions' assembly over the root. The linked secret `SlackBotToken` sends the reports
 * and owner DMs; without it, jobs only log. Settings: `EC2OPS_CONFIG` (the stage config as JSON,
 * validated here: a bad one fails the cold start) and `LOG_LEVEL`; endpoints, credentials and
 * the clock come from the root.
 */
export function createJobRoot(root: Root): JobRoot {
  const { env } = root;
  const log = createLogger(env, { fn: root.fn });
  if (!env['EC2OPS_CONFIG']) {
    throw new ConfigError('Missing environment variable EC2OPS_CONFIG (the stage config as JSON).', {
      hint: 'The deployment sets it (infra/); in the sandbox the runner does.',
    });
  }
  const config = stageConfigFromJson(env['EC2OPS_CONFIG']);
  const notifier = linkedNotifier(root);
  const ec2 = ec2ClientsByRegion({ endpoint: root.endpoints.ec2, credentials: root.credentials });
  const table = stageCoordinationTable(root, config, (m) => log.warn(m), { ackPath: false });
  // An hour: longer than any job function's timeout (infra/functions.ts SIZES), so only a crashed run's lease lapses.
  const coordination = table ? jobCoordination(table, { leaseSeconds: 3600 }) : undefined;
  return {
    config,
    ec2,
    notifier,
    log,
    clock: root.clock,
    coordination,
    rbin: rbinClientsByRegion({ endpoint: root.endpoints.rbin, credentials: root.credentials }),
    autoScaling: autoScalingClients({ endpoint: root.endpoints.autoScaling }),
    organization: organizationLookup(
      () =>
        new OrganizationsClient({
          ...awsClientSettings(root, root.endpoints.organizations),
          region: 'us-east-1',
        }),
    ),
    fleet: config.accounts?.length || config.organization ? fleetOf(root, config) : undefined,
    runRecord: table ? fleetRunRecord(table) : memoryRunRecord(),
    runs: table ? jobRuns(table) : undefined,
    meter: createMeter(env, config.stage),
    shardQueue: env['SHARD_QUEUE_URL']
      ? sqsShardQueue(new SQSClient(awsClientSettings(root, root.endpoints.sqs)), env['SHARD_QUEUE_URL'])
      : undefined,
  };
}

/** Reports and owner DMs through the linked secret `SlackBotToken`; undefined without it (then only logs). */
export function linkedNotifier(root: Root): Notifier | undefined {
  const token = root.secret('SlackBotToken');
  return token
    ? createSlackNotifier(
        slackWebClient(token, root.endpoints.slackApi, {
          retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
        }),
      )
    : undefined;
}

/** A job's root as its Lambda entry builds it: process.env and SST's linked secrets. */
export function lambdaJobRoot(name: JobName): JobRoot {
  return createJobRoot(build({ fn: JOB_FUNCTIONS[name], env: process.env }));
}
