import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { checkBlocks } from './block-limits';
import { type Clock, systemClock } from './clock';
import { SlackApiError } from './errors';
import { SlackFiles } from './files';
import type {
  Blocks,
  ChannelMessage,
  EmulatorEvent,
  EmulatorEventType,
  EphemeralMessage,
  OpenedView,
  ResponseReply,
  ResponseSource,
  ResponseUrlRecord,
} from './records';
import { RESPONSE_URL_ERRORS, RESPONSE_URL_LIFETIME_MS, RESPONSE_URL_MAX_USES } from './response-urls';
import { DEFAULT_SEED, type SeedUser, type WorkspaceSeed } from './seed';
import { TriggerRegistry } from './triggers';

/** Slack truncates nothing silently: a message text over 40,000 characters is `msg_too_long`. */
export const MAX_MESSAGE_TEXT = 40_000;
const MAX_EVENTS = 5_000;

export interface MessageContent {
  text?: string;
  blocks?: Blocks;
}

export interface ResponseUrlAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * The emulated workspace: its users, channels and everything posted in it. The HTTP layer
 * (web-api.ts, server.ts) turns requests into calls on this object; tests and the web console read
 * it directly or through the JSON read API.
 */
export class SlackWorkspace {
  readonly seed: WorkspaceSeed;
  readonly clock: Clock;
  readonly triggers: TriggerRegistry;
  /** Uploaded files (files.getUploadURLExternal, the upload URL, files.completeUploadExternal). */
  readonly files = new SlackFiles();
  /** Where response URLs point; the server sets it once it listens. */
  baseUrl = 'http://127.0.0.1';

  private readonly channelMessages = new Map<string, ChannelMessage[]>();
  private readonly ephemeralMessages: EphemeralMessage[] = [];
  private readonly openedViews = new Map<string, OpenedView>();
  private readonly responseUrls = new Map<string, ResponseUrlRecord>();
  private readonly dmChannels = new Map<string, string>();
  private readonly eventLog: EmulatorEvent[] = [];
  private readonly emitter = new EventEmitter();
  private eventSeq = 0;
  private lastTsMicros = 0;
  private viewSeq = 0;

  constructor(options: { clock?: Clock; seed?: WorkspaceSeed } = {}) {
    this.seed = options.seed ?? DEFAULT_SEED;
    this.clock = options.clock ?? systemClock;
    this.triggers = new TriggerRegistry(this.clock);
    this.emitter.setMaxListeners(0);
  }

  // ---- directory ---------------------------------------------------------------------------

  user(id: string): SeedUser | undefined {
    return this.seed.users.find((u) => u.id === id);
  }

  /**
   * A channel id for `C…`, `#name`, `name`, an opened `D…`, or a user id (the app's DM with them,
   * opened unless `open` is false, so that reading never creates a DM).
   */
  resolveChannel(ref: string, options: { open?: boolean } = {}): string | undefined {
    const byId = this.seed.channels.find((c) => c.id === ref);
    if (byId) return byId.id;
    const name = ref.startsWith('#') ? ref.slice(1) : ref;
    const byName = this.seed.channels.find((c) => c.name === name);
    if (byName) return byName.id;
    if ([...this.dmChannels.values()].includes(ref)) return ref;
    if (this.user(ref)) return options.open === false ? this.dmChannels.get(ref) : this.openDm(ref);
    return undefined;
  }

  channelName(id: string): string | undefined {
    const channel = this.seed.channels.find((c) => c.id === id);
    if (channel) return channel.name;
    for (const [user, dm] of this.dmChannels) if (dm === id) return `dm-${this.user(user)?.name ?? user}`;
    return undefined;
  }

  /** The app's direct-message channel with a user; the same id every time. */
  openDm(user: string): string {
    const existing = this.dmChannels.get(user);
    if (existing) return existing;
    const id = `D${createHash('sha256').update(user).digest('hex').slice(0, 9).toUpperCase()}`;
    this.dmChannels.set(user, id);
    this.record('dm.opened', { channel: id, user, data: { channel: id, user } });
    return id;
  }

  userGroupMembers(id: string): string[] | undefined {
    return this.seed.userGroups.find((g) => g.id === id)?.users.slice();
  }

  // ---- Web API operations (throw SlackApiError like Slack answers ok:false) -------------------

  postMessage(args: { channel: string; threadTs?: string } & MessageContent): ChannelMessage {
    const channel = this.requireChannel(args.channel);
    checkContent(args);
    const message: ChannelMessage = {
      channel,
      ts: this.nextTs(),
      user: this.seed.bot.userId,
      botId: this.seed.bot.botId,
      text: args.text ?? '',
      ...(args.blocks ? { blocks: args.blocks } : {}),
      ...(args.threadTs ? { threadTs: args.threadTs } : {}),
      replyCount: 0,
      deleted: false,
      via: 'chat.postMessage',
    };
    if (args.threadTs) {
      const parent = this.findMessage(channel, args.threadTs);
      if (parent) parent.replyCount += 1;
    }
    this.addChannelMessage(message);
    return message;
  }

  postEphemeral(args: { channel: string; user: string } & MessageContent): EphemeralMessage {
    const channel = this.requireChannel(args.channel);
    if (!this.user(args.user)) throw new SlackApiError('user_not_in_channel');
    checkContent(args);
    const message: EphemeralMessage = {
      channel,
      user: args.user,
      ts: this.nextTs(),
      text: args.text ?? '',
      ...(args.blocks ? { blocks: args.blocks } : {}),
      deleted: false,
      via: 'chat.postEphemeral',
    };
    this.addEphemeral(message);
    return message;
  }

  update(args: { channel: string; ts: string } & MessageContent): ChannelMessage {
    const channel = this.requireChannel(args.channel);
    const message = this.findMessage(channel, args.ts);
    if (!message || message.deleted) throw new SlackApiError('message_not_found');
    if (message.botId !== this.seed.bot.botId) throw new SlackApiError('cant_update_message');
    checkContent(args);
    this.applyUpdate(message, args);
    return message;
  }

  deleteMessage(args: { channel: string; ts: string }): ChannelMessage {
    const channel = this.requireChannel(args.channel);
    const message = this.findMessage(channel, args.ts);
    if (!message || message.deleted) throw new SlackApiError('message_not_found');
    if (message.botId !== this.seed.bot.botId) throw new SlackApiError('cant_delete_message');
    message.deleted = true;
    this.record('message.deleted', { channel, ts: message.ts, data: message });
    return message;
  }

  openView(args: { triggerId: string; view: unknown }): OpenedView {
    const view = checkView(args.view);
    const trigger = this.triggers.use(args.triggerId);
    if ('error' in trigger) throw new SlackApiError(trigger.error);
    this.viewSeq += 1;
    const opened: OpenedView = {
      id: `V${String(this.viewSeq).padStart(8, '0')}`,
      user: trigger.user,
      triggerId: args.triggerId,
      view: view,
      hash: this.viewHash(),
      openedAt: this.clock.now(),
    };
    this.openedViews.set(opened.id, opened);
    this.record('view.opened', { user: opened.user, data: opened });
    return opened;
  }

  updateView(args: { viewId?: string; externalId?: string; hash?: string; view: unknown }): OpenedView {
    const view = checkView(args.view);
    const existing = args.viewId
      ? this.openedViews.get(args.viewId)
      : [...this.openedViews.values()].find((v) => v.view['external_id'] === args.externalId);
    if (!existing) throw new SlackApiError('not_found');
    if (args.hash !== undefined && args.hash !== existing.hash) throw new SlackApiError('hash_conflict');
    existing.view = view;
    existing.hash = this.viewHash();
    existing.updatedAt = this.clock.now();
    this.record('view.updated', { user: existing.user, data: existing });
    return existing;
  }

  // ---- response_url ---------------------------------------------------------------------------

  mintResponseUrl(args: { user: string; channel: string; source: ResponseSource }): ResponseUrlRecord {
    const id = `${Math.floor(this.clock.now() / 1000)}-${randomBytes(12).toString('hex')}`;
    const record: ResponseUrlRecord = {
      id,
      url: `${this.baseUrl}/_responses/${id}`,
      user: args.user,
      channel: args.channel,
      source: args.source,
      createdAt: this.clock.now(),
      uses: 0,
      replies: [],
    };
    this.responseUrls.set(id, record);
    this.record('response_url.minted', {
      channel: args.channel,
      user: args.user,
      data: { id, url: record.url },
    });
    return record;
  }

  responseUrl(id: string): ResponseUrlRecord | undefined {
    return this.responseUrls.get(id);
  }

  /** A POST to `<url>/_responses/<id>`, with Slack's rules applied; `payload` is the parsed JSON. */
  respond(id: string, payload: unknown): ResponseUrlAnswer {
    const record = this.responseUrls.get(id);
    if (!record) return refusal(RESPONSE_URL_ERRORS.unknown);
    const now = this.clock.now();
    const refuse = (
      why: { status: number; error: string },
      body: Record<string, unknown>,
    ): ResponseUrlAnswer => {
      record.replies.push({ at: now, status: why.status, outcome: why.error, payload: body });
      this.record('response_url.refused', {
        channel: record.channel,
        user: record.user,
        data: { id, error: why.error },
      });
      return refusal(why);
    };
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      return refuse(RESPONSE_URL_ERRORS.invalidPayload, {});
    }
    const body = payload as Record<string, unknown>;
    if (now - record.createdAt > RESPONSE_URL_LIFETIME_MS) return refuse(RESPONSE_URL_ERRORS.expired, body);
    if (record.uses >= RESPONSE_URL_MAX_USES) return refuse(RESPONSE_URL_ERRORS.used, body);

    const deleting = body['delete_original'] === true || body['delete_original'] === 'true';
    const content = contentOf(body);
    if (!deleting) {
      if (content.blocks !== undefined && checkBlocks(content.blocks).length > 0) {
        return refuse(RESPONSE_URL_ERRORS.invalidBlocks, body);
      }
      if (!content.text && !(content.blocks && content.blocks.length > 0)) {
        return refuse(RESPONSE_URL_ERRORS.noText, body);
      }
    }

    record.uses += 1;
    const posted = this.applyResponse(record, body, content, deleting);
    const reply: ResponseReply = {
      at: now,
      status: 200,
      outcome: 'ok',
      payload: body,
      ...(posted ? { posted } : {}),
    };
    record.replies.push(reply);
    this.record('response_url.replied', { channel: record.channel, user: record.user, data: { id, reply } });
    return { status: 200, body: { ok: true } };
  }

  private applyResponse(
    record: ResponseUrlRecord,
    body: Record<string, unknown>,
    content: MessageContent,
    deleting: boolean,
  ): ResponseReply['posted'] {
    const target: { kind: 'ephemeral' | 'in_channel'; ts: string } | undefined =
      record.source.kind === 'message'
        ? { kind: record.source.ephemeral ? 'ephemeral' : 'in_channel', ts: record.source.ts }
        : record.last;
    const replacing = body['replace_original'] === true || body['replace_original'] === 'true';

    if ((deleting || replacing) && target) {
      const found =
        target.kind === 'ephemeral'
          ? this.ephemeralMessages.find((m) => m.ts === target.ts && m.user === record.user)
          : this.findMessage(record.channel, target.ts);
      if (found && !found.deleted) {
        if (deleting) {
          found.deleted = true;
          this.record(target.kind === 'ephemeral' ? 'ephemeral.deleted' : 'message.deleted', {
            channel: record.channel,
            user: record.user,
            ts: found.ts,
            data: found,
          });
          return { kind: target.kind, channel: record.channel, ts: found.ts, action: 'delete' };
        }
        if (target.kind === 'ephemeral') this.applyEphemeralUpdate(found as EphemeralMessage, content);
        else this.applyUpdate(found as ChannelMessage, content);
        record.last = target;
        return { kind: target.kind, channel: record.channel, ts: found.ts, action: 'replace' };
      }
    }
    if (deleting) return undefined;

    const inChannel = body['response_type'] === 'in_channel';
    const base = { text: content.text ?? '', ...(content.blocks ? { blocks: content.blocks } : {}) };
    if (inChannel) {
      const message: ChannelMessage = {
        channel: record.channel,
        ts: this.nextTs(),
        user: this.seed.bot.userId,
        botId: this.seed.bot.botId,
        ...base,
        replyCount: 0,
        deleted: false,
        via: 'response_url',
        responseUrlId: record.id,
      };
      this.addChannelMessage(message);
      record.last = { kind: 'in_channel', ts: message.ts };
      return { kind: 'in_channel', channel: record.channel, ts: message.ts, action: 'post' };
    }
    const message: EphemeralMessage = {
      channel: record.channel,
      user: record.user,
      ts: this.nextTs(),
      ...base,
      deleted: false,
      via: 'response_url',
      responseUrlId: record.id,
    };
    this.addEphemeral(message);
    record.last = { kind: 'ephemeral', ts: message.ts };
    return { kind: 'ephemeral', channel: record.channel, ts: message.ts, action: 'post' };
  }

  // ---- what Slack itself shows around an interaction -----------------------------------------

  /**
   * The body an app acked a slash command with, shown as Slack shows it (ephemeral by default).
   * It becomes what the command's response_url replaces with `replace_original`.
   */
  recordAck(args: {
    user: string;
    channel: string;
    content: MessageContent;
    inChannel: boolean;
    responseUrlId?: string;
  }): { kind: 'ephemeral' | 'in_channel'; ts: string } {
    const base = {
      text: args.content.text ?? '',
      ...(args.content.blocks ? { blocks: args.content.blocks } : {}),
      ...(args.responseUrlId ? { responseUrlId: args.responseUrlId } : {}),
    };
    const ts = this.nextTs();
    const kind = args.inChannel ? 'in_channel' : 'ephemeral';
    if (args.inChannel) {
      this.addChannelMessage({
        channel: args.channel,
        ts,
        user: this.seed.bot.userId,
        botId: this.seed.bot.botId,
        ...base,
        replyCount: 0,
        deleted: false,
        via: 'ack',
      });
    } else {
      this.addEphemeral({ channel: args.channel, user: args.user, ts, ...base, deleted: false, via: 'ack' });
    }
    const record = args.responseUrlId ? this.responseUrls.get(args.responseUrlId) : undefined;
    if (record && !record.last) record.last = { kind, ts };
    return { kind, ts };
  }

  /** Slack's own ephemeral notice, e.g. `/ec2 failed with the error "operation_timeout"`. */
  slackNotice(args: { user: string; channel: string; text: string }): void {
    this.addEphemeral({
      channel: args.channel,
      user: args.user,
      ts: this.nextTs(),
      text: args.text,
      deleted: false,
      via: 'slack',
    });
  }

  view(id: string): OpenedView | undefined {
    return this.openedViews.get(id);
  }

  /** What a view_submission ack decided: close the modal, show field errors, or replace the view. */
  settleView(
    id: string,
    outcome: { close: true } | { errors: Record<string, string> } | { view: unknown },
  ): void {
    const view = this.openedViews.get(id);
    if (!view) return;
    if ('close' in outcome) {
      view.closedAt = this.clock.now();
      delete view.errors;
      this.record('view.closed', { user: view.user, data: view });
    } else if ('errors' in outcome) {
      view.errors = outcome.errors;
      this.record('view.updated', { user: view.user, data: view });
    } else {
      view.view = checkView(outcome.view);
      view.hash = this.viewHash();
      view.updatedAt = this.clock.now();
      delete view.errors;
      this.record('view.updated', { user: view.user, data: view });
    }
  }

  /** A message in a channel, or one of `user`'s ephemerals, by ts. */
  findAnyMessage(
    channel: string,
    ts: string,
    user?: string,
  ): { message: ChannelMessage | EphemeralMessage; ephemeral: boolean } | undefined {
    const id = this.resolveChannel(channel, { open: false }) ?? channel;
    const inChannel = this.findMessage(id, ts);
    if (inChannel && !inChannel.deleted) return { message: inChannel, ephemeral: false };
    const ephemeral = this.ephemeralMessages.find(
      (m) => m.ts === ts && m.channel === id && (!user || m.user === user) && !m.deleted,
    );
    return ephemeral ? { message: ephemeral, ephemeral: true } : undefined;
  }

  // ---- reads ------------------------------------------------------------------------------------

  messages(channel: string, options: { includeDeleted?: boolean } = {}): ChannelMessage[] {
    const id = this.resolveChannel(channel, { open: false }) ?? channel;
    return (this.channelMessages.get(id) ?? []).filter((m) => options.includeDeleted || !m.deleted);
  }

  /** Top-level messages (not thread replies) in a channel. */
  history(channel: string): ChannelMessage[] {
    return this.messages(channel).filter((m) => !m.threadTs || m.threadTs === m.ts);
  }

  thread(channel: string, ts: string): ChannelMessage[] {
    return this.messages(channel).filter((m) => m.ts === ts || m.threadTs === ts);
  }

  ephemerals(filter: { user?: string; channel?: string; includeDeleted?: boolean } = {}): EphemeralMessage[] {
    return this.ephemeralMessages.filter(
      (m) =>
        (!filter.user || m.user === filter.user) &&
        (!filter.channel || m.channel === filter.channel) &&
        (filter.includeDeleted || !m.deleted),
    );
  }

  views(filter: { user?: string } = {}): OpenedView[] {
    return [...this.openedViews.values()].filter((v) => !filter.user || v.user === filter.user);
  }

  dms(): Array<{ user: string; channel: string }> {
    return [...this.dmChannels].map(([user, channel]) => ({ user, channel }));
  }

  events(since = 0): EmulatorEvent[] {
    return this.eventLog.filter((e) => e.seq > since);
  }

  get lastEventSeq(): number {
    return this.eventSeq;
  }

  /** Calls `listener` for every new event; returns the unsubscribe function. */
  subscribe(listener: (event: EmulatorEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  /** Events after `since`, waiting up to `timeoutMs` for the first one (a long poll). */
  waitForEvents(since: number, timeoutMs: number, signal?: AbortSignal): Promise<EmulatorEvent[]> {
    const ready = this.events(since);
    if (ready.length > 0 || timeoutMs <= 0) return Promise.resolve(ready);
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener('abort', finish);
        resolve(this.events(since));
      };
      const timer = setTimeout(finish, timeoutMs);
      const unsubscribe = this.subscribe(finish);
      signal?.addEventListener('abort', finish);
    });
  }

  // ---- internals --------------------------------------------------------------------------------

  private requireChannel(ref: string | undefined): string {
    const id = ref ? this.resolveChannel(ref) : undefined;
    if (!id) throw new SlackApiError('channel_not_found');
    return id;
  }

  private findMessage(channel: string, ts: string): ChannelMessage | undefined {
    return this.channelMessages.get(channel)?.find((m) => m.ts === ts);
  }

  private addChannelMessage(message: ChannelMessage): void {
    const list = this.channelMessages.get(message.channel) ?? [];
    list.push(message);
    this.channelMessages.set(message.channel, list);
    this.record('message.posted', { channel: message.channel, ts: message.ts, data: message });
  }

  private addEphemeral(message: EphemeralMessage): void {
    this.ephemeralMessages.push(message);
    this.record('ephemeral.posted', {
      channel: message.channel,
      user: message.user,
      ts: message.ts,
      data: message,
    });
  }

  private applyUpdate(message: ChannelMessage, content: MessageContent): void {
    message.text = content.text ?? '';
    if (content.blocks) message.blocks = content.blocks;
    else delete message.blocks;
    message.editedTs = this.nextTs();
    this.record('message.updated', { channel: message.channel, ts: message.ts, data: message });
  }

  private applyEphemeralUpdate(message: EphemeralMessage, content: MessageContent): void {
    message.text = content.text ?? '';
    if (content.blocks) message.blocks = content.blocks;
    else delete message.blocks;
    message.editedTs = this.nextTs();
    this.record('ephemeral.updated', {
      channel: message.channel,
      user: message.user,
      ts: message.ts,
      data: message,
    });
  }

  /** Slack timestamps: seconds, a dot, six digits; unique and increasing within the workspace. */
  private nextTs(): string {
    const micros = Math.max(this.clock.now() * 1000, this.lastTsMicros + 1);
    this.lastTsMicros = micros;
    const seconds = Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  private viewHash(): string {
    return `${Math.floor(this.clock.now() / 1000)}.${randomBytes(6).toString('hex')}`;
  }

  private record(
    type: EmulatorEventType,
    fields: { channel?: string; user?: string; ts?: string; data: unknown },
  ): void {
    this.eventSeq += 1;
    const event: EmulatorEvent = { seq: this.eventSeq, at: this.clock.now(), type, ...fields };
    this.eventLog.push(event);
    if (this.eventLog.length > MAX_EVENTS) this.eventLog.splice(0, this.eventLog.length - MAX_EVENTS);
    this.emitter.emit('event', event);
  }
}

function refusal(why: { status: number; error: string }): ResponseUrlAnswer {
  return { status: why.status, body: { ok: false, error: why.error } };
}

function contentOf(body: Record<string, unknown>): MessageContent {
  const content: MessageContent = {};
  if (typeof body['text'] === 'string') content.text = body['text'];
  if (body['blocks'] !== undefined) content.blocks = body['blocks'] as Blocks;
  return content;
}

/** What Slack checks on every message: some content, blocks within limits, text not too long. */
function checkContent(content: MessageContent): void {
  if (content.blocks !== undefined) {
    const problems = checkBlocks(content.blocks);
    if (problems.length > 0) throw new SlackApiError('invalid_blocks', problems);
  }
  const hasBlocks = Array.isArray(content.blocks) && content.blocks.length > 0;
  if (!content.text && !hasBlocks) throw new SlackApiError('no_text');
  if (content.text && content.text.length > MAX_MESSAGE_TEXT) throw new SlackApiError('msg_too_long');
}

/** A modal view as views.open/views.update accept it. */
function checkView(view: unknown): Record<string, unknown> {
  if (typeof view !== 'object' || view === null || Array.isArray(view)) {
    throw new SlackApiError('invalid_arguments', [
      '[ERROR] missing required field: view [json-pointer:/view]',
    ]);
  }
  const v = view as Record<string, unknown>;
  const problems: string[] = [];
  if (v['type'] !== 'modal') problems.push('[ERROR] must be one of [modal] [json-pointer:/view/type]');
  const title = v['title'] as Record<string, unknown> | undefined;
  if (!title || typeof title['text'] !== 'string') {
    problems.push('[ERROR] missing required field: title [json-pointer:/view/title]');
  } else if (title['text'].length > 24) {
    problems.push('[ERROR] must be less than 25 characters [json-pointer:/view/title/text]');
  }
  for (const key of ['submit', 'close'] as const) {
    const button = v[key] as Record<string, unknown> | undefined;
    if (button && typeof button['text'] === 'string' && button['text'].length > 24) {
      problems.push(`[ERROR] must be less than 25 characters [json-pointer:/view/${key}/text]`);
    }
  }
  if (typeof v['private_metadata'] === 'string' && v['private_metadata'].length > 3000) {
    problems.push('[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]');
  }
  if (typeof v['callback_id'] === 'string' && v['callback_id'].length > 255) {
    problems.push('[ERROR] must be less than 256 characters [json-pointer:/view/callback_id]');
  }
  if (problems.length > 0) throw new SlackApiError('invalid_arguments', problems);
  const blockProblems = checkBlocks(v['blocks'] ?? [], 'modal').map((p) =>
    p.replace('json-pointer:/', 'json-pointer:/view/'),
  );
  if (blockProblems.length > 0) throw new SlackApiError('invalid_arguments', blockProblems);
  return v;
}
