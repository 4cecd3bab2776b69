import { isEc2opsError } from '../errors';
import { type Block, context, type Message, section } from './blocks';

/**
 * The one place an error becomes what a Slack user sees. Ec2opsErrors are written for people:
 * their message and hint are shown with the code. Anything else is a bug or an outage, whose
 * details stay in the logs: the person gets a generic message and the request id to quote.
 */
export function errorMessage(error: unknown, requestId: string): Message {
  if (isEc2opsError(error)) {
    const blocks: Block[] = [...section(`:warning: ${error.message}`)];
    if (error.hint) blocks.push(...section(error.hint));
    blocks.push(...context(`\`${error.code}\` · request \`${requestId}\``));
    return {
      response_type: 'ephemeral',
      text: `${error.message}${error.hint ? `\n${error.hint}` : ''}`,
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
