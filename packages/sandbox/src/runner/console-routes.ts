import type { IncomingMessage, ServerResponse } from 'node:http';
import { isEc2opsError } from '@ec2ops/core/errors';
import type { Forecast } from '@ec2ops/core/forecast';
import { queryFromParams } from '../console/account-query';
import type { ConsoleAction, ConsoleSubmit, JobRunRecord } from '../console/types';
import { refuseCrossSite } from '../cross-site';
import type { ConsoleAssets } from './assets';
import type { ConsoleBackend } from './console-backend';

/** What the console routes need besides the backend: jobs, the clock, and change notices. */
export interface ConsoleControls {
  runJob(name: string, dryRun: boolean | undefined): Promise<JobRunRecord>;
  jobSettings(settings: { dryRunOverride?: boolean | null; paused?: boolean }): void;
  advanceClock(ms: number): Promise<string>;
  /** What the jobs would do over `days` days, run on a copy of the sandbox's account. */
  forecast?(days: number): Promise<Forecast>;
  /**
   * Runs EC2 transitions that have come due (pending → running). The emulator runs them when a
   * request reads the region; a watched console reads only on change notices, so it asks.
   */
  settle(): void;
  /** Calls the listener whenever something the console shows may have changed. */
  subscribe(listener: () => void): () => void;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const json = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));

async function body<T>(req: IncomingMessage): Promise<T> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 256 * 1024) throw new HttpError(413, 'request too large');
  }
  try {
    return (text ? JSON.parse(text) : {}) as T;
  } catch {
    throw new HttpError(400, 'the body must be JSON');
  }
}

function need(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new HttpError(400, `${what} is required`);
  return value;
}

/**
 * `/` and `/console/*`: the page, its bundle and stylesheet, the JSON API and a Server-Sent
 * Events stream of change notices. Returns false for any other path.
 */
export function createConsoleRoutes(
  assets: ConsoleAssets,
  backend: ConsoleBackend,
  controls: ConsoleControls,
) {
  const streams = new Set<ServerResponse>();

  // While anyone watches, each change notice takes the emulator's changes into the account
  // index, and every stream gets the same per-resource delta with its version.
  let unwatch: (() => void) | undefined;
  let settling: NodeJS.Timeout | undefined;
  const broadcastAccount = () => backend.account.refresh();
  backend.account.onDelta((delta) => {
    const frame = `event: account\ndata: ${JSON.stringify(delta)}\n\n`;
    for (const stream of streams) stream.write(frame);
  });
  const watchAccount = () => {
    if (!unwatch) unwatch = controls.subscribe(broadcastAccount);
    settling ??= setInterval(() => controls.settle(), 1000).unref();
  };
  const unwatchAccount = () => {
    if (streams.size === 0) {
      unwatch?.();
      unwatch = undefined;
      clearInterval(settling);
      settling = undefined;
    }
  };

  async function api(req: IncomingMessage, res: ServerResponse, route: string, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'GET' && route === 'snapshot') {
      const user = url.searchParams.get('user') ?? 'UOPERATOR';
      return json(res, 200, await backend.snapshot(user, queryFromParams(url.searchParams)));
    }
    if (method === 'GET' && route === 'account') {
      return json(res, 200, backend.accountPage(queryFromParams(url.searchParams)));
    }
    if (method === 'GET' && route === 'state') {
      return json(res, 200, backend.state(url.searchParams.get('user') ?? 'UOPERATOR'));
    }
    if (method === 'GET' && route === 'events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write('retry: 1000\n\n');
      const unsubscribe = controls.subscribe(() => res.write('data: {"changed":true}\n\n'));
      streams.add(res);
      watchAccount();
      res.on('close', () => {
        unsubscribe();
        streams.delete(res);
        unwatchAccount();
      });
      return;
    }
    if (method !== 'POST') throw new HttpError(404, `no such console route: ${method} ${route}`);
    const crossSite = refuseCrossSite(req);
    if (crossSite) throw new HttpError(crossSite.status, crossSite.error);
    if (route === 'command') {
      const b = await body<{ user?: string; channel?: string; text?: string }>(req);
      return json(
        res,
        200,
        await backend.command(need(b.user, 'user'), need(b.channel, 'channel'), need(b.text, 'text')),
      );
    }
    if (route === 'action') {
      const b = await body<ConsoleAction>(req);
      need(b.user, 'user');
      need(b.actionId, 'actionId');
      return json(res, 200, await backend.action(b));
    }
    if (route === 'submit') {
      const b = await body<ConsoleSubmit>(req);
      need(b.user, 'user');
      need(b.viewId, 'viewId');
      return json(res, 200, await backend.submit({ ...b, values: b.values ?? {} }));
    }
    if (route === 'views/close') {
      const b = await body<{ viewId?: string }>(req);
      backend.closeView(need(b.viewId, 'viewId'));
      return json(res, 200, { ok: true });
    }
    const run = /^jobs\/([a-z-]+)\/run$/.exec(route);
    if (run) {
      const b = await body<{ dryRun?: unknown }>(req);
      const dryRun = typeof b.dryRun === 'boolean' ? b.dryRun : undefined;
      try {
        return json(res, 200, await controls.runJob(run[1]!, dryRun));
      } catch (error) {
        throw new HttpError(404, (error as Error).message);
      }
    }
    if (route === 'jobs/settings') {
      const b = await body<{ dryRunOverride?: unknown; paused?: unknown }>(req);
      controls.jobSettings({
        ...(b.dryRunOverride === null || typeof b.dryRunOverride === 'boolean'
          ? { dryRunOverride: b.dryRunOverride }
          : {}),
        ...(typeof b.paused === 'boolean' ? { paused: b.paused } : {}),
      });
      return json(res, 200, { ok: true });
    }
    if (route === 'clock/advance') {
      const b = await body<{ ms?: unknown }>(req);
      const ms = Number(b.ms);
      if (!Number.isFinite(ms) || ms <= 0 || ms > 366 * 86_400_000) {
        throw new HttpError(400, 'ms must be a positive number of milliseconds, at most a year');
      }
      return json(res, 200, { now: await controls.advanceClock(ms) });
    }
    if (route === 'forecast' && controls.forecast) {
      const b = await body<{ days?: unknown }>(req);
      const days = Number(b.days ?? 7);
      if (!Number.isInteger(days) || days < 1 || days > 31) {
        throw new HttpError(400, 'days must be a whole number from 1 to 31');
      }
      try {
        return json(res, 200, await controls.forecast(days));
      } catch (error) {
        // A job that fails on the copy is a finding to show, not a console fault.
        if (isEc2opsError(error)) throw new HttpError(422, `${error.code}: ${error.message}`);
        throw error;
      }
    }
    throw new HttpError(404, `no such console route: ${method} ${route}`);
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    const path = url.pathname;
    if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
      send(res, 200, 'text/html; charset=utf-8', assets.html);
      return true;
    }
    if (req.method === 'GET' && path === '/console/app.js') {
      send(res, 200, 'text/javascript; charset=utf-8', assets.js);
      return true;
    }
    if (req.method === 'GET' && path === '/console/app.css') {
      send(res, 200, 'text/css; charset=utf-8', assets.css);
      return true;
    }
    if (!path.startsWith('/console/api/')) return false;
    try {
      await api(req, res, path.slice('/console/api/'.length), url);
    } catch (error) {
      if (res.headersSent) res.destroy();
      else if (error instanceof HttpError) json(res, error.status, { error: error.message });
      else json(res, 500, { error: (error as Error)?.message ?? String(error) });
    }
    return true;
  };

  return {
    handle,
    /** Ends the event streams so the server can close. */
    close(): void {
      for (const stream of streams) stream.end();
      streams.clear();
      unwatchAccount();
    },
  };
}
