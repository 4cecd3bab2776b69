import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instancesFor, probeExecutor, probeSpec } from '../slack/fixtures';
import { allAtOnce, type CoordinatedHarness, startCoordinatedHarness } from './support';

/**
 * A signed request is accepted once. The same bytes again within the 5-minute window (a replay)
 * are refused; Slack's own retry (`X-Slack-Retry-Num`) of an accepted request is acknowledged
 * and queues nothing.
 */
let h: CoordinatedHarness;
beforeAll(async () => {
  h = await startCoordinatedHarness({ specs: [probeSpec], executors: { probe: probeExecutor } });
});
afterAll(async () => {
  await h?.close();
});

function post(
  request: { body: string; headers: Record<string, string> },
  extra: Record<string, string> = {},
) {
  return fetch(`${h.front.url}/slack/events`, {
    method: 'POST',
    headers: { ...request.headers, ...extra },
    body: request.body,
  });
}

const commandsQueued = () => h.sent.filter((m) => m.kind === 'command').length;

describe('replayed and retried Slack requests', () => {
  it('runs one signed launch sent three times, the third as a Slack retry, once', async () => {
    const built = await h.client.buildSlashCommand('/ec2 probe small', { user: 'UOPERATOR' });
    const before = commandsQueued();
    const first = await post(built.request);
    const replayed = await post(built.request);
    const retried = await post(built.request, {
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
    });
    await h.sqs.drain();

    expect(first.status).toBe(200);
    expect(replayed.status).toBe(409);
    expect(retried.status).toBe(200);
    expect(await retried.text()).toBe('');
    expect(commandsQueued()).toBe(before + 1);
    const queued = h.sent.filter((m) => m.kind === 'command').at(-1)!;
    expect(queued.kind === 'command' && (await instancesFor(h.ec2Client, queued.request.id))).toHaveLength(1);
  });

  it('accepts one of five copies of a signed request sent at once, to two slack function instances', async () => {
    const built = await h.client.buildSlashCommand('/ec2 probe small', { user: 'UOPERATOR' });
    const before = commandsQueued();
    const statuses = await allAtOnce(5, async (i) => {
      const url = i % 2 ? h.secondFront.url : h.front.url;
      const res = await fetch(`${url}/slack/events`, {
        method: 'POST',
        headers: built.request.headers,
        body: built.request.body,
      });
      return res.status;
    });
    await h.sqs.drain();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(4);
    expect(commandsQueued()).toBe(before + 1);
  });

  it('handles a retry whose original never arrived', async () => {
    const built = await h.client.buildSlashCommand('/ec2 probe small', { user: 'UOPERATOR' });
    const before = commandsQueued();
    const retried = await post(built.request, { 'x-slack-retry-num': '1' });
    await h.sqs.drain();
    expect(retried.status).toBe(200);
    expect(commandsQueued()).toBe(before + 1);
  });
});
