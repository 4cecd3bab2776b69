import { createHmac } from 'node:crypto';

/** `v0=` + hex HMAC-SHA256(secret, "v0:<timestamp>:<raw body>"): Slack's request signature. */
export function slackSignature(secret: string, timestamp: number | string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/** The two headers Slack adds to every request it sends to an app. */
export function signedHeaders(
  secret: string,
  timestampSeconds: number,
  rawBody: string,
): Record<string, string> {
  return {
    'x-slack-request-timestamp': String(timestampSeconds),
    'x-slack-signature': slackSignature(secret, timestampSeconds, rawBody),
  };
}
