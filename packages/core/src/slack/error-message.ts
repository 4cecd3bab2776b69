import { isEc2opsError } from '../errors';
import { type Block, context, type Message, section } from './blocks';
import { code, escapeKeepingMentions } from './escape';

/**
 * The one place an error becomes what a Slack user sees. Ec2opsErrors are written for people:
 * their message and hint are shown with the code. Anything else is a bug or an outage, whose
 * details stay in the logs: the person gets a generic message and the request id to quote.
 * Messages echo what was typed (`Unknown command \`…\``), so message and hint are escaped here,
 * once, keeping only the bare owner mentions ec2ops writes (escape.ts).
 */
export function errorMessage(error: unknown, requestId: string): Message {
  if (isEc2opsError(error)) {
    const message = escapeKeepingMentions(error.message);
    const hint = error.hint ? escapeKeepingMentions(error.hint) : undefined;
    const blocks: Block[] = [...section(`:warning: ${message}`)];
    if (hint) blocks.push(...section(hint));
    blocks.push(...context(`${code(error.code)} · request ${code(requestId)}`));
    return {
      response_type: 'ephemeral',
      text: `${message}${hint ? `\n${hint}` : ''}`,
      blocks,
    };
  }
  const text = `Something went wrong on our side and nothing more was done. If it happens again, quote request ${requestId}.`;
  return {
    response_type: 'ephemeral',
    text,
    blocks: [...section(`:x: ${text}`), ...context(`\`internal\` · request \`${requestId}\``)],
  };
}

/** Stable code for logs and audit: the Ec2opsError code, or `internal`. */
export function errorCode(error: unknown): string {
  return isEc2opsError(error) ? error.code : 'internal';
}
