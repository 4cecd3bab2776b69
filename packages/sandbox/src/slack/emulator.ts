import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AppTarget, SlackAppDriver } from './app-driver';
import type { Clock } from './clock';
import { createSlackHandler, type RequestHandler } from './handler';
import { sendJson } from './http';
import type { ResponseSource, ResponseUrlRecord } from './records';
import type { WorkspaceSeed } from './seed';
import { SlackWorkspace } from './workspace';

export { createSlackHandler, type RequestHandler } from './handler';

export interface SlackEmulatorCoreOptions {
  clock?: Clock;
  seed?: WorkspaceSeed;
  /** The app Slack sends requests to (the sandbox's `/slack/events`); can be set later with setApp. */
  app?: AppTarget;
  /** Slack's 3 s; tests shorten it. */
  ackDeadlineMs?: number;
  /** Serve under a prefix when mounted on a shared server, e.g. `/slack-api`. */
  basePath?: string;
}

/** The emulator without a server of its own: mount `handle` and call `setOrigin` once listening. */
export interface SlackEmulatorCore {
  workspace: SlackWorkspace;
  botToken: string;
  /** Acts as a person in Slack towards the configured app (what the console uses). */
  driver: SlackAppDriver;
  handle: RequestHandler;
  /** The server's origin (`http://127.0.0.1:<port>`): response URLs are minted under it. */
  setOrigin(origin: string): void;
  /** `<origin><basePath>/api/`: what production code passes as WebClient's `slackApiUrl`. */
  apiUrl(): string;
  mintResponseUrl(args: { user: string; channel: string; source?: ResponseSource }): ResponseUrlRecord;
  mintTriggerId(user: string): string;
  setApp(target: AppTarget | undefined): void;
  /** Ends open event streams (a server cannot close while they last). */
  endStreams(): void;
}

export function createSlackEmulator(options: SlackEmulatorCoreOptions = {}): SlackEmulatorCore {
  const workspace = new SlackWorkspace({
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.seed ? { seed: options.seed } : {}),
  });
  const streams = new Set<ServerResponse>();
  let app = options.app;
  const driver = new SlackAppDriver(workspace, () => app, {
    ...(options.ackDeadlineMs !== undefined ? { ackDeadlineMs: options.ackDeadlineMs } : {}),
  });
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  return {
    workspace,
    botToken: workspace.seed.bot.token,
    driver,
    handle: createSlackHandler(workspace, { streams, driver, basePath }),
    setOrigin: (origin) => {
      workspace.baseUrl = `${origin.replace(/\/+$/, '')}${basePath}`;
    },
    apiUrl: () => `${workspace.baseUrl}/api/`,
    mintResponseUrl: ({ user, channel, source }) =>
      workspace.mintResponseUrl({
        user,
        channel: workspace.resolveChannel(channel) ?? channel,
        source: source ?? { kind: 'command', command: '', text: '' },
      }),
    mintTriggerId: (user) => workspace.triggers.mint(user),
    setApp: (target) => {
      app = target;
    },
    endStreams: () => {
      for (const stream of streams) stream.end();
    },
  };
}

export interface SlackEmulatorOptions extends Omit<SlackEmulatorCoreOptions, 'basePath'> {
  port?: number;
  host?: string;
}

export interface SlackEmulator extends Omit<SlackEmulatorCore, 'apiUrl' | 'setOrigin' | 'endStreams'> {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** What production code passes as WebClient's `slackApiUrl`: `<url>/api/`. */
  apiUrl: string;
  port: number;
  close(): Promise<void>;
}

/** The emulator on a server of its own (loopback, port 0 = any free port). */
export async function startSlackEmulator(options: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
  const core = createSlackEmulator(options);
  const server = createServer((req, res) => {
    core
      .handle(req, res)
      .then((handled) => {
        if (!handled) sendJson(res, 404, { ok: false, error: 'unknown_route' });
      })
      .catch((error: unknown) => {
        if (!res.headersSent)
          sendJson(res, 500, { ok: false, error: 'internal_error', detail: String(error) });
        else res.destroy();
      });
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  const url = `http://${host}:${port}`;
  core.setOrigin(url);
  const { apiUrl: _apiUrl, setOrigin: _setOrigin, endStreams, ...rest } = core;
  return {
    ...rest,
    url,
    apiUrl: core.apiUrl(),
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        endStreams();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${port} on ${host} is already in use: pick another with --port, or 0 for any free port`,
            )
          : error,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
