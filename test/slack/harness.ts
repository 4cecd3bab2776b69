import { EC2Client } from '@aws-sdk/client-ec2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { deriveApprovalKey } from '@ec2ops/core/approvals/token';
import { COMMANDS } from '@ec2ops/core/commands/index';
import { CommandRegistry } from '@ec2ops/core/commands/registry';
import type { QueueMessage } from '@ec2ops/core/commands/request';
import type { CommandSpec } from '@ec2ops/core/commands/types';
import { parseStageConfig, type StageConfigInput } from '@ec2ops/core/config/schema';
import { createAuditor } from '@ec2ops/functions/audit';
import type { ExpirySchedules } from '@ec2ops/functions/ops/expiry-schedules';
import { type Queue, sqsQueue } from '@ec2ops/functions/queue';
import { newRequestId } from '@ec2ops/functions/request-id';
import { createSlackHandler, type FunctionUrlHandler } from '@ec2ops/functions/slack/app';
import { createWorkerHandler } from '@ec2ops/functions/worker/batch';
import type { Executor } from '@ec2ops/functions/worker/context';
import type { WorkerDeps } from '@ec2ops/functions/worker/dispatch';
import { ec2Gateway } from '@ec2ops/functions/worker/ec2';
import { EXECUTORS } from '@ec2ops/functions/worker/executors/index';
import { createSlackNotifier } from '@ec2ops/functions/worker/notifier';
import { type Ec2Emulator, startEc2Emulator } from '@ec2ops/sandbox/ec2/server';
import { type FunctionUrlServer, startFunctionUrl } from '@ec2ops/sandbox/lambda/function-url';
import { emulatorMint, SlackRequestClient } from '@ec2ops/sandbox/slack/client';
import { type SlackEmulator, startSlackEmulator } from '@ec2ops/sandbox/slack/emulator';
import { DEFAULT_SEED, type WorkspaceSeed } from '@ec2ops/sandbox/slack/seed';
import { type SqsEmulator, startSqsEmulator } from '@ec2ops/sandbox/sqs/emulator';
import { WebClient } from '@slack/web-api';
import pino from 'pino';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const QUEUE = 'ec2ops-requests';
export const MAX_RECEIVE_COUNT = 3;
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

export const TEST_CONFIG: StageConfigInput = {
  stage: 'test',
  regions: ['us-east-1'],
  slack: {
    approvalsChannel: 'C0APPROVE',
    auditChannel: 'C0AUDIT',
    approvalExpiry: '1h',
    groupCacheSeconds: 60,
  },
  // UOPERATOR is an operator only through the SPLATFORM user group.
  roles: {
    users: { UVIEWER: 'viewer', UADMIN: 'admin', UADMIN2: 'admin' },
    groups: { SPLATFORM: 'operator' },
    bootstrapAdmins: [],
  },
};

/** The sandbox workspace plus a second admin, so that approvals have someone who is not the requester. */
export const TEST_SEED: WorkspaceSeed = {
  ...DEFAULT_SEED,
  users: [...DEFAULT_SEED.users, { id: 'UADMIN2', name: 'bea', realName: 'Bea Admin', role: 'admin' }],
};

export interface Harness {
  slack: SlackEmulator;
  sqs: SqsEmulator;
  ec2: Ec2Emulator;
  front: FunctionUrlServer;
  client: SlackRequestClient;
  /** Every message the slack function put on the queue. */
  sent: QueueMessage[];
  /** Every log line (parsed JSON) of both functions. */
  logs: Record<string, unknown>[];
  /** A second slack function (another Lambda container) on its own URL, same settings. */
  secondFront: FunctionUrlServer;
  secondClient: SlackRequestClient;
  ec2Client: EC2Client;
  handler: FunctionUrlHandler;
  close(): Promise<void>;
}

export interface HarnessOptions {
  specs?: CommandSpec[];
  executors?: Record<string, Executor>;
  config?: StageConfigInput;
  visibilityTimeoutSeconds?: number;
  /** The worker's expiry schedules (ops/): a Scheduler client against the sandbox's emulator. */
  expiry?: ExpirySchedules;
}

/**
 * The whole front door on loopback: Slack emulator, SQS emulator delivering to the real worker
 * handler, EC2 emulator, and the real slack handler behind a Function URL front.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const slack = await startSlackEmulator({ port: 0, seed: TEST_SEED });
  const sqs = await startSqsEmulator({
    port: 0,
    queues: [
      {
        name: QUEUE,
        visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
        deadLetter: { queue: `${QUEUE}-dlq`, maxReceiveCount: MAX_RECEIVE_COUNT },
      },
    ],
  });
  const ec2 = await startEc2Emulator({ port: 0, log: () => {} });
  const config = parseStageConfig(options.config ?? TEST_CONFIG);
  // Test-only specs replace a real command of the same name, so tests keep working as commands land.
  const extra = options.specs ?? [];
  const commands = new CommandRegistry([
    ...COMMANDS.filter((c) => !extra.some((e) => e.name === c.name)),
    ...extra,
  ]);
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const approvalKey = deriveApprovalKey(SIGNING_SECRET, config.stage);

  const sent: QueueMessage[] = [];
  const sqsClient = new SQSClient({ endpoint: sqs.url, region: 'us-east-1', credentials });
  const realQueue = sqsQueue(sqsClient, sqs.queueUrl(QUEUE));
  const queue: Queue = {
    async send(message) {
      sent.push(message);
      await realQueue.send(message);
    },
  };
  const makeHandler = () =>
    createSlackHandler({
      signingSecret: SIGNING_SECRET,
      botToken: slack.botToken,
      slackApiUrl: slack.apiUrl,
      botId: 'BBOT',
      botUserId: 'UBOT',
      deps: {
        config,
        commands,
        queue,
        auditor: createAuditor(logger.child({ fn: 'slack' }), (record, text) =>
          queue.send({ v: 1, kind: 'audit', record: { ...record }, text }),
        ),
        logger: logger.child({ fn: 'slack' }),
        now: () => new Date(),
        newRequestId,
        approvalKey,
      },
    });
  const handler = makeHandler();
  const front = await startFunctionUrl(handler, { functionName: 'slack' });
  const secondFront = await startFunctionUrl(makeHandler(), { functionName: 'slack-2' });

  const web = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl });
  const notifier = createSlackNotifier(web, logger);
  const ec2Client = new EC2Client({ endpoint: ec2.url, region: 'us-east-1', credentials });
  const workerLogger = logger.child({ fn: 'worker' });
  const deps: WorkerDeps = {
    config,
    commands,
    executors: { ...EXECUTORS, ...options.executors },
    ec2: ec2Gateway(config.regions, (region) => new EC2Client({ endpoint: ec2.url, region, credentials })),
    slack: notifier,
    clock: { now: () => new Date() },
    logger: workerLogger,
    auditor: createAuditor(
      workerLogger,
      async (_record, text) => void (await notifier.post('C0AUDIT', { text })),
    ),
    approvalKey,
    maxReceiveCount: MAX_RECEIVE_COUNT,
    // The emulator's instances run within a second: re-read them often rather than each second.
    pollIntervalMs: 50,
    expiry: options.expiry,
  };
  sqs.consume(QUEUE, createWorkerHandler(deps), { batchSize: 5, timeoutMs: 10_000, pollIntervalMs: 20 });

  const mint = emulatorMint(slack);
  const client = new SlackRequestClient({
    url: `${front.url}/slack/events`,
    signingSecret: SIGNING_SECRET,
    mint,
    seed: TEST_SEED,
  });
  const secondClient = new SlackRequestClient({
    url: `${secondFront.url}/slack/events`,
    signingSecret: SIGNING_SECRET,
    mint,
    seed: TEST_SEED,
  });
  return {
    slack,
    sqs,
    ec2,
    front,
    secondFront,
    client,
    secondClient,
    sent,
    logs,
    ec2Client,
    handler,
    async close() {
      await front.close();
      await secondFront.close();
      await sqs.close();
      await slack.close();
      await ec2.close();
    },
  };
}

/** The audit lines logged so far. */
export function auditLines(logs: Record<string, unknown>[]): Record<string, unknown>[] {
  return logs.filter((l) => l['audit'] === true);
}
