import { randomUUID } from 'node:crypto';
import type { CommandSpec } from '@ec2ops/core/commands';
import { InputError } from '@ec2ops/core/errors';
import { section } from '@ec2ops/core/slack';
import type { Executor } from '@ec2ops/functions/worker/context';
import { lambdaContext } from '@ec2ops/sandbox/sqs/delivery';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instancesFor, probeExecutor, probeSpec, queuedRequest } from './fixtures';
import { auditLines, type Harness, MAX_RECEIVE_COUNT, QUEUE, startHarness } from './harness';

const spec = (name: string): CommandSpec => ({
  name,
  summary: `${name} (tests only)`,
  role: 'viewer',
  mutates: false,
  iam: [],
});
let boomCalls = 0;
const executors: Record<string, Executor> = {
  boom: async () => {
    boomCalls++;
    throw new Error('EC2 is having a bad day');
  },
  refuse: async () => {
    throw new InputError('access.not-yours', 'That cannot be done.', { hint: 'Do the other thing.' });
  },
  many: async () => ({
    text: '130 things',
    blocks: Array.from({ length: 130 }, (_, i) => section(`*thing ${i}*`)[0]!),
  }),
  probe: probeExecutor,
};

let h: Harness;
beforeAll(async () => {
  // Failed messages come back at once, so the retry path runs in milliseconds.
  h = await startHarness({
    specs: [spec('boom'), spec('refuse'), spec('many'), spec('unbuilt'), probeSpec],
    executors,
    visibilityTimeoutSeconds: 0,
  });
});
afterAll(async () => {
  await h?.close();
});

function replies(urlId: string) {
  return h.slack.workspace.responseUrl(urlId)?.replies ?? [];
}

describe('the worker', () => {
  it('retries a failing request, then tells the requester it failed with its request id, and lets it go to the DLQ', async () => {
    const sent = await h.client.slashCommand('/ec2 boom', { user: 'UVIEWER' });
    await h.sqs.drain();
    expect(boomCalls).toBe(MAX_RECEIVE_COUNT);
    const answers = replies(sent.responseUrl!.id).map((r) => JSON.stringify(r.payload));
    const requestId = /request (r-[0-9a-f]+)/.exec(answers.join(''))?.[1];
    expect(answers).toHaveLength(1);
    expect(answers[0]).toContain('failed and was not completed');
    expect(answers[0]).not.toContain('bad day');
    expect(h.sqs.messages(`${QUEUE}-dlq`).some((m) => m.body.includes(requestId!))).toBe(true);
    expect(auditLines(h.logs).find((l) => l['requestId'] === requestId && l['event'] === 'outcome')).toEqual(
      expect.objectContaining({ result: 'error', code: 'internal' }),
    );
  });

  it('hands back to SQS only the messages of a batch to retry, and every one when all are', async () => {
    const record = (id: string, command: string) =>
      ({
        messageId: randomUUID(),
        receiptHandle: randomUUID(),
        body: JSON.stringify({
          v: 1,
          kind: 'command',
          request: queuedRequest({
            id,
            command,
            args: {},
            text: command,
            user: { id: 'UVIEWER', role: 'viewer' },
          }),
        }),
        attributes: { ApproximateReceiveCount: '1' },
        messageAttributes: {},
        eventSource: 'aws:sqs',
      }) as unknown as SQSRecord;
    const fails = record('r-00000batch1', 'boom');
    const works = record('r-00000batch2', 'many');
    const mixed = await h.worker({ Records: [fails, works] }, lambdaContext('worker', 60_000));
    expect(mixed.batchItemFailures).toEqual([{ itemIdentifier: fails.messageId }]);

    const both = [record('r-00000batch3', 'boom'), record('r-00000batch4', 'boom')];
    const all = await h.worker({ Records: both }, lambdaContext('worker', 60_000));
    expect(all.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      both.map((r) => r.messageId).sort(),
    );
  });

  it('shows an Ec2opsError to the requester once, with its hint, without retrying', async () => {
    const sent = await h.client.slashCommand('/ec2 refuse', { user: 'UVIEWER' });
    await h.sqs.drain();
    const answers = replies(sent.responseUrl!.id);
    expect(answers).toHaveLength(1);
    expect(JSON.stringify(answers[0]!.payload)).toContain('Do the other thing.');
  });

  it('says a command without an executor is not available yet', async () => {
    const sent = await h.client.slashCommand('/ec2 unbuilt', { user: 'UVIEWER' });
    await h.sqs.drain();
    expect(JSON.stringify(replies(sent.responseUrl!.id)[0]!.payload)).toContain('command.not-implemented');
  });

  it('pages a long answer within Block Kit limits, and Next replaces it with the next page', async () => {
    const sent = await h.client.slashCommand('/ec2 many', { user: 'UVIEWER' });
    await h.sqs.drain();
    const first = replies(sent.responseUrl!.id)[0]!;
    expect(first.outcome).toBe('ok'); // the emulator refuses blocks beyond Slack's limits
    const blocks = first.payload['blocks'] as unknown[];
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(blocks)).toContain('page 1 of 3');
    const shown = h.slack.workspace.ephemerals({ user: 'UVIEWER' }).find((m) => m.ts === first.posted!.ts)!;
    const click = await h.client.blockAction(
      {
        message: { ts: shown.ts, text: shown.text, blocks: shown.blocks, ephemeral: true },
        actionId: 'ec2ops:run:page-2',
      },
      { user: 'UVIEWER' },
    );
    await h.sqs.drain();
    const second = replies(click.responseUrl!.id)[0]!;
    expect(second.outcome).toBe('ok');
    expect(second.posted?.action).toBe('replace');
    expect(JSON.stringify(second.payload)).toContain('page 2 of 3');
    expect(JSON.stringify(second.payload)).toContain('thing 48');
  });

  it('acts once when SQS delivers the same request twice', async () => {
    const sent = await h.client.slashCommand('/ec2 probe small', { user: 'UOPERATOR' });
    const queued = h.sent.at(-1)!;
    await h.sqs.drain();
    h.sqs.send(QUEUE, JSON.stringify(queued));
    await h.sqs.drain();
    const requestId = queued.kind === 'command' ? queued.request.id : '';
    expect(await instancesFor(h.ec2Client, requestId)).toHaveLength(1);
    expect(
      replies(sent.responseUrl!.id).filter((r) => JSON.stringify(r.payload).includes('probe launched')),
    ).toHaveLength(2);
  });
});
