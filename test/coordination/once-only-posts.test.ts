import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE } from '../slack/harness';
import { type CoordinatedHarness, startCoordinatedHarness } from './support';

/**
 * Notices (a refusal told through a response_url) and audit lines travel through the queue like
 * commands, so SQS may deliver each more than once, to several workers at the same moment. Each is
 * posted to Slack once. A short visibility timeout: the copies that found the first one running are
 * shown again soon, and must then find it done.
 */
let h: CoordinatedHarness;
beforeAll(async () => {
  h = await startCoordinatedHarness({ visibilityTimeoutSeconds: 1 });
});
afterAll(async () => {
  await h?.close();
});

/** The message and three duplicates of it on the queue at once (the batch runs them together). */
async function deliverFourTimes(body: string): Promise<void> {
  const first = h.sqs.send(QUEUE, body);
  for (let i = 0; i < 3; i++) h.sqs.injectDuplicate(QUEUE, first.messageId);
  await h.sqs.drain({ timeoutMs: 20_000 });
}

describe('notices and audit lines under duplicate delivery', () => {
  it('posts a notice once when four deliveries of it arrive together', async () => {
    const url = h.slack.mintResponseUrl({ user: 'UOPERATOR', channel: 'C0GENERAL' });
    const body = JSON.stringify({
      v: 1,
      kind: 'notice',
      responseUrl: url.url,
      text: 'That button has expired.',
      requestId: 'r-notice-once-1',
      code: 'approval.expired',
    });
    await deliverFourTimes(body);
    const replies = h.slack.workspace.responseUrl(url.id)?.replies ?? [];
    expect(replies).toHaveLength(1);
    expect(JSON.stringify(replies[0]!.payload)).toContain('approval.expired');
  });

  it('posts an audit line once when four deliveries of it arrive together', async () => {
    const text = 'denied: r-audit-once-1 by <@UVIEWER> (role.none)';
    const body = JSON.stringify({
      v: 1,
      kind: 'audit',
      record: { event: 'denied', requestId: 'r-audit-once-1', user: 'UVIEWER' },
      text,
    });
    await deliverFourTimes(body);
    expect(h.slack.workspace.history('C0AUDIT').filter((m) => m.text === text)).toHaveLength(1);
  });

  it('posts two different audit lines of the same text each once', async () => {
    const text = 'denied: same words, two requests';
    for (const requestId of ['r-audit-twin-1', 'r-audit-twin-2'])
      await deliverFourTimes(JSON.stringify({ v: 1, kind: 'audit', record: { requestId }, text }));
    expect(h.slack.workspace.history('C0AUDIT').filter((m) => m.text === text)).toHaveLength(2);
  });
});
