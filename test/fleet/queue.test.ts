import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeAddressesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { FleetReport } from '@ec2ops/core/jobs';
import type { Fleet } from '@ec2ops/functions/accounts/clients';
import { fleetRunRecord } from '@ec2ops/functions/coordination/fleet-run';
import { jobCoordination } from '@ec2ops/functions/coordination/job-lease';
import { ec2ClientsByRegion } from '@ec2ops/functions/ec2/client';
import { eipCleanup } from '@ec2ops/functions/jobs/eip-cleanup';
import { createJobFunction, type FanOutStarted } from '@ec2ops/functions/jobs/job-function';
import type { JobRoot } from '@ec2ops/functions/jobs/root';
import { parseFleetMessage, sqsShardQueue } from '@ec2ops/functions/jobs/shard-queue';
import { createSlackNotifier, slackWebClient } from '@ec2ops/functions/slack-notifier';
import { silentLog } from '@ec2ops/functions/telemetry/log';
import { main } from '@ec2ops/sandbox/cli/main';
import type { DynamoEmulator } from '@ec2ops/sandbox/dynamo/server';
import { functionCredentials } from '@ec2ops/sandbox/iam/stage-policies';
import { type SlackEmulator, startSlackEmulator } from '@ec2ops/sandbox/slack/emulator';
import { lambdaContext, type SqsConsumer } from '@ec2ops/sandbox/sqs/delivery';
import { type SqsEmulator, startSqsEmulator } from '@ec2ops/sandbox/sqs/emulator';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { startTable } from '../coordination/support';
import { ago, allocateAddress, DAY, NOW } from '../jobs/eip-fixtures';
import { CliSession } from '../support/cli-session';
import { DEV, EXTERNAL_ID, type FleetWorld, fleetConfig, PROD, startFleetWorld } from './world';

/**
 * Issues 15 and 20, through the queue: the scheduled invocation of the eip-cleanup function sends
 * one message per (account, region) to its shard queue (the SQS emulator, over HTTP), the same
 * function consumes them as Lambda's event source mapping would (Powertools' batch processor),
 * and the last shard — or the delayed deadline message — posts the one report. Everything real:
 * SQS, STS and EC2 on the emulators (IAM enforced), the run record on dynalite, Slack's emulator.
 */
const M = { 'ec2ops:managed': 'true' };
const QUEUE = 'ec2ops-eip-cleanup-shards';
const SHARDS = [
  [DEV, 'us-east-1'],
  [DEV, 'eu-west-1'],
  [PROD, 'us-east-1'],
  [PROD, 'eu-west-1'],
] as const;
const TIMEOUT_MS = 300_000;

let world: FleetWorld;
let slack: SlackEmulator;
let dynamo: DynamoEmulator;
let sqs: SqsEmulator;
const closers: Array<() => void | Promise<void>> = [];
/** The run's clock (and SQS's): tests move it to make a delayed message due. */
let t = NOW.getTime() + 3_600_000;
const clock = { now: () => new Date(t) };
const releases: string[] = [];

async function start(overrides: Record<string, unknown> = {}) {
  t = NOW.getTime() + 3_600_000;
  releases.length = 0;
  const config = fleetConfig(overrides);
  world = await startFleetWorld(config, {
    observe: (r) => {
      if (r.action === 'ReleaseAddress') releases.push(r.params.string('AllocationId') ?? '');
    },
  });
  slack = await startSlackEmulator({ port: 0 });
  const tbl = await startTable();
  dynamo = tbl.dynamo;
  sqs = await startSqsEmulator({
    clock: { now: () => t },
    queues: [
      {
        name: QUEUE,
        visibilityTimeoutSeconds: 1800,
        deadLetter: { queue: 'shards-dlq', maxReceiveCount: 3 },
      },
    ],
  });
  const sqsClient = new SQSClient({
    endpoint: sqs.url,
    region: 'us-east-1',
    credentials: functionCredentials('eip-cleanup'),
  });
  const fleet: Fleet = world.fleetAs('eip-cleanup', clock);
  closers.push(
    () => fleet.destroy(),
    () => sqsClient.destroy(),
    () => tbl.table.client.destroy(),
  );
  for (const [account, region] of SHARDS) {
    const ec2 = await world.admin(account, region);
    await allocateAddress(ec2, `old-${account}-${region}`, { ...M, 'ec2ops:idle-since': ago(8 * DAY) });
    await allocateAddress(ec2, `keep-${account}-${region}`, { ...M, 'ec2ops:keep': 'true' });
  }
  const root: JobRoot = {
    config,
    ec2: ec2ClientsByRegion({
      endpoint: world.emulator.url,
      credentials: functionCredentials('eip-cleanup'),
    }),
    notifier: createSlackNotifier(slackWebClient(slack.botToken, slack.apiUrl)),
    log: silentLog(),
    clock,
    coordination: jobCoordination(tbl.table, { leaseSeconds: 3600, now: clock.now }),
    fleet,
    runRecord: fleetRunRecord(tbl.table),
    shardQueue: sqsShardQueue(sqsClient, sqs.queueUrl(QUEUE)),
  };
  const fn = createJobFunction(eipCleanup, () => root);
  return { fn, root, config };
}

afterEach(async () => {
  await sqs?.close({ graceMs: 100 });
  for (const close of closers.splice(0)) await close();
  await Promise.all([world.close(), slack.close(), dynamo.close()]);
});

/** The event source mapping: `n` delivery loops (maximumConcurrency), one message a batch. */
function consume(fn: SqsConsumer, n: number) {
  for (let i = 0; i < n; i += 1) sqs.consume(QUEUE, fn, { batchSize: 1, timeoutMs: TIMEOUT_MS });
}

/** What the mapping delivers, as the function receives it: its shard messages. */
const messagesOf = (event: SQSEvent) => event.Records.map((r) => parseFleetMessage(r.body));

async function reportOf(root: JobRoot, runId: string): Promise<FleetReport> {
  for (let i = 0; i < 2_000; i += 1) {
    const report = await root.runRecord!.report(runId);
    if (report) return report;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`run ${runId} was never reported`);
}

const names = async (ec2: EC2Client) =>
  ((await ec2.send(new DescribeAddressesCommand({}))).Addresses ?? [])
    .map((a) => a.Tags?.find((tag) => tag.Key === 'Name')?.Value)
    .sort();

async function schedule(fn: ReturnType<typeof createJobFunction>): Promise<FanOutStarted> {
  return (await fn(
    { now: NOW.toISOString(), dryRun: false },
    lambdaContext('ec2ops-eip-cleanup', TIMEOUT_MS),
  )) as FanOutStarted;
}

describe('a scheduled fan-out run through the shard queue', () => {
  it('sends one message per account and region; the consumers act in each and post one report', async () => {
    const { fn, root } = await start();

    const started = await schedule(fn);
    expect(started.shards).toBe(4);
    const sent = sqs.messages(QUEUE).map((m) => parseFleetMessage(m.body));
    expect(
      sent.filter((m) => m.kind === 'shard').map((m) => (m.kind === 'shard' ? `${m.alias}/${m.region}` : '')),
    ).toEqual(['dev/us-east-1', 'dev/eu-west-1', 'prod/us-east-1', 'prod/eu-west-1']);
    expect(sent.filter((m) => m.kind === 'deadline')).toHaveLength(1);
    consume(fn, 4);
    const report = await reportOf(root, started.runId);

    expect(report.shards.map((s) => `${s.alias}/${s.region}:${s.status}`)).toEqual([
      'dev/us-east-1:done',
      'dev/eu-west-1:done',
      'prod/us-east-1:done',
      'prod/eu-west-1:done',
    ]);
    expect(report.counts).toMatchObject({ done: 4, failed: 0 });
    for (const [account, region] of SHARDS) {
      expect(await names(await world.admin(account, region))).toEqual([`keep-${account}-${region}`]);
    }
    expect(slack.workspace.messages('C0EC2OPS')).toHaveLength(1);
    expect(world.denials()).toEqual([]);
  });

  it('a shard message delivered 3 times at once acts once, and the run posts one report', async () => {
    const { fn, root } = await start();
    const started = await schedule(fn);
    for (const m of sqs.messages(QUEUE)) {
      if (parseFleetMessage(m.body).kind !== 'shard') continue;
      sqs.injectDuplicate(QUEUE, m.messageId);
      sqs.injectDuplicate(QUEUE, m.messageId);
    }
    consume(fn, 12);
    const report = await reportOf(root, started.runId);
    await sqs.idle({ timeoutMs: 1 }).catch(() => undefined);

    const shardDeliveries = sqs
      .deliveries(QUEUE)
      .filter((d) => d.outcome === 'ok')
      .flatMap((d) => d.messageIds);
    expect(shardDeliveries.length).toBeGreaterThanOrEqual(12);
    expect(report.counts).toMatchObject({ done: 4, failed: 0 });
    // Each idle address was released by exactly one delivery.
    expect(releases).toHaveLength(4);
    expect(new Set(releases).size).toBe(4);
    expect(slack.workspace.messages('C0EC2OPS')).toHaveLength(1);
  });

  it('names the shards of an account whose role cannot be assumed; the others complete', async () => {
    const { fn, root } = await start();
    await world.breakRole(PROD);

    const started = await schedule(fn);
    consume(fn, 4);
    const report = await reportOf(root, started.runId);

    expect(
      report.shards.filter((s) => s.status === 'failed').map((s) => `${s.alias}/${s.region}:${s.code}`),
    ).toEqual(['prod/us-east-1:fleet.assume-role-failed', 'prod/eu-west-1:fleet.assume-role-failed']);
    expect(await names(await world.admin(DEV, 'us-east-1'))).toEqual([`keep-${DEV}-us-east-1`]);
    expect(await names(await world.admin(PROD, 'us-east-1'))).toHaveLength(2);
    expect(slack.workspace.messages('C0EC2OPS')).toHaveLength(1);
  });
});

describe('continuations (issue 20)', () => {
  /** The mapping, but the invocations `outOfTime` picks start with no time left (15 s: all reserve). */
  const consumeWith = (fn: SqsConsumer, outOfTime: (event: SQSEvent) => boolean) =>
    consume(
      (event, context) => fn(event, outOfTime(event) ? lambdaContext(context.functionName, 15_000) : context),
      4,
    );

  it('a shard past its deadline hands the rest to a continuation message; the report counts it', async () => {
    const { fn, root } = await start();
    const ec2 = await world.admin(DEV, 'eu-west-1');
    await allocateAddress(ec2, 'old-2', { ...M, 'ec2ops:idle-since': ago(8 * DAY) });
    const started = await schedule(fn);
    // dev/eu-west-1's first invocation runs out of time before its releases; its continuation has time.
    consumeWith(fn, (event) =>
      messagesOf(event).some(
        (m) => m.kind === 'shard' && m.alias === 'dev' && m.region === 'eu-west-1' && !m.continuation,
      ),
    );
    const report = await reportOf(root, started.runId);

    const shard = report.shards.find((s) => s.alias === 'dev' && s.region === 'eu-west-1')!;
    expect(shard).toMatchObject({ status: 'done', continuations: 1 });
    expect(shard.leftAtCap).toBeUndefined();
    expect(shard.counts).toMatchObject({ done: 2, failed: 0 });
    expect(report.counts).toMatchObject({ done: 5, failed: 0 });
    expect(report.regionFailures).toEqual([]);
    expect(report.sections.map((s) => s.title)).toContain('Continued past one invocation');
    expect(await names(ec2)).toEqual([`keep-${DEV}-eu-west-1`]);
    // The continuation message carried the two ids the first part left undone.
    const continued = sqs
      .deliveries(QUEUE)
      .flatMap((d) => d.messageIds)
      .filter((id) => !sqs.messages(QUEUE).some((m) => m.messageId === id));
    expect(continued.length).toBeGreaterThanOrEqual(5);
    expect(slack.workspace.messages('C0EC2OPS')).toHaveLength(1);
  });

  it('stops at the continuation cap and says so; the next run does the rest', async () => {
    const { fn, root } = await start({ fanOut: { continuations: 2 } });
    const started = await schedule(fn);
    // prod/us-east-1 never has time: its first part and both continuations run out.
    consumeWith(fn, (event) =>
      messagesOf(event).some((m) => m.kind === 'shard' && m.alias === 'prod' && m.region === 'us-east-1'),
    );
    const report = await reportOf(root, started.runId);

    const shard = report.shards.find((s) => s.alias === 'prod' && s.region === 'us-east-1')!;
    expect(shard).toMatchObject({ status: 'done', continuations: 2, leftAtCap: 1 });
    expect(report.regionFailures).toEqual([
      expect.objectContaining({ region: 'prod/us-east-1', code: 'fleet.continuation-cap' }),
    ]);
    expect(await names(await world.admin(PROD, 'us-east-1'))).toHaveLength(2);
    expect(report.counts).toMatchObject({ done: 3 });
  });
});

describe('the run deadline', () => {
  it('a shard that never finishes is named missing by the delayed deadline message', async () => {
    const { fn, root } = await start({ fanOut: { runDeadlineMinutes: 10 } });
    const started = await schedule(fn);
    // prod/eu-west-1's function crashes on every delivery (its message waits out the visibility timeout).
    consume((event, context) => {
      if (messagesOf(event).some((m) => m.kind === 'shard' && m.alias === 'prod' && m.region === 'eu-west-1'))
        throw new Error('Runtime exited with error: signal: killed');
      return fn(event, context);
    }, 4);
    for (let i = 0; i < 2_000 && countDone() < 3; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(countDone()).toBe(3);
    expect(await root.runRecord!.report(started.runId)).toBeUndefined();

    t += 10 * 60_000 + 1_000; // the deadline message (DelaySeconds 600) is now due
    const report = await reportOf(root, started.runId);

    expect(report.shards.map((s) => s.status)).toEqual(['done', 'done', 'done', 'missing']);
    expect(report.regionFailures).toEqual([
      expect.objectContaining({ region: 'prod/eu-west-1', code: 'fleet.shard-missing' }),
    ]);
    expect(slack.workspace.messages('C0EC2OPS')).toHaveLength(1);
  });
});

/** Shard messages consumed so far without error (the three healthy shards). */
function countDone(): number {
  return sqs.deliveries(QUEUE).filter((d) => d.outcome === 'ok').length;
}

describe('ec2ops job run over a fleet', () => {
  it('drives the shard queue and prints the report per shard (account, region) and in total', async () => {
    await start();
    const dir = await mkdtemp(join(tmpdir(), 'ec2ops-fleet-cli-'));
    const file = join(dir, 'stage.json');
    await writeFile(
      file,
      JSON.stringify({
        stage: 'fleet',
        regions: ['us-east-1', 'eu-west-1'],
        accounts: [
          { id: DEV, alias: 'dev', externalId: EXTERNAL_ID },
          { id: PROD, alias: 'prod', externalId: EXTERNAL_ID },
        ],
      }),
    );
    const cli = new CliSession();
    cli.begin(world.emulator.url, functionCredentials('eip-cleanup').accessKeyId);
    // The member roles are assumed through the emulator's STS, as the standard AWS environment names it.
    process.env.AWS_ENDPOINT_URL_STS = world.emulator.url;
    let code: number;
    try {
      code = await main([
        'job',
        'run',
        'eip-cleanup',
        '--apply',
        '--now',
        NOW.toISOString(),
        '--config',
        file,
        '--json',
      ]);
    } finally {
      cli.end();
      await rm(dir, { recursive: true, force: true });
    }
    const report = JSON.parse(cli.out) as FleetReport;
    expect(report.regionFailures).toEqual([]);
    expect(code).toBe(0);
    expect(report.shards.map((s) => `${s.account}/${s.region}:${s.status}:${s.counts?.done}`)).toEqual([
      `${DEV}/us-east-1:done:1`,
      `${DEV}/eu-west-1:done:1`,
      `${PROD}/us-east-1:done:1`,
      `${PROD}/eu-west-1:done:1`,
    ]);
    expect(report.counts).toMatchObject({ done: 4, failed: 0 });
    for (const [account, region] of SHARDS) {
      expect(await names(await world.admin(account, region))).toEqual([`keep-${account}-${region}`]);
    }
  });
});
