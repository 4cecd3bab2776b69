import { clip, LIMITS, type Message } from '@ec2ops/core/slack/blocks';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { SlackNotifier } from './context';

/**
 * response_url first (it answers in the channel where the person asked, and can replace the
 * message they clicked); a DM through chat.postMessage when there is none or Slack refuses it
 * (older than 30 minutes, or already used 5 times).
 */
export function createSlackNotifier(
  web: Pick<WebClient, 'chat'>,
  logger: Logger,
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
  const post = async (channel: string, message: Message) => {
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
    async respond(request, message) {
      if (request.responseUrl) {
        try {
          await toResponseUrl(request.responseUrl, message);
          return;
        } catch (error) {
          logger.warn({ err: error, requestId: request.id }, 'response_url refused; answering by DM');
        }
      }
      await post(request.user.id, message);
    },
  };
}
