import { SlackApiError } from './errors';
import type { Blocks, ChannelMessage } from './records';
import type { SlackWorkspace } from './workspace';

type Params = Record<string, unknown>;
type Method = (ws: SlackWorkspace, params: Params) => Record<string, unknown>;

/** The Web API methods ec2ops calls, answered as Slack answers them. */
const METHODS: Record<string, Method> = {
  'auth.test': (ws) => ({
    url: `https://${ws.seed.team.domain}.slack.com/`,
    team: ws.seed.team.name,
    user: ws.seed.bot.name,
    team_id: ws.seed.team.id,
    user_id: ws.seed.bot.userId,
    bot_id: ws.seed.bot.botId,
    is_enterprise_install: false,
  }),

  'chat.postMessage': (ws, p) => {
    const message = ws.postMessage({
      channel: str(p['channel']) ?? '',
      ...text(p),
      ...blocks(p),
      ...(str(p['thread_ts']) ? { threadTs: str(p['thread_ts']) } : {}),
    });
    return { channel: message.channel, ts: message.ts, message: wire(message) };
  },

  'chat.postEphemeral': (ws, p) => {
    const user = str(p['user']);
    if (!user) throw new SlackApiError('user_not_in_channel');
    const message = ws.postEphemeral({ channel: str(p['channel']) ?? '', user, ...text(p), ...blocks(p) });
    return { message_ts: message.ts };
  },

  'chat.update': (ws, p) => {
    const ts = str(p['ts']);
    if (!ts) throw new SlackApiError('message_not_found');
    const message = ws.update({ channel: str(p['channel']) ?? '', ts, ...text(p), ...blocks(p) });
    return { channel: message.channel, ts: message.ts, text: message.text, message: wire(message) };
  },

  'chat.delete': (ws, p) => {
    const ts = str(p['ts']);
    if (!ts) throw new SlackApiError('message_not_found');
    const message = ws.deleteMessage({ channel: str(p['channel']) ?? '', ts });
    return { channel: message.channel, ts: message.ts };
  },

  'views.open': (ws, p) => {
    const view = ws.openView({
      triggerId: str(p['trigger_id']) ?? '',
      view: json(p['view'], 'invalid_arguments'),
    });
    return { view: viewWire(view.id, view.view, view.hash, ws) };
  },

  'views.update': (ws, p) => {
    const view = ws.updateView({
      ...(str(p['view_id']) ? { viewId: str(p['view_id']) } : {}),
      ...(str(p['external_id']) ? { externalId: str(p['external_id']) } : {}),
      ...(str(p['hash']) ? { hash: str(p['hash']) } : {}),
      view: json(p['view'], 'invalid_arguments'),
    });
    return { view: viewWire(view.id, view.view, view.hash, ws) };
  },

  'files.getUploadURLExternal': (ws, p) => {
    const filename = str(p['filename']);
    const length = Number(p['length']);
    if (!filename || !Number.isInteger(length) || length < 1) throw new SlackApiError('invalid_arguments');
    const file = ws.files.reserve(filename, length);
    return { upload_url: `${ws.baseUrl}/_upload/${file.id}`, file_id: file.id };
  },

  'files.completeUploadExternal': (ws, p) => {
    const listed = json(p['files'], 'invalid_arguments');
    if (!Array.isArray(listed) || listed.length === 0) throw new SlackApiError('invalid_arguments');
    const asked = listed as { id?: unknown; title?: unknown }[];
    const files = ws.files.completable(asked.map((f) => String(f.id ?? '')));
    const channel = str(p['channel_id']) ?? str(p['channels']);
    // Shared with a message (the initial comment, else the files' titles), as Slack shows it.
    const message = channel
      ? ws.postMessage({
          channel,
          text:
            str(p['initial_comment']) ?? files.map((f, i) => str(asked[i]?.title) ?? f.filename).join(', '),
          ...(str(p['thread_ts']) ? { threadTs: str(p['thread_ts']) } : {}),
        })
      : undefined;
    return {
      files: files.map((file, i) => {
        file.completed = true;
        const title = str(asked[i]?.title);
        if (title) file.title = title;
        if (message) file.shares.push({ channel: message.channel, ts: message.ts });
        return {
          id: file.id,
          name: file.filename,
          title: file.title ?? file.filename,
          size: file.length,
          channels: message ? [message.channel] : [],
        };
      }),
    };
  },

  'usergroups.users.list': (ws, p) => {
    const users = ws.userGroupMembers(str(p['usergroup']) ?? '');
    if (!users) throw new SlackApiError('no_such_subteam');
    return { users };
  },

  'users.info': (ws, p) => {
    const user = ws.user(str(p['user']) ?? '');
    if (!user) throw new SlackApiError('user_not_found');
    return {
      user: {
        id: user.id,
        team_id: ws.seed.team.id,
        name: user.name,
        real_name: user.realName,
        is_bot: false,
        profile: { real_name: user.realName, display_name: user.name },
      },
    };
  },

  'conversations.open': (ws, p) => {
    const users = (str(p['users']) ?? '').split(',').filter(Boolean);
    if (users.length === 0) throw new SlackApiError('users_list_not_supplied');
    if (users.length > 1)
      throw new SlackApiError('not_supported', ['[ERROR] the sandbox opens 1:1 DMs only']);
    const [user] = users as [string];
    if (!ws.user(user)) throw new SlackApiError('user_not_found');
    return { channel: { id: ws.openDm(user) } };
  },
};

/** Methods Slack answers without a token. */
const PUBLIC_METHODS = new Set(['api.test']);

export const SUPPORTED_METHODS = Object.keys(METHODS);

/**
 * One Web API call: token check first (not_authed / invalid_auth), then the method. Always a body
 * for HTTP 200, as Slack does for everything but rate limits.
 */
export function callWebApi(
  ws: SlackWorkspace,
  method: string,
  params: Params,
  token: string | undefined,
): Record<string, unknown> {
  if (method === 'api.test') return { ok: true, args: params };
  const handler = METHODS[method];
  if (!handler) return { ok: false, error: 'unknown_method' };
  if (!PUBLIC_METHODS.has(method)) {
    if (!token) return { ok: false, error: 'not_authed' };
    if (token !== ws.seed.bot.token) return { ok: false, error: 'invalid_auth' };
  }
  try {
    return { ok: true, ...handler(ws, params) };
  } catch (error) {
    if (error instanceof SlackApiError) return error.toBody();
    throw error;
  }
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function text(p: Params): { text?: string } {
  const t = str(p['text']);
  return t === undefined ? {} : { text: t };
}

/** Form bodies carry blocks as a JSON string; JSON bodies as an array. */
function blocks(p: Params): { blocks?: Blocks } {
  const raw = p['blocks'];
  if (raw === undefined || raw === null || raw === '') return {};
  const parsed = json(raw, 'invalid_blocks_format');
  return { blocks: parsed as Blocks };
}

function json(value: unknown, errorCode: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new SlackApiError(errorCode);
  }
}

function wire(message: ChannelMessage): Record<string, unknown> {
  return {
    type: 'message',
    text: message.text,
    user: message.user,
    ...(message.botId ? { bot_id: message.botId } : {}),
    ts: message.ts,
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    ...(message.editedTs ? { edited: { user: message.user, ts: message.editedTs } } : {}),
  };
}

function viewWire(
  id: string,
  view: Record<string, unknown>,
  hash: string,
  ws: SlackWorkspace,
): Record<string, unknown> {
  return {
    id,
    team_id: ws.seed.team.id,
    app_id: ws.seed.bot.appId,
    bot_id: ws.seed.bot.botId,
    blocks: [],
    private_metadata: '',
    callback_id: '',
    external_id: '',
    state: { values: {} },
    ...view,
    hash,
  };
}
