import { SANDBOX_STAGE } from '@ec2ops/core/config';
import { AlarmStore, createCloudWatchHandler } from '../cloudwatch/alarms';
import { sqsAgeMetrics } from '../cloudwatch/sqs-metrics';
import type { ConsoleSnapshot, Endpoints } from '../console/types';
import { SANDBOX_COORDINATION_TABLE, startSandboxCoordination } from '../dynamo/server';
import { Clock } from '../ec2/clock';
import { startEc2Emulator } from '../ec2/server';
import type { Delays } from '../ec2/store';
import { sandboxMemberAccessKey, sandboxMemberCredentials, stageEnforcer } from '../iam/stage-policies';
import { functionUrlListener, invocationContext } from '../lambda/function-url';
import { lambdaInvokeEndpoint } from '../lambda/invoke';
import { addOrganizationalUnit } from '../organizations/api';
import { createSchedulerHandler } from '../scheduler/api';
import { SchedulerService } from '../scheduler/service';
import { DEV_SIGNING_SECRET } from '../slack/dev-secret';
import { createSlackEmulator } from '../slack/emulator';
import type { SlackWorkspace } from '../slack/workspace';
import { createSqsHandler } from '../sqs/api';
import { SqsHub } from '../sqs/emulator';
import { AccountIndex } from './account-index';
import { alarmRoute } from './alarms';
import { buildConsoleAssets } from './assets';
import { ConsoleBackend } from './console-backend';
import { createConsoleRoutes } from './console-routes';
import { ec2Clients } from './ec2-clients';
import { expiryEnvironment, invokeExpiry, sandboxExpirySettings } from './expiry';
import { createFront } from './front';
import { handlerEnvironment } from './handler-env';
import { buildHandlers, type Handlers } from './handlers';
import { invokeJob, scheduledJobs, shardQueueName } from './jobs';
import { listen } from './listen';
import { memberAccountInputs, SANDBOX_OU, sandboxMembers } from './member-accounts';
import { LocalScheduler } from './scheduler';
import { seedAccount, withoutDelays } from './seed-account';
import { seedMemberAccount } from './seed-members';
import { consumeShardQueues, shardQueueDefinitions } from './shard-queues';
import { loadStageConfig, openStateDir, unreadableState, writeEndpoints } from './state-dir';

export const DEFAULT_PORT = 3000;
const COMMAND_QUEUE = 'ec2ops-commands';
/** As infra/functions.ts deploys them: deliveries before the dead-letter queue, worker timeout. */
const COMMAND_MAX_RECEIVES = 3;
const WORKER_TIMEOUT_MS = 60_000;
/** The Forecast function's name in the sandbox, as infra would name it. */
const SANDBOX_FORECAST_FUNCTION = 'ec2ops-forecast';
const ACCOUNT_ID = '123456789012';

export interface SandboxOptions {
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** When the port was chosen by the person: a busy port is then an error, not a fallback. */
  portIsExplicit?: boolean;
  host?: string;
  /** Default `.sandbox`. */
  stateDir?: string;
  /** Default: SLACK_SIGNING_SECRET, else the development secret. */
  signingSecret?: string;
  /** Run the jobs on their schedules (default true; "run now" and clock moves work either way). */
  schedule?: boolean;
  /** Seed a new state (default true). */
  seed?: boolean;
  /** Handler log level (LOG_LEVEL); default: $LOG_LEVEL, else `warn` to keep the terminal readable. */
  logLevel?: string;
  /** EC2 transition delays (ms); the sandbox default keeps EC2's order of events, only faster. */
  delays?: Partial<Delays>;
  log?: (line: string) => void;
}

export interface Sandbox {
  endpoints: Endpoints;
  port: number;
  /** Set when the wanted port was busy and a free one was taken. */
  fallbackFrom?: number;
  stateDir: string;
  signingSecret: string;
  signingSecretSource: ConsoleSnapshot['signingSecret'];
  /** True when this start seeded a new account. */
  seeded: boolean;
  clock: Clock;
  scheduler: LocalScheduler;
  workspace: SlackWorkspace;
  sqs: SqsHub;
  /** EventBridge Scheduler's one-time expiry schedules, fired on the sandbox clock. */
  schedules: SchedulerService;
  /** Moves sandbox time forward and runs the jobs that fall due; resolves when they finished. */
  advanceClock(ms: number): Promise<string>;
  readyInMs: number;
  close(): Promise<void>;
}

/**
 * `ec2ops sandbox`: the whole product in one process. The EC2 emulator (own port), and on the
 * sandbox port: the web console, the slack function behind a Function URL at /slack/events, the
 * Slack emulator (/api/*, /_responses/*), and the SQS endpoint that feeds the worker. The real
 * handlers run with production's environment; only endpoints and time differ.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const host = options.host ?? '127.0.0.1';
  const state = openStateDir(options.stateDir ?? '.sandbox');
  const { input: stageInput, config } = loadStageConfig(state, SANDBOX_STAGE);
  const region = config.regions[0] ?? 'us-east-1';
  const signingSecret = options.signingSecret ?? process.env['SLACK_SIGNING_SECRET'] ?? DEV_SIGNING_SECRET;
  const signingSecretSource: ConsoleSnapshot['signingSecret'] =
    signingSecret === DEV_SIGNING_SECRET ? 'development' : 'SLACK_SIGNING_SECRET';
  const cleanup: Array<() => Promise<void> | void> = [];
  // Runs each step once, newest first, however often it is called (close() is idempotent).
  const undo = async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  };
  let closing: Promise<void> | undefined;

  try {
    // One clock for everything: EC2 transitions, Slack's expiries, SQS visibility, and the
    // handlers' "now", which their composition root takes from here.
    const clock = new Clock(Date.now);
    const sharedClock = { now: () => clock.now() };

    const assetsBuilt = buildConsoleAssets();
    assetsBuilt.catch(() => undefined); // awaited below; a failure before then must not go unhandled
    // The hub and its member accounts (dev, prod): handlers reach members through STS AssumeRole.
    const members = sandboxMembers(config);
    const enforcer = stageEnforcer(
      config,
      undefined,
      members.map((m) => m.id),
    );
    const ec2 = await startEc2Emulator({
      host,
      port: 0,
      stateFile: state.ec2File,
      clock,
      accountId: ACCOUNT_ID,
      accounts: memberAccountInputs(config, members),
      // Every handler signs as its function; the emulator holds it to that function's generated policy.
      interceptors: [enforcer.interceptor],
      authorizeCall: enforcer.allows,
      ...(options.delays ? { delays: options.delays } : {}),
      log,
    }).catch((error: unknown) => {
      throw unreadableState(state.ec2File, error);
    });
    cleanup.push(() => ec2.close());
    addOrganizationalUnit(ec2.accounts, SANDBOX_OU);
    for (const member of members) ec2.accounts.bindKey(sandboxMemberAccessKey(member.id), member.id);

    const slack = createSlackEmulator({ clock: sharedClock });
    const workspace = slack.workspace;
    cleanup.push(() => slack.endStreams());
    const sqs = new SqsHub({
      accountId: ACCOUNT_ID,
      region,
      clock: sharedClock,
      queues: [
        {
          name: COMMAND_QUEUE,
          // AWS's advice, as infra applies it: six times the worker's timeout.
          visibilityTimeoutSeconds: (6 * WORKER_TIMEOUT_MS) / 1000,
          deadLetter: { queue: `${COMMAND_QUEUE}-dlq`, maxReceiveCount: COMMAND_MAX_RECEIVES },
        },
        ...shardQueueDefinitions(),
      ],
    });
    cleanup.push(() => sqs.close());
    const sqsEndpoint = createSqsHandler(sqs.service, { closed: () => sqs.isClosed });
    const expiry = sandboxExpirySettings(config.stage, ACCOUNT_ID, region);
    let expireHandler: Handlers['expire'] | undefined;
    const schedules = new SchedulerService({
      accountId: ACCOUNT_ID,
      region,
      now: () => clock.now(),
      groups: [expiry.group],
      invoke: invokeExpiry(expiry, () => {
        if (!expireHandler) throw new Error('the expiry function is not loaded yet');
        return expireHandler;
      }),
    });
    const schedulerEndpoint = createSchedulerHandler(schedules);
    // The alarms fired and not recovered, behind CloudWatch's DescribeAlarms (`/ec2 status`).
    const alarmStore = new AlarmStore();
    const cloudwatchEndpoint = createCloudWatchHandler(alarmStore, sqsAgeMetrics(sqs.service));
    const alarmTopicArn = `arn:aws:sns:${region}:${ACCOUNT_ID}:ec2ops-${config.stage}-Alarms`;

    const { server, setRoute } = createFront(log);
    const listening = await listen(server, options.port ?? DEFAULT_PORT, host, !options.portIsExplicit);
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const base = `http://${host}:${listening.port}`;
    slack.setOrigin(base);
    sqs.service.baseUrl = base;
    const endpoints: Endpoints = {
      console: `${base}/`,
      slack: `${base}/slack/events`,
      ec2: ec2.url,
      sqs: base,
      slackApi: slack.apiUrl(),
    };
    slack.setApp({ url: endpoints.slack, signingSecret });

    // The coordination table (dynalite on a free port), reached as a deployment reaches DynamoDB.
    const coordination = await startSandboxCoordination();
    cleanup.push(() => coordination.dynamo.close());
    const jobs = scheduledJobs(config);
    const handlers = await buildHandlers({
      env: {
        ...handlerEnvironment({
          botId: workspace.seed.bot.botId,
          botUserId: workspace.seed.bot.userId,
          queueUrl: sqs.queueUrl(COMMAND_QUEUE),
          config: stageInput,
          logLevel: options.logLevel ?? process.env['LOG_LEVEL'] ?? 'warn',
          maxReceiveCount: COMMAND_MAX_RECEIVES,
        }),
        COORDINATION_TABLE: SANDBOX_COORDINATION_TABLE,
        ...expiryEnvironment(expiry),
        // As infra/status.ts sets them for the worker.
        STATUS_QUEUE_URL: sqs.queueUrl(COMMAND_QUEUE),
        STATUS_DLQ_URL: sqs.queueUrl(`${COMMAND_QUEUE}-dlq`),
        ALARM_TOPIC_ARN: alarmTopicArn,
        FORECAST_FUNCTION_NAME: SANDBOX_FORECAST_FUNCTION,
      },
      // Each job's function sends its fan-out shards to its own queue, as infra/jobs.ts sets it.
      jobEnv: (job) => ({ SHARD_QUEUE_URL: sqs.queueUrl(shardQueueName(job)) }),
      secrets: { SlackBotToken: workspace.seed.bot.token, SlackSigningSecret: signingSecret },
      clock: { now: () => new Date(clock.now()) },
      endpoints: {
        ec2: ec2.url,
        // The emulator serves the Recycle Bin API beside EC2 (one state for rules and deletions).
        rbin: ec2.url,
        // …and Auto Scaling's launch configurations (what the bake counts as using an image).
        autoScaling: ec2.url,
        sqs: endpoints.sqs,
        slackApi: endpoints.slackApi,
        dynamodb: coordination.dynamo.url,
        // STS and Organizations are served on the EC2 emulator's port (docs/emulator.md).
        sts: ec2.url,
        organizations: ec2.url,
        scheduler: base,
        cloudwatch: base,
        // The worker starts the Forecast function through Lambda's Invoke API, served on this port.
        lambda: base,
      },
      region,
    });
    expireHandler = handlers.expire;
    const alarms = alarmRoute(
      () => (event) => handlers.alarms(event, invocationContext('ec2ops-alarms')),
      () => clock.now(),
      (a) =>
        alarmStore.set({
          name: a.name,
          state: a.state,
          reason: a.reason,
          description: a.description,
          updatedAt: a.at,
          actions: [alarmTopicArn],
        }),
    );
    const lambdaInvoke = lambdaInvokeEndpoint({ [SANDBOX_FORECAST_FUNCTION]: handlers.forecast });
    cleanup.push(() => lambdaInvoke.idle());
    const slackFunction = functionUrlListener(handlers.slack, { functionName: 'ec2ops-slack' });
    sqs.consume(COMMAND_QUEUE, handlers.worker, {
      batchSize: 5,
      timeoutMs: WORKER_TIMEOUT_MS,
      functionName: 'ec2ops-worker',
    });
    // A stage with member accounts fans its jobs out: scheduled run → shard messages → the job function.
    if (config.accounts?.length || config.organization) {
      consumeShardQueues(sqs, config, (job) => (event, context) => handlers.jobs[job]!(event, context));
    }

    const clients = ec2Clients(ec2.url);
    cleanup.push(() => clients.destroy());
    const memberClients = members.map((member) => ({
      member,
      clients: ec2Clients(ec2.url, sandboxMemberCredentials(member.id)),
    }));
    cleanup.push(() => {
      for (const { clients } of memberClients) clients.destroy();
    });

    const seeded = state.isNew && options.seed !== false;
    if (seeded) {
      // Every account at once: the hub's tour, and a small fleet in each member account.
      await withoutDelays(ec2.store, () =>
        Promise.all([
          seedAccount({
            ec2: clients.forRegion,
            regions: config.regions,
            tagPrefix: config.tagPrefix,
            now: () => clock.now(),
            accessGroupTags: config.access.groups.tags,
          }),
          ...memberClients.map(({ member, clients: c }) =>
            seedMemberAccount({
              alias: member.alias,
              ec2: c.forRegion,
              regions: member.regions,
              tagPrefix: config.tagPrefix,
              now: () => clock.now(),
            }),
          ),
        ]),
      );
    }

    const changes = new Set<() => void>();
    const changed = () => {
      for (const listener of changes) listener();
    };
    const scheduler = new LocalScheduler({
      now: () => clock.now(),
      jobs,
      invoke: invokeJob(handlers),
      onChange: changed,
      log,
    });
    // The sandbox is for watching things happen: scheduled runs apply unless the console's
    // "Dry run" toggle says otherwise (the stage config itself stays dry-run, as non-production).
    scheduler.dryRunOverride = false;
    if (options.schedule !== false) scheduler.start();
    // One-time schedules fire on real time passing too, not only when the clock is moved by hand.
    const scheduleTimer = setInterval(() => void schedules.fireDue(), 5_000);
    scheduleTimer.unref();
    cleanup.push(async () => {
      clearInterval(scheduleTimer);
      await schedules.idle();
    });
    cleanup.push(async () => {
      scheduler.stop();
      await scheduler.idle();
    });

    // The console's rows, kept in memory and updated from what each EC2 change touched.
    const account = new AccountIndex({
      regions: config.regions,
      tagPrefix: config.tagPrefix,
      now: () => clock.now(),
      ipv4PricePerHour: config.eip.pricePerHour,
      accessGroups: config.access.groups,
      aliases: config.launch.images.aliases,
      // The console shows every account: the hub under its own name, members by alias.
      accounts: [
        { label: 'hub', store: ec2.store, regions: config.regions },
        ...members.map((member) => {
          const store = ec2.accounts.get(member.id)?.store;
          if (!store) throw new Error(`member account ${member.id} is not in the emulator`);
          return { label: member.alias, store, regions: member.regions };
        }),
      ],
    });

    const advanceClock = async (ms: number) => {
      clock.advance(ms);
      ec2.accounts.wakeAll();
      ec2.store.markChanged();
      changed();
      // Expiry schedules first, as on AWS where each fires at its own instant, before the next sweep.
      await schedules.fireDue();
      await scheduler.tick('clock');
      return new Date(clock.now()).toISOString();
    };

    const backend = new ConsoleBackend({
      workspace,
      driver: slack.driver,
      config,
      endpoints,
      signingSecretSource,
      clock,
      account,
      jobs: () => scheduler.view(),
      queue: () => {
        const main = sqs.service.queue(COMMAND_QUEUE).counts();
        const dead = sqs.service.queue(`${COMMAND_QUEUE}-dlq`).counts();
        return { waiting: main.visible + main.delayed, inFlight: main.inFlight, deadLetters: dead.total };
      },
    });
    const consoleRoutes = createConsoleRoutes(await assetsBuilt, backend, {
      runJob: (name, dryRun) => scheduler.runNow(name, dryRun),
      jobSettings: (s) => {
        if (s.dryRunOverride !== undefined) scheduler.dryRunOverride = s.dryRunOverride;
        if (s.paused !== undefined) scheduler.paused = s.paused;
        changed();
      },
      advanceClock,
      // Loaded when first asked for: the forecast brings every job's code, which start-up does not need.
      forecast: async (days) => {
        const [{ runForecast }, { twinOfStore }] = await Promise.all([
          import('../forecast/run'),
          import('../twin/store-copy'),
        ]);
        return runForecast({ twin: twinOfStore(ec2.store, config.regions), config, days });
      },
      settle: () => {
        for (const { store } of ec2.accounts.all())
          for (const regionState of store.regions()) store.advance(regionState);
      },
      subscribe: (listener) => {
        changes.add(listener);
        const offSlack = workspace.subscribe(listener);
        const offEc2 = ec2.accounts.onChange(listener);
        return () => {
          changes.delete(listener);
          offSlack();
          offEc2();
        };
      },
    });
    cleanup.push(() => consoleRoutes.close());

    setRoute(async (req, res) => {
      if (await sqsEndpoint(req, res)) return true;
      if (await schedulerEndpoint(req, res)) return true;
      if (await cloudwatchEndpoint(req, res)) return true;
      if (await alarms(req, res)) return true;
      if (await lambdaInvoke.handle(req, res)) return true;
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/slack/events') {
        if (req.method !== 'POST') return false;
        await slackFunction(req, res);
        return true;
      }
      if (await consoleRoutes.handle(req, res)) return true;
      return slack.handle(req, res);
    });

    writeEndpoints(state, endpoints);
    const sandbox: Sandbox = {
      endpoints,
      port: listening.port,
      ...(listening.fallbackFrom === undefined ? {} : { fallbackFrom: listening.fallbackFrom }),
      stateDir: state.dir,
      signingSecret,
      signingSecretSource,
      seeded,
      clock,
      scheduler,
      workspace,
      sqs,
      schedules,
      advanceClock,
      readyInMs: Date.now() - started,
      close: () => {
        closing ??= undo();
        return closing;
      },
    };
    return sandbox;
  } catch (error) {
    await undo();
    throw error;
  }
}
