import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { EC2Client } from '@aws-sdk/client-ec2';
import { resolveJobSettings } from '@ec2ops/core/config/jobs';
import { SANDBOX_STAGE } from '@ec2ops/core/config/sandbox-stage';
import { JOB_DEFINITIONS } from '@ec2ops/core/jobs/catalog';
import type { AccountView, ConsoleSnapshot, Endpoints } from '../console/types';
import { Clock } from '../ec2/clock';
import { startEc2Emulator } from '../ec2/server';
import type { Delays } from '../ec2/store';
import { functionUrlListener, invocationContext } from '../lambda/function-url';
import { DEV_SIGNING_SECRET } from '../slack/dev-secret';
import { createSlackEmulator } from '../slack/emulator';
import type { SlackWorkspace } from '../slack/workspace';
import { createSqsHandler } from '../sqs/api';
import { SqsHub } from '../sqs/emulator';
import { readAccountView } from './account-view';
import { buildConsoleAssets } from './assets';
import { ConsoleBackend } from './console-backend';
import { createConsoleRoutes } from './console-routes';
import { applyEnvironment, handlerEnvironment } from './handler-env';
import { importHandlers, jobOutcome } from './handlers';
import { listen } from './listen';
import { installProcessClock, realNow } from './process-clock';
import { LocalScheduler } from './scheduler';
import { seedAccount } from './seed-account';
import { loadStageConfig, openStateDir, unreadableState, writeEndpoints } from './state-dir';

export const DEFAULT_PORT = 3000;
const COMMAND_QUEUE = 'ec2ops-commands';
/** As infra/functions.ts deploys them: deliveries before the dead-letter queue, worker timeout. */
const COMMAND_MAX_RECEIVES = 3;
const WORKER_TIMEOUT_MS = 60_000;
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
  const started = realNow();
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const host = options.host ?? '127.0.0.1';
  const state = openStateDir(options.stateDir ?? '.sandbox');
  const { input: stageInput, config } = loadStageConfig(state, SANDBOX_STAGE);
  const region = config.regions[0] ?? 'us-east-1';
  const signingSecret = options.signingSecret ?? process.env['SLACK_SIGNING_SECRET'] ?? DEV_SIGNING_SECRET;
  const signingSecretSource: ConsoleSnapshot['signingSecret'] =
    signingSecret === DEV_SIGNING_SECRET ? 'development' : 'SLACK_SIGNING_SECRET';
  const cleanup: Array<() => Promise<void> | void> = [];
  const undo = async () => {
    for (const step of cleanup.reverse()) await step();
  };

  try {
    // One clock for everything: EC2 transitions, Slack's expiries, SQS visibility, `new Date()`.
    const clock = new Clock(realNow);
    cleanup.push(installProcessClock(() => clock.now()));
    const sharedClock = { now: () => clock.now() };

    const assetsBuilt = buildConsoleAssets();
    const ec2 = await startEc2Emulator({
      host,
      port: 0,
      stateFile: state.ec2File,
      clock,
      accountId: ACCOUNT_ID,
      ...(options.delays ? { delays: options.delays } : {}),
      log,
    }).catch((error: unknown) => {
      throw unreadableState(state.ec2File, error);
    });
    cleanup.push(() => ec2.close());

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
          visibilityTimeoutSeconds: 60,
          deadLetter: { queue: `${COMMAND_QUEUE}-dlq`, maxReceiveCount: COMMAND_MAX_RECEIVES },
        },
      ],
    });
    cleanup.push(() => sqs.close());
    const sqsEndpoint = createSqsHandler(sqs.service, { closed: () => sqs.isClosed });

    // The sandbox port answers before the handlers are loaded; requests wait for them.
    let route: (req: IncomingMessage, res: ServerResponse) => Promise<boolean> = async () => false;
    const server = createServer((req, res) => {
      route(req, res)
        .then((handled) => {
          if (!handled && !res.headersSent) {
            res.writeHead(404, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: `nothing here: ${req.method} ${req.url}` }));
          }
        })
        .catch((error: unknown) => {
          log(`sandbox: ${req.method} ${req.url} failed: ${(error as Error)?.stack ?? String(error)}`);
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'internal error' }));
        });
    });
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

    cleanup.push(
      applyEnvironment(
        handlerEnvironment({
          signingSecret,
          botToken: workspace.seed.bot.token,
          botId: workspace.seed.bot.botId,
          botUserId: workspace.seed.bot.userId,
          slackApiUrl: endpoints.slackApi,
          queueUrl: sqs.queueUrl(COMMAND_QUEUE),
          ec2Url: ec2.url,
          sqsUrl: endpoints.sqs,
          config: stageInput,
          region,
          logLevel: options.logLevel ?? process.env['LOG_LEVEL'] ?? 'warn',
          maxReceiveCount: COMMAND_MAX_RECEIVES,
        }),
      ),
    );
    const jobNames = JOB_DEFINITIONS.map((j) => j.name);
    const handlers = await importHandlers(jobNames);
    const slackFunction = functionUrlListener(handlers.slack, { functionName: 'ec2ops-slack' });
    sqs.consume(COMMAND_QUEUE, handlers.worker, {
      batchSize: 5,
      timeoutMs: WORKER_TIMEOUT_MS,
      functionName: 'ec2ops-worker',
    });

    const ec2Clients = new Map<string, EC2Client>();
    const ec2For = (r: string) => {
      let client = ec2Clients.get(r);
      if (!client) {
        client = new EC2Client({ region: r, endpoint: ec2.url, maxAttempts: 1 });
        ec2Clients.set(r, client);
      }
      return client;
    };
    cleanup.push(() => {
      for (const client of ec2Clients.values()) client.destroy();
    });

    let seeded = false;
    if (state.isNew && options.seed !== false) {
      // Seeding waits for instances and images; with zero delays it does not wait at all.
      const delays = { ...ec2.store.delays };
      for (const key of Object.keys(ec2.store.delays) as (keyof Delays)[]) {
        if (key !== 'terminatedRetention') ec2.store.delays[key] = 0;
      }
      try {
        await seedAccount({
          ec2: ec2For,
          regions: config.regions,
          tagPrefix: config.tagPrefix,
          now: () => clock.now(),
          accessGroupTags: config.access.groups.tags,
        });
      } finally {
        Object.assign(ec2.store.delays, delays);
      }
      seeded = true;
    }

    const changes = new Set<() => void>();
    const changed = () => {
      for (const listener of changes) listener();
    };
    const scheduler = new LocalScheduler({
      now: () => clock.now(),
      jobs: JOB_DEFINITIONS.map((job) => {
        const settings = resolveJobSettings(config, job.name);
        return {
          name: job.name,
          description: job.description,
          expression: settings.schedule,
          timeZone: settings.timeZone,
          enabled: settings.enabled,
          configDryRun: settings.dryRun,
        };
      }),
      invoke: async (job, input) => {
        const handler = handlers.jobs[job];
        if (!handler) throw new Error(`no handler for ${job}`);
        const result = await handler(input, invocationContext(`ec2ops-${job}`, 300_000));
        return jobOutcome(result, input.dryRun ?? true);
      },
      onChange: changed,
      log,
    });
    // The sandbox is for watching things happen: scheduled runs apply unless the console's
    // "Dry run" toggle says otherwise (the stage config itself stays dry-run, as non-production).
    scheduler.dryRunOverride = false;
    if (options.schedule !== false) scheduler.start();
    cleanup.push(async () => {
      scheduler.stop();
      await scheduler.idle();
    });

    let accountCache: { at: number; changes: number; view: Promise<AccountView> } | undefined;
    const account = () => {
      const now = realNow();
      if (!accountCache || accountCache.changes !== ec2.store.changes || now - accountCache.at > 1000) {
        accountCache = {
          at: now,
          changes: ec2.store.changes,
          view: readAccountView({
            regions: config.regions,
            ec2: ec2For,
            tagPrefix: config.tagPrefix,
            now: () => clock.now(),
            ipv4PricePerHour: config.eip.pricePerHour,
            accessGroups: config.access.groups,
          }),
        };
      }
      return accountCache.view;
    };

    const advanceClock = async (ms: number) => {
      clock.advance(ms);
      for (const regionState of ec2.store.regions()) regionState.wake(clock.now());
      ec2.store.markChanged();
      changed();
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
    });
    const consoleRoutes = createConsoleRoutes(await assetsBuilt, backend, {
      runJob: (name, dryRun) => scheduler.runNow(name, dryRun),
      jobSettings: (s) => {
        if (s.dryRunOverride !== undefined) scheduler.dryRunOverride = s.dryRunOverride;
        if (s.paused !== undefined) scheduler.paused = s.paused;
        changed();
      },
      advanceClock,
      subscribe: (listener) => {
        changes.add(listener);
        const offSlack = workspace.subscribe(listener);
        const offEc2 = ec2.store.onChange(listener);
        return () => {
          changes.delete(listener);
          offSlack();
          offEc2();
        };
      },
    });
    cleanup.push(() => consoleRoutes.close());

    route = async (req, res) => {
      if (await sqsEndpoint(req, res)) return true;
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/slack/events') {
        if (req.method !== 'POST') return false;
        await slackFunction(req, res);
        return true;
      }
      if (await consoleRoutes.handle(req, res)) return true;
      return slack.handle(req, res);
    };

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
      advanceClock,
      readyInMs: realNow() - started,
      close: async () => {
        await undo();
      },
    };
    return sandbox;
  } catch (error) {
    await undo();
    throw error;
  }
}
