import { isEc2opsError } from '@ec2ops/core/errors';
import { errorCode } from '@ec2ops/core/slack';
import type { SlackDeps } from './deps';

/**
 * Slack ignores the HTTP response to a click; the only way to answer is its response_url,
 * which is a Slack call this function does not make. So a refusal for a click is queued for
 * the worker to deliver.
 */
export async function queueNotice(
  deps: SlackDeps,
  responseUrl: string | undefined,
  requestId: string,
  error: unknown,
): Promise<void> {
  if (!responseUrl) return;
  const known = isEc2opsError(error);
  await deps.queue.send({
    v: 1,
    kind: 'notice',
    responseUrl,
    requestId,
    text: known
      ? error.message
      : `Something went wrong on our side. If it happens again, quote request ${requestId}.`,
    code: errorCode(error),
    ...(known && error.hint ? { hint: error.hint } : {}),
  });
}
