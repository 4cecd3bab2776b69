import { clip, LIMITS, type Message } from '@ec2ops/core/slack';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Logger } from './telemetry/log';

/** A message as ec2ops sends it: core's Message, or a job report (its blocks are core's too). */
export interface OutgoingMessage {
  text: string;
  blocks?: unknown[] | undefined;
  response_type?: Message['response_type'];
  replace_original?: boolean | undefined;
}

/** How the worker and the jobs talk to Slack: one implementation over the Web API client. */
export interface SlackNotifier {
  /**
   * Answers a request: through its response_url (ephemeral unless the message says in_channel;
   * `replace_original` updates the message that was clicked), or, when it has none or it has
   * expired (30 minutes, 5 uses), as a DM to the requester via chat.postMessage.
   */
  respond(
    request: { id: string; user: { id: string }; responseUrl?: string | undefined },
    message: Message,
  ): Promise<void>;
  /** chat.postMessage to a channel id; returns the message ts. */
  post(channel: string, message: OutgoingMessage): Promise<string | undefined>;
  /** A direct message (chat.postMessage to a user id opens the DM). */
  dm(user: string, message: OutgoingMessage): Promise<void>;
  /** POSTs to a response_url as is. */
  toResponseUrl(url: string, message: Message): Promise<void>;
}

/** The Web API client of a function: its bot token, the Slack API base the root names. */
export function slackWebClient(
  token: string,
  slackApiUrl: string | undefined,
  options: Omit<WebClientOptions, 'slackApiUrl'> = {},
): WebClient {
  return new WebClient(token, { ...options, ...(slackApiUrl ? { slackApiUrl } : {}) });
}

export function createSlackNotifier(
  web: Pick<WebClient, 'chat'>,
  logger?: Logger,
  fetchFn: typeof fetch = fetch,
): SlackNotifier {
  const toResponseUrl = async (url: string, message: Message) => {
    const res = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...message, text: clip(message.text, LIMITS.messageText) }),
    });
    if (!res.ok) throw new Error(`response_url answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  };
  const post = async (channel: string, message: OutgoingMessage) => {
    const { response_type: _type, replace_original: _replace, ...rest } = message;
    const result = await web.chat.postMessage({
      channel,
      ...rest,
      text: clip(rest.text, LIMITS.messageText),
    } as never);
    return result.ts;
  };
  return {
    toResponseUrl,
    post,
    dm: async (user, message) => void (await post(user, message)),
    async respond(request, message) {
      if (request.responseUrl) {
        try {
          await toResponseUrl(request.responseUrl, message);
          return;
        } catch (error) {
          logger?.warn({ err: error, requestId: request.id }, 'response_url refused; answering by DM');
        }
      }
      await post(request.user.id, message);
    },
  };
}
