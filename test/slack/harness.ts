import { EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SQSClient } from '@aws-sdk/client-sqs';
import { deriveApprovalKey } from '@ec2ops/core/approvals';
import type { CommandSpec, QueueMessage } from '@ec2ops/core/commands';
import { COMMANDS, CommandRegistry } from '@ec2ops/core/commands';
import { parseStageConfig, type StageConfigInput } from '@ec2ops/core/config';
import { commandCapabilities, jobCapabilities } from '@ec2ops/core/iam';
import { JOB_DEFINITIONS } from '@ec2ops/core/job-catalog';
import { organizationLookup } from '@ec2ops/functions/accounts/organization';
import { createAuditor } from '@ec2ops/functions/audit';
import { replayCache } from '@ec2ops/functions/coordination/replay';
import type { CoordinationTable } from '@ec2ops/functions/coordination/table';
import { workerCoordination } from '@ec2ops/functions/coordination/worker';
import { ec2ClientsByRegion, ec2Gateway } from '@ec2ops/functions/ec2/client';
import type { ForecastStarter } from '@ec2ops/functions/forecast-starter';
import type { ExpirySchedules } from '@ec2ops/functions/ops/expiry-schedules';
import type { StatusSources } from '@ec2ops/functions/ops/status';
import { type Queue, sqsQueue } from '@ec2ops/functions/queue';
import { newRequestId } from '@ec2ops/functions/request-id';
import { createSlackHandler, type FunctionUrlHandler } from '@ec2ops/functions/slack/app';
import { createSlackNotifier, slackWebClient } from '@ec2ops/functions/slack-notifier';
import { createWorkerHandler } from '@ec2ops/functions/worker/batch';
import type { Executor } from '@ec2ops/functions/worker/context';
import type { WorkerDeps } from '@ec2ops/functions/worker/dispatch';
import { EXECUTORS } from '@ec2ops/functions/worker/executors/index';
import { type Ec2Emulator, startEc2Emulator } from '@ec2ops/sandbox/ec2/server';
import { functionCredentials, SANDBOX_CREDENTIALS, stageEnforcer } from '@ec2ops/sandbox/iam/stage-policies';
import { type FunctionUrlServer, startFunctionUrl } from '@ec2ops/sandbox/lambda/function-url';
import { emulatorMint, SlackRequestClient } from '@ec2ops/sandbox/slack/client';
import { type SlackEmulator, startSlackEmulator } from '@ec2ops/sandbox/slack/emulator';
import { DEFAULT_SEED, type WorkspaceSeed } from '@ec2ops/sandbox/slack/seed';
import { type SqsEmulator, startSqsEmulator } from '@ec2ops/sandbox/sqs/emulator';
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
  // The probe command launches Amazon's images: the generated policy allows only trusted owners.
  launch: { images: { aliases: { al2023: { owner: 'amazon', name: 'al2023-ami-2023.*' } } } },
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
  /** The test's own client: full access (set-up and inspection, as an operator's credentials). */
  ec2Client: EC2Client;
  /** The worker's client: signs as `Worker`, so the emulator holds it to the worker's policy. */
  workerEc2Client: EC2Client;
  handler: FunctionUrlHandler;
  /** The worker's Lambda handler the queue delivers to, for invoking it directly. */
  worker: ReturnType<typeof createWorkerHandler>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  specs?: CommandSpec[];
  executors?: Record<string, Executor>;
  config?: StageConfigInput;
  visibilityTimeoutSeconds?: number;
  /** The coordination table both functions use (test/coordination/); none by default. */
  coordination?: CoordinationTable;
  /** The worker's expiry schedules (ops/): a Scheduler client against the sandbox's emulator. */
  expiry?: ExpirySchedules;
  /** What `/ec2 status` reads (ops/status.ts): the test's emulators behind the real clients. */
  status?: (h: { sqs: SqsEmulator }) => StatusSources;
  /** How the worker starts the Forecast function (`/ec2 forecast`); none by default. */
  forecasts?: ForecastStarter;
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
  const config = parseStageConfig(options.config ?? TEST_CONFIG);
  // Test-only specs replace a real command of the same name, so tests keep working as commands land.
  const extra = options.specs ?? [];
  const specs = [...COMMANDS.filter((c) => !extra.some((e) => e.name === c.name)), ...extra];
  const commands = new CommandRegistry(specs);
  // The emulator enforces the policy these commands generate: the worker signs as `Worker`.
  const enforcer = stageEnforcer(config, [
    ...commandCapabilities(specs),
    ...jobCapabilities(JOB_DEFINITIONS),
  ]);
  const ec2 = await startEc2Emulator({ port: 0, log: () => {}, interceptors: [enforcer.interceptor] });
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
      replay: options.coordination ? replayCache(options.coordination) : undefined,
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
        clock: { now: () => new Date() },
        newRequestId,
        approvalKey,
        coordination: options.coordination,
      },
    });
  const handler = makeHandler();
  const front = await startFunctionUrl(handler, { functionName: 'slack' });
  const secondFront = await startFunctionUrl(makeHandler(), { functionName: 'slack-2' });

  const notifier = createSlackNotifier(slackWebClient(slack.botToken, slack.apiUrl), logger);
  const ec2Client = new EC2Client({
    endpoint: ec2.url,
    region: 'us-east-1',
    credentials: SANDBOX_CREDENTIALS,
  });
  const workerEc2Client = new EC2Client({
    endpoint: ec2.url,
    region: 'us-east-1',
    credentials: functionCredentials('worker'),
  });
  const workerLogger = logger.child({ fn: 'worker' });
  const deps: WorkerDeps = {
    config,
    commands,
    executors: { ...EXECUTORS, ...options.executors },
    ec2: ec2Gateway(
      config.regions,
      ec2ClientsByRegion({ endpoint: ec2.url, credentials: functionCredentials('worker') }),
    ),
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
    // Organizations answers on the EC2 emulator's port (`/ec2 ami share … with org|ou-…`).
    organization: organizationLookup(
      () =>
        new OrganizationsClient({
          endpoint: ec2.url,
          region: 'us-east-1',
          credentials: functionCredentials('worker'),
        }),
    ),
    coordination: options.coordination
      ? workerCoordination(options.coordination, () => new Date())
      : undefined,
    expiry: options.expiry,
    status: options.status?.({ sqs }),
    forecasts: options.forecasts,
  };
  const worker = createWorkerHandler(deps);
  sqs.consume(QUEUE, worker, { batchSize: 5, timeoutMs: 10_000, pollIntervalMs: 20 });

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
    workerEc2Client,
    handler,
    worker,
    async close() {
      await front.close();
      await secondFront.close();
      await sqs.close();
      await slack.close();
      await ec2.close();
    },
  };
}

/** The audit records logged so far (each line carries its record, unchanged, under `record`). */
export function auditLines(logs: Record<string, unknown>[]): Record<string, unknown>[] {
  return logs.flatMap((l) => {
    const record = l['record'] as Record<string, unknown> | undefined;
    return record?.['audit'] === true ? [record] : [];
  });
}
