import { WebClient } from '@slack/web-api';
import type { Notifier, NotifierMessage } from './types';

export interface SlackNotifierOptions {
  token: string;
  /** The Web API base, e.g. the sandbox's Slack emulator (`…/api/`); Slack's own when unset. */
  slackApiUrl?: string | undefined;
}

/** Posts reports and DMs with the Web API (chat.postMessage to a user id opens the DM). */
export function createSlackNotifier(options: SlackNotifierOptions): Notifier {
  const client = new WebClient(options.token, {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
  });
  const send = async (channel: string, message: NotifierMessage) => {
    await client.chat.postMessage({
      channel,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks as never } : {}),
    });
  };
  return { post: send, dm: send };
}
