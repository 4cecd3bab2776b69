import { emulatorMint, type SentRequest, SlackRequestClient } from './client';
import type { SubmittedView } from './payloads';
import type { Blocks, OpenedView } from './records';
import type { SlackWorkspace } from './workspace';

/** Slack gives up on an app that has not answered in 3 seconds and tells the user so. */
export const ACK_DEADLINE_MS = 3_000;

/** Where Slack sends the workspace's requests: the app's request URL and its signing secret. */
export interface AppTarget {
  url: string;
  signingSecret: string;
}

export class AppNotConfigured extends Error {
  constructor() {
    super('no app request URL is configured for the Slack emulator');
  }
}

export interface DriverResult {
  status: number;
  /** The app's answer body (parsed when JSON). */
  body: unknown;
  elapsedMs: number;
  /** Slack's error when the request failed from the user's point of view. */
  error?: 'operation_timeout' | 'dispatch_failed';
  responseUrl?: string;
  responseUrlId?: string;
  triggerId?: string;
}

/**
 * Plays the Slack client for a person in the workspace: types a command, clicks a button,
 * submits a modal. Sends the same signed requests Slack would, and shows what Slack shows
 * afterwards (the ack body, `failed with the error …` notices, modal errors). The web console
 * drives the sandbox through this.
 */
export class SlackAppDriver {
  private readonly ackDeadlineMs: number;

  constructor(
    private readonly ws: SlackWorkspace,
    private readonly target: () => AppTarget | undefined,
    options: { ackDeadlineMs?: number } = {},
  ) {
    this.ackDeadlineMs = options.ackDeadlineMs ?? ACK_DEADLINE_MS;
  }

  private client(): SlackRequestClient {
    const target = this.target();
    if (!target) throw new AppNotConfigured();
    return new SlackRequestClient({
      url: target.url,
      signingSecret: target.signingSecret,
      clock: this.ws.clock,
      seed: this.ws.seed,
      mint: emulatorMint({
        mintResponseUrl: ({ user, channel, source }) =>
          this.ws.mintResponseUrl({
            user,
            channel,
            source: source ?? { kind: 'command', command: '', text: '' },
          }),
        mintTriggerId: (user) => this.ws.triggers.mint(user),
      }),
    });
  }

  /** `/ec2 list` typed by `user` in `channel`. */
  async command(args: { user: string; channel: string; text: string }): Promise<DriverResult> {
    const channel = this.ws.resolveChannel(args.channel) ?? args.channel;
    const command = args.text.trim().split(/\s+/)[0] ?? '';
    const result = await this.timed(() =>
      this.client().slashCommand(args.text, { user: args.user, channel }),
    );
    if (result.error) {
      this.ws.slackNotice({
        user: args.user,
        channel,
        text: `${command} failed with the error "${result.error}"`,
      });
      return result;
    }
    const content = ackContent(result.body);
    if (content) {
      const inChannel = (result.body as Record<string, unknown>)['response_type'] === 'in_channel';
      this.ws.recordAck({
        user: args.user,
        channel,
        content,
        inChannel,
        ...(result.responseUrlId ? { responseUrlId: result.responseUrlId } : {}),
      });
    }
    return result;
  }

  /** A click on the element `actionId` of a recorded message (channel or ephemeral). */
  async click(args: {
    user: string;
    channel: string;
    ts: string;
    actionId: string;
    value?: string;
  }): Promise<DriverResult> {
    const channel = this.ws.resolveChannel(args.channel) ?? args.channel;
    const found = this.ws.findAnyMessage(channel, args.ts, args.user);
    if (!found) throw new Error(`no message ${args.ts} in ${channel} that ${args.user} can see`);
    const { message, ephemeral } = found;
    return this.timed(() =>
      this.client().blockAction(
        {
          message: {
            ts: message.ts,
            text: message.text,
            ...(message.blocks ? { blocks: message.blocks } : {}),
            ephemeral,
            ...('botId' in message && message.botId ? { botId: message.botId, user: message.user } : {}),
          },
          actionId: args.actionId,
          ...(args.value !== undefined ? { selectedValue: args.value } : {}),
        },
        { user: args.user, channel },
      ),
    );
  }

  /** Submits an opened modal with `values[block_id][action_id] = { type, value | selected_option … }`. */
  async submit(args: {
    user: string;
    viewId: string;
    values: Record<string, Record<string, Record<string, unknown>>>;
  }): Promise<DriverResult> {
    const view = this.ws.view(args.viewId);
    if (!view || view.closedAt !== undefined) throw new Error(`no open view ${args.viewId}`);
    const result = await this.timed(() =>
      this.client().viewSubmission(submittedView(view, args.values), { user: args.user }),
    );
    if (result.error) return result;
    const body = (typeof result.body === 'object' && result.body !== null ? result.body : {}) as Record<
      string,
      unknown
    >;
    const action = body['response_action'];
    if (action === 'errors' && typeof body['errors'] === 'object' && body['errors'] !== null) {
      this.ws.settleView(view.id, { errors: body['errors'] as Record<string, string> });
    } else if ((action === 'update' || action === 'push') && body['view'] !== undefined) {
      this.ws.settleView(view.id, { view: body['view'] });
    } else {
      this.ws.settleView(view.id, { close: true });
    }
    return result;
  }

  /** A click or selection inside an open modal; Slack sends no response_url for these. */
  async viewAction(args: {
    user: string;
    viewId: string;
    actionId: string;
    value?: string;
    values?: Record<string, Record<string, Record<string, unknown>>>;
  }): Promise<DriverResult> {
    const view = this.ws.view(args.viewId);
    if (!view || view.closedAt !== undefined) throw new Error(`no open view ${args.viewId}`);
    return this.timed(() =>
      this.client().viewAction(
        {
          view: submittedView(view, args.values ?? {}),
          actionId: args.actionId,
          ...(args.value !== undefined ? { selectedValue: args.value } : {}),
        },
        { user: args.user },
      ),
    );
  }

  private async timed(send: () => Promise<SentRequest>): Promise<DriverResult> {
    // Slack's clock, not the machine's: the sandbox and tests move it, and a busy machine's
    // scheduling delays must not turn a prompt ack into `operation_timeout`.
    const started = this.ws.clock.now();
    let sent: SentRequest;
    try {
      sent = await send();
    } catch (error) {
      if (error instanceof AppNotConfigured) throw error;
      return {
        status: 0,
        body: String((error as Error).message),
        elapsedMs: this.ws.clock.now() - started,
        error: 'dispatch_failed',
      };
    }
    const elapsedMs = this.ws.clock.now() - started;
    const result: DriverResult = {
      status: sent.status,
      body: sent.json ?? sent.text,
      elapsedMs,
      ...(sent.responseUrl ? { responseUrl: sent.responseUrl.url, responseUrlId: sent.responseUrl.id } : {}),
      ...(sent.triggerId ? { triggerId: sent.triggerId } : {}),
    };
    if (elapsedMs > this.ackDeadlineMs) result.error = 'operation_timeout';
    else if (sent.status < 200 || sent.status >= 300) result.error = 'dispatch_failed';
    return result;
  }
}

/** What of an ack body Slack shows: JSON with text or blocks, or plain text. */
function ackContent(body: unknown): { text?: string; blocks?: Blocks } | undefined {
  if (typeof body === 'string') return body.trim() ? { text: body } : undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const text = typeof b['text'] === 'string' && b['text'] ? b['text'] : undefined;
  const blocks = Array.isArray(b['blocks']) && b['blocks'].length > 0 ? (b['blocks'] as Blocks) : undefined;
  if (!text && !blocks) return undefined;
  return { ...(text ? { text } : {}), ...(blocks ? { blocks } : {}) };
}

/** An opened view as a view payload carries it, with the person's current input values. */
function submittedView(
  view: OpenedView,
  values: Record<string, Record<string, Record<string, unknown>>>,
): SubmittedView {
  const v = view.view;
  return {
    id: view.id,
    values,
    hash: view.hash,
    ...(typeof v['callback_id'] === 'string' ? { callback_id: v['callback_id'] } : {}),
    ...(typeof v['private_metadata'] === 'string' ? { private_metadata: v['private_metadata'] } : {}),
    ...(v['title'] !== undefined ? { title: v['title'] } : {}),
    ...(Array.isArray(v['blocks']) ? { blocks: v['blocks'] as Blocks } : {}),
  };
}
