import type { IncomingMessage, ServerResponse } from 'node:http';
import { refuseCrossSite } from '../cross-site';
import { AppNotConfigured, SlackAppDriver } from './app-driver';
import type { Clock } from './clock';
import { uploadedBytes } from './files';
import { BodyTooLarge, bearerToken, parseParams, readBody, readBytes, sendJson } from './http';
import type { ResponseSource } from './records';
import { callWebApi } from './web-api';
import type { SlackWorkspace } from './workspace';

/** Longest a `GET /_emulator/events?wait=` long poll is held open. */
const MAX_LONG_POLL_MS = 25_000;

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface SlackHandlerOptions {
  /** Open SSE streams, so whoever closes the server can end them. */
  streams?: Set<ServerResponse>;
  driver?: SlackAppDriver;
  /** Serve under a prefix, e.g. `/slack-api` → `/slack-api/api/chat.postMessage`. */
  basePath?: string;
}

/**
 * The emulator's HTTP surface, mountable on any server: returns false for paths it does not own
 * (`/api/*`, `/_responses/*`, `/_emulator/*`, under `basePath`) so a sandbox can serve everything
 * on one port.
 */
export function createSlackHandler(ws: SlackWorkspace, options: SlackHandlerOptions = {}): RequestHandler {
  const streams = options.streams ?? new Set<ServerResponse>();
  const driver = options.driver ?? new SlackAppDriver(ws, () => undefined);
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (basePath && !url.pathname.startsWith(`${basePath}/`)) return false;
    const path = url.pathname.slice(basePath.length);
    try {
      if (path.startsWith('/api/')) {
        await webApi(ws, req, res, path.slice('/api/'.length), url);
        return true;
      }
      if (path.startsWith('/_upload/')) {
        // Slack's upload URL: the bytes of a file reserved by files.getUploadURLExternal.
        if (req.method !== 'POST') {
          sendJson(res, 405, { ok: false, error: 'method_not_allowed' });
          return true;
        }
        const bytes = await uploadedBytes(await readBytes(req), req.headers['content-type']);
        const taken = ws.files.receive(decodeURIComponent(path.slice('/_upload/'.length)), bytes);
        res.writeHead(taken ? 200 : 400, { 'content-type': 'text/plain' });
        res.end(taken ? `OK - ${bytes.length}` : 'upload refused');
        return true;
      }
      if (path.startsWith('/_responses/')) {
        if (req.method !== 'POST') {
          sendJson(res, 405, { ok: false, error: 'method_not_allowed' });
          return true;
        }
        const raw = await readBody(req);
        let payload: unknown;
        try {
          payload = parseResponsePayload(raw, req.headers['content-type']);
        } catch {
          payload = undefined;
        }
        const answer = ws.respond(decodeURIComponent(path.slice('/_responses/'.length)), payload);
        sendJson(res, answer.status, answer.body);
        return true;
      }
      if (path.startsWith('/_emulator/')) {
        const crossSite = refuseCrossSite(req);
        if (crossSite) {
          sendJson(res, crossSite.status, { ok: false, error: crossSite.error });
          return true;
        }
        await readApi(ws, req, res, path.slice('/_emulator/'.length), url, streams, driver);
        return true;
      }
      return false;
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        sendJson(res, 413, { ok: false, error: 'request_too_large' });
        return true;
      }
      throw error;
    }
  };
}

async function webApi(
  ws: SlackWorkspace,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  url: URL,
) {
  const raw = req.method === 'POST' ? await readBody(req) : '';
  const bodyParams = parseParams(raw, req.headers['content-type']);
  if (bodyParams === undefined) {
    sendJson(res, 200, { ok: false, error: 'invalid_json' });
    return;
  }
  const params: Record<string, unknown> = { ...Object.fromEntries(url.searchParams), ...bodyParams };
  const token = bearerToken(req) ?? (typeof params['token'] === 'string' ? params['token'] : undefined);
  delete params['token'];
  sendJson(res, 200, callWebApi(ws, method, params, token));
}

/** Slack's response_url takes JSON; legacy clients post `payload=<json>` as a form. */
function parseResponsePayload(raw: string, contentType: string | undefined): unknown {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    const payload = new URLSearchParams(raw).get('payload');
    return payload === null ? undefined : JSON.parse(payload);
  }
  return JSON.parse(raw);
}

async function readApi(
  ws: SlackWorkspace,
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
  url: URL,
  streams: Set<ServerResponse>,
  driver: SlackAppDriver,
): Promise<void> {
  const q = (name: string) => url.searchParams.get(name) ?? undefined;
  const flag = (name: string) => q(name) === '1' || q(name) === 'true';
  if (req.method === 'GET') {
    if (route === 'state') {
      sendJson(res, 200, {
        team: ws.seed.team,
        bot: {
          userId: ws.seed.bot.userId,
          botId: ws.seed.bot.botId,
          appId: ws.seed.bot.appId,
          name: ws.seed.bot.name,
        },
        users: ws.seed.users,
        channels: ws.seed.channels,
        userGroups: ws.seed.userGroups,
        dms: ws.dms(),
        now: ws.clock.now(),
      });
      return;
    }
    if (route === 'messages') {
      const channel = q('channel');
      if (!channel) return sendJson(res, 400, { ok: false, error: 'channel_required' });
      const thread = q('thread');
      const messages = thread
        ? ws.thread(channel, thread)
        : ws.messages(channel, { includeDeleted: flag('includeDeleted') });
      return sendJson(res, 200, {
        ok: true,
        channel: ws.resolveChannel(channel, { open: false }) ?? channel,
        messages,
      });
    }
    if (route === 'ephemerals') {
      const filter = {
        ...(q('user') ? { user: q('user') } : {}),
        ...(q('channel')
          ? { channel: ws.resolveChannel(q('channel') ?? '', { open: false }) ?? q('channel') }
          : {}),
        includeDeleted: flag('includeDeleted'),
      };
      return sendJson(res, 200, { ok: true, ephemerals: ws.ephemerals(filter) });
    }
    if (route === 'views') {
      const user = q('user');
      return sendJson(res, 200, { ok: true, views: ws.views(user ? { user } : {}) });
    }
    if (route.startsWith('responses/')) {
      const record = ws.responseUrl(decodeURIComponent(route.slice('responses/'.length)));
      if (!record) return sendJson(res, 404, { ok: false, error: 'not_found' });
      return sendJson(res, 200, { ok: true, responseUrl: record });
    }
    if (route === 'events') return events(ws, req, res, url, streams);
  }
  if (req.method === 'POST') {
    const body = parseParams(await readBody(req), 'application/json') ?? {};
    if (route === 'response-urls') {
      const user = typeof body['user'] === 'string' ? body['user'] : undefined;
      const channel = typeof body['channel'] === 'string' ? ws.resolveChannel(body['channel']) : undefined;
      if (!user || !channel) return sendJson(res, 400, { ok: false, error: 'user_and_channel_required' });
      const source = (body['source'] as ResponseSource | undefined) ?? {
        kind: 'command',
        command: '',
        text: '',
      };
      return sendJson(res, 200, { ok: true, responseUrl: ws.mintResponseUrl({ user, channel, source }) });
    }
    if (route === 'triggers') {
      const user = typeof body['user'] === 'string' ? body['user'] : undefined;
      if (!user) return sendJson(res, 400, { ok: false, error: 'user_required' });
      return sendJson(res, 200, { ok: true, trigger_id: ws.triggers.mint(user) });
    }
    if (route === 'command' || route === 'click' || route === 'submit' || route === 'view-action') {
      return drive(driver, route, body, res);
    }
    if (route === 'clock/advance') {
      const clock = ws.clock as Clock & { advance?: (ms: number) => void };
      const ms = Number(body['ms']);
      if (typeof clock.advance !== 'function')
        return sendJson(res, 409, { ok: false, error: 'clock_not_movable' });
      if (!Number.isFinite(ms) || ms < 0) return sendJson(res, 400, { ok: false, error: 'invalid_ms' });
      clock.advance(ms);
      return sendJson(res, 200, { ok: true, now: ws.clock.now() });
    }
  }
  sendJson(res, 404, { ok: false, error: 'unknown_route' });
}

/** The console acting as a person: type a command, click, submit; signed and sent to the app. */
async function drive(
  driver: SlackAppDriver,
  route: string,
  body: Record<string, unknown>,
  res: ServerResponse,
) {
  const str = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
  const user = str('user');
  if (!user) return sendJson(res, 400, { ok: false, error: 'user_required' });
  try {
    if (route === 'command') {
      const text = str('text');
      if (!text?.trim().startsWith('/'))
        return sendJson(res, 400, { ok: false, error: 'text_must_be_a_slash_command' });
      return sendJson(res, 200, {
        ok: true,
        ...(await driver.command({ user, channel: str('channel') ?? 'C0EC2OPS', text })),
      });
    }
    if (route === 'click') {
      const ts = str('ts');
      const actionId = str('actionId');
      const channel = str('channel');
      if (!ts || !actionId || !channel)
        return sendJson(res, 400, { ok: false, error: 'channel_ts_and_actionId_required' });
      const value = str('value');
      return sendJson(res, 200, {
        ok: true,
        ...(await driver.click({ user, channel, ts, actionId, ...(value !== undefined ? { value } : {}) })),
      });
    }
    const viewId = str('viewId');
    if (!viewId) return sendJson(res, 400, { ok: false, error: 'viewId_required' });
    const values = (body['values'] ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
    if (route === 'view-action') {
      const actionId = str('actionId');
      if (!actionId) return sendJson(res, 400, { ok: false, error: 'actionId_required' });
      const value = str('value');
      return sendJson(res, 200, {
        ok: true,
        ...(await driver.viewAction({
          user,
          viewId,
          actionId,
          values,
          ...(value !== undefined ? { value } : {}),
        })),
      });
    }
    return sendJson(res, 200, { ok: true, ...(await driver.submit({ user, viewId, values })) });
  } catch (error) {
    if (error instanceof AppNotConfigured)
      return sendJson(res, 409, { ok: false, error: 'app_not_configured' });
    return sendJson(res, 404, { ok: false, error: 'not_found', detail: (error as Error).message });
  }
}

/** JSON long poll by default; Server-Sent Events when the client asks for text/event-stream. */
async function events(
  ws: SlackWorkspace,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  streams: Set<ServerResponse>,
) {
  const since = Number(url.searchParams.get('since') ?? '0') || 0;
  if ((req.headers.accept ?? '').includes('text/event-stream')) {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    // A comment line gets the headers to the client before the first event exists.
    res.write(': ec2ops slack emulator\n\n');
    const send = (e: unknown) => res.write(`data: ${JSON.stringify(e)}\n\n`);
    for (const e of ws.events(since)) send(e);
    const unsubscribe = ws.subscribe(send);
    streams.add(res);
    res.on('close', () => {
      unsubscribe();
      streams.delete(res);
    });
    return;
  }
  const wait = Math.min(Math.max(Number(url.searchParams.get('wait') ?? '0') || 0, 0), MAX_LONG_POLL_MS);
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  const list = await ws.waitForEvents(since, wait, abort.signal);
  if (res.writableEnded || res.destroyed) return;
  sendJson(res, 200, { ok: true, events: list, last: ws.lastEventSeq });
}
