import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';
import { DEV_SIGNING_SECRET } from './dev-secret';
import type { SlackEmulator } from './emulator';
import {
  type Actor,
  actionFromBlocks,
  type BlockAction,
  blockActionsPayload,
  interactionBody,
  type SourceMessage,
  type SubmittedView,
  slashCommandBody,
  viewBlockActionsPayload,
  viewSubmissionPayload,
} from './payloads';
import type { ResponseSource } from './records';
import { DEFAULT_SEED, type WorkspaceSeed } from './seed';
import { slackSignature } from './signing';

/**
 * Where response URLs and trigger ids come from: the emulator, in process or over HTTP. Without
 * one, the client sends URLs that point nowhere (fine for tests of the verification step).
 */
export interface SlackMint {
  responseUrl(args: {
    user: string;
    channel: string;
    source: ResponseSource;
  }): Promise<{ id: string; url: string }>;
  triggerId(user: string): Promise<string>;
}

export function emulatorMint(emulator: Pick<SlackEmulator, 'mintResponseUrl' | 'mintTriggerId'>): SlackMint {
  return {
    responseUrl: async (args) => {
      const record = emulator.mintResponseUrl(args);
      return { id: record.id, url: record.url };
    },
    triggerId: async (user) => emulator.mintTriggerId(user),
  };
}

/** Mints through a running emulator's `/_emulator/*` routes (another process, e.g. the CLI). */
export function remoteMint(emulatorUrl: string): SlackMint {
  const base = emulatorUrl.replace(/\/+$/, '').replace(/\/api$/, '');
  const post = async (route: string, body: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${base}/_emulator/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok || json['ok'] !== true)
      throw new Error(`emulator ${route}: ${String(json['error'] ?? res.status)}`);
    return json;
  };
  return {
    responseUrl: async (args) => {
      const json = await post('response-urls', args);
      const record = json['responseUrl'] as { id: string; url: string };
      return { id: record.id, url: record.url };
    },
    triggerId: async (user) => String((await post('triggers', { user }))['trigger_id']),
  };
}

/** Ways to break a request on purpose, for the security tests of the receiving side. */
export interface Tamper {
  /** Sign with this secret instead of the real one. */
  secret?: string;
  /** Send this `X-Slack-Signature` verbatim; `null` leaves the header out. */
  signature?: string | null;
  /** Send this `X-Slack-Request-Timestamp` (seconds) instead of now; `null` leaves it out. */
  timestamp?: number | string | null;
  /** Sign with the real timestamp plus this many seconds (negative: the past). */
  skewSeconds?: number;
  /** Change the body after signing it. */
  body?: (signedBody: string) => string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

export interface SentRequest {
  status: number;
  headers: Record<string, string>;
  /** The response body as text, and parsed when it is JSON. */
  text: string;
  json?: unknown;
  /** Exactly what was sent. */
  request: SignedRequest;
  responseUrl?: { id: string; url: string };
  triggerId?: string;
}

export interface SlackRequestClientOptions {
  /** The app's request URL, e.g. `http://127.0.0.1:3000/slack/events`. */
  url: string;
  signingSecret?: string;
  clock?: Clock;
  mint?: SlackMint;
  seed?: WorkspaceSeed;
  verificationToken?: string;
}

export interface AsUser {
  user?: string;
  channel?: string;
  tamper?: Tamper;
}

/** Sends requests to an app exactly as Slack does: same encodings, same fields, same signature. */
export class SlackRequestClient {
  readonly url: string;
  readonly signingSecret: string;
  private readonly clock: Clock;
  private readonly seed: WorkspaceSeed;
  private readonly mint: SlackMint | undefined;
  private readonly verificationToken: string;

  constructor(options: SlackRequestClientOptions) {
    this.url = options.url;
    this.signingSecret = options.signingSecret ?? DEV_SIGNING_SECRET;
    this.clock = options.clock ?? { now: () => Date.now() };
    this.seed = options.seed ?? DEFAULT_SEED;
    this.mint = options.mint;
    this.verificationToken = options.verificationToken ?? 'sandbox-verification-token';
  }

  /** `/ec2 list` → command `/ec2`, text `list`. */
  async slashCommand(commandLine: string, as: AsUser = {}): Promise<SentRequest> {
    const built = await this.buildSlashCommand(commandLine, as);
    return {
      ...(await this.post(built.request)),
      responseUrl: built.responseUrl,
      triggerId: built.triggerId,
    };
  }

  /**
   * The signed slash command without sending it: for in-process callers (a benchmark turning it
   * into a Function URL event, say).
   */
  async buildSlashCommand(
    commandLine: string,
    as: AsUser = {},
  ): Promise<{ request: SignedRequest; responseUrl: { id: string; url: string }; triggerId: string }> {
    const trimmed = commandLine.trim();
    const space = trimmed.indexOf(' ');
    const command = space === -1 ? trimmed : trimmed.slice(0, space);
    const text = space === -1 ? '' : trimmed.slice(space + 1).trim();
    if (!command.startsWith('/')) throw new Error(`a slash command starts with "/": ${commandLine}`);
    const actor = this.actor(as);
    const responseUrl = await this.mintResponseUrl(actor, { kind: 'command', command, text });
    const triggerId = await this.mintTrigger(actor.user.id);
    const body = slashCommandBody(actor, { command, text, responseUrl: responseUrl.url, triggerId });
    return { request: this.sign(body, as.tamper), responseUrl, triggerId };
  }

  /**
   * A click on an element of a message the emulator recorded (or any message you describe).
   * `actionId` names the button or select; `selectedValue` picks a select's option.
   */
  async blockAction(
    input:
      | { message: SourceMessage; actionId: string; selectedValue?: string }
      | { message: SourceMessage; actions: BlockAction[] },
    as: AsUser = {},
  ): Promise<SentRequest> {
    const actor = this.actor(as);
    const actionTs = (this.clock.now() / 1000).toFixed(6);
    let actions: BlockAction[];
    if ('actions' in input) {
      actions = input.actions;
    } else {
      const action = actionFromBlocks(input.message.blocks, input.actionId, actionTs, input.selectedValue);
      if (!action) throw new Error(`no element with action_id ${input.actionId} in that message`);
      actions = [action];
    }
    const responseUrl = await this.mintResponseUrl(actor, {
      kind: 'message',
      ts: input.message.ts,
      ephemeral: input.message.ephemeral,
    });
    const triggerId = await this.mintTrigger(actor.user.id);
    const payload = blockActionsPayload(actor, {
      actions,
      message: input.message,
      responseUrl: responseUrl.url,
      triggerId,
    });
    return { ...(await this.send(interactionBody(payload), as.tamper)), responseUrl, triggerId };
  }

  async viewSubmission(view: SubmittedView, as: AsUser = {}): Promise<SentRequest> {
    const actor = this.actor(as);
    const triggerId = await this.mintTrigger(actor.user.id);
    const payload = viewSubmissionPayload(actor, { view, triggerId });
    return { ...(await this.send(interactionBody(payload), as.tamper)), triggerId };
  }

  /** A click or selection on an element inside an open modal (`actionId` in its blocks). */
  async viewAction(
    input: { view: SubmittedView; actionId: string; selectedValue?: string },
    as: AsUser = {},
  ): Promise<SentRequest> {
    const actor = this.actor(as);
    const actionTs = (this.clock.now() / 1000).toFixed(6);
    const action = actionFromBlocks(input.view.blocks, input.actionId, actionTs, input.selectedValue);
    if (!action) throw new Error(`no element with action_id ${input.actionId} in that view`);
    const triggerId = await this.mintTrigger(actor.user.id);
    const payload = viewBlockActionsPayload(actor, { actions: [action], view: input.view, triggerId });
    return { ...(await this.send(interactionBody(payload), as.tamper)), triggerId };
  }

  /** Signs and posts any form body; the other methods end here. */
  async send(body: string, tamper: Tamper = {}): Promise<SentRequest> {
    return this.post(this.sign(body, tamper));
  }

  /** The headers Slack would send with this body (and whatever `tamper` breaks), without sending. */
  sign(body: string, tamper: Tamper = {}): SignedRequest {
    const nowSeconds = Math.floor(this.clock.now() / 1000) + (tamper.skewSeconds ?? 0);
    const timestamp = tamper.timestamp === undefined ? String(nowSeconds) : tamper.timestamp;
    const signature =
      tamper.signature === undefined
        ? slackSignature(tamper.secret ?? this.signingSecret, timestamp ?? nowSeconds, body)
        : tamper.signature;
    const headers: Record<string, string> = {
      'content-type': tamper.contentType ?? 'application/x-www-form-urlencoded',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...(timestamp === null ? {} : { 'x-slack-request-timestamp': String(timestamp) }),
      ...(signature === null ? {} : { 'x-slack-signature': signature }),
      ...tamper.headers,
    };
    return { body: tamper.body ? tamper.body(body) : body, headers };
  }

  private async post(request: SignedRequest): Promise<SentRequest> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return {
      status: res.status,
      headers: headersObject(res.headers),
      text,
      ...(json === undefined ? {} : { json }),
      request,
    };
  }

  private actor(as: AsUser): Actor {
    const userId = as.user ?? 'UOPERATOR';
    const ref = as.channel ?? this.seed.channels[0]?.id ?? 'C0EC2OPS';
    // `#ec2ops` or `ec2ops` name a seeded channel as well as its id does.
    const channel = this.seed.channels.find((c) => c.id === ref || c.name === ref.replace(/^#/, ''));
    const channelId = channel?.id ?? ref;
    const user = this.seed.users.find((u) => u.id === userId);
    return {
      teamId: this.seed.team.id,
      teamDomain: this.seed.team.domain,
      appId: this.seed.bot.appId,
      verificationToken: this.verificationToken,
      user: { id: userId, name: user?.name ?? userId.toLowerCase() },
      channel: {
        id: channelId,
        name: channel?.name ?? (channelId.startsWith('D') ? 'directmessage' : channelId),
      },
    };
  }

  private async mintResponseUrl(actor: Actor, source: ResponseSource): Promise<{ id: string; url: string }> {
    if (this.mint) return this.mint.responseUrl({ user: actor.user.id, channel: actor.channel.id, source });
    // Port 1 refuses connections: a reply to it fails loudly instead of going somewhere.
    const id = randomBytes(8).toString('hex');
    return { id, url: `http://127.0.0.1:1/_responses/${id}` };
  }

  private async mintTrigger(user: string): Promise<string> {
    if (this.mint) return this.mint.triggerId(user);
    return `${Math.floor(this.clock.now() / 1000)}.${randomBytes(12).toString('hex')}`;
  }
}

function headersObject(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}
