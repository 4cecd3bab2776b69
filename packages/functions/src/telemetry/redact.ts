/**
 * What never reaches a log line. Keys are matched whole words, case-insensitively, anywhere in a
 * log item (nested too); values are scrubbed of Slack tokens and response URLs wherever they
 * appear, for an error message can quote a token or a URL as well as a field can hold one.
 */
export const REDACTED = '[redacted]';

/** Secrets by name, and request bodies (what a user typed, a signed payload, a queue message). */
const SECRET_KEY =
  /^(authorization|cookie|password|body|rawbody|payload|botToken|signingSecret|secret|token|response_?url|x-slack-signature|SlackBotToken|SlackSigningSecret|secretAccessKey|sessionToken)$/i;

/** Slack tokens (xoxb-, xoxp-, xapp-…) and the one-shot reply URLs Slack hands out. */
const SECRET_VALUE = /\bxox[a-z]-[A-Za-z0-9-]+|\bxapp-[A-Za-z0-9-]+|https:\/\/hooks\.slack\.com\/[^\s"']+/g;

/** A JSON replacer: run on every key/value pair of a log item before it is written. */
export function redactSecrets(key: string, value: unknown): unknown {
  if (key !== '' && SECRET_KEY.test(key) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return value.replace(SECRET_VALUE, REDACTED);
  // Error messages are strings Powertools formats after this replacer: scrub them here.
  if (value instanceof Error && SECRET_VALUE.test(value.message)) {
    SECRET_VALUE.lastIndex = 0;
    const copy = new Error(value.message.replace(SECRET_VALUE, REDACTED), { cause: value.cause });
    copy.name = value.name;
    copy.stack = value.stack?.replace(SECRET_VALUE, REDACTED);
    return copy;
  }
  return value;
}
