import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SqsEmulator, startSqsEmulator } from '../../src/sqs/emulator';
import { md5Hex } from '../../src/sqs/md5';

let sqs: SqsEmulator;
let client: SQSClient;

// Fractional visibility timeouts keep redelivery tests fast; the API itself only takes whole seconds.
beforeEach(async () => {
  sqs = await startSqsEmulator({
    region: 'eu-west-1',
    queues: [
      { name: 'work', visibilityTimeoutSeconds: 0.05, deadLetter: { queue: 'work-dlq', maxReceiveCount: 3 } },
    ],
  });
  client = new SQSClient({
    endpoint: sqs.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
    maxAttempts: 1,
  });
});
afterEach(async () => {
  client.destroy();
  await sqs.close();
});

const send = (body: string, attributes?: Record<string, string>) =>
  client.send(
    new SendMessageCommand({
      QueueUrl: sqs.queueUrl('work'),
      MessageBody: body,
      ...(attributes
        ? {
            MessageAttributes: Object.fromEntries(
              Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
            ),
          }
        : {}),
    }),
  );

describe('delivery to a Lambda-style consumer', () => {
  it('delivers what the SDK sent as a real SQS event record', async () => {
    const events: SQSEvent[] = [];
    sqs.consume('work', async (event) => {
      events.push(event);
    });
    const sent = await send('{"command":"help"}', { requestId: 'req-42' });
    await sqs.drain();
    const record = events[0]?.Records[0] as SQSRecord;
    expect(record).toMatchObject({
      messageId: sent.MessageId,
      body: '{"command":"help"}',
      md5OfBody: md5Hex('{"command":"help"}'),
      md5OfMessageAttributes: sent.MD5OfMessageAttributes,
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:work',
      awsRegion: 'eu-west-1',
      messageAttributes: { requestId: { dataType: 'String', stringValue: 'req-42' } },
    });
    expect(record.receiptHandle).toEqual(expect.any(String));
    expect(record.attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: expect.any(String) });
    expect(Number(record.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(sqs.messages('work')).toHaveLength(0);
  });

  it('batches up to the batch size', async () => {
    const sizes: number[] = [];
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: sqs.queueUrl('work'),
        Entries: Array.from({ length: 5 }, (_, i) => ({ Id: `m${i}`, MessageBody: `job ${i}` })),
      }),
    );
    sqs.consume('work', (event) => void sizes.push(event.Records.length), { batchSize: 2 });
    await sqs.drain();
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('redelivers only the records reported in batchItemFailures', async () => {
    const seen: Array<[string, string]> = [];
    let failOnce = true;
    sqs.consume(
      'work',
      (event): SQSBatchResponse => {
        for (const r of event.Records) seen.push([r.body, r.attributes.ApproximateReceiveCount]);
        const flaky = event.Records.find((r) => r.body === 'flaky');
        if (flaky && failOnce) {
          failOnce = false;
          return { batchItemFailures: [{ itemIdentifier: flaky.messageId }] };
        }
        return { batchItemFailures: [] };
      },
      { batchSize: 10 },
    );
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: sqs.queueUrl('work'),
        Entries: [
          { Id: 'a', MessageBody: 'fine' },
          { Id: 'b', MessageBody: 'flaky' },
        ],
      }),
    );
    await sqs.drain();
    expect(seen.filter(([body]) => body === 'fine')).toEqual([['fine', '1']]);
    expect(seen.filter(([body]) => body === 'flaky')).toEqual([
      ['flaky', '1'],
      ['flaky', '2'],
    ]);
    expect(sqs.deliveries('work').map((d) => d.outcome)).toEqual(['partial', 'ok']);
  });

  it('redelivers the whole batch when the consumer throws', async () => {
    let calls = 0;
    sqs.consume('work', () => {
      calls += 1;
      if (calls === 1) throw new Error('worker crashed');
    });
    await send('job');
    await sqs.drain();
    expect(calls).toBe(2);
    expect(sqs.deliveries('work')[0]).toMatchObject({ outcome: 'error', error: 'worker crashed' });
  });

  it('treats an unknown itemIdentifier as a failure of the whole batch, as Lambda does', async () => {
    const counts: string[] = [];
    sqs.consume('work', (event) => {
      counts.push(event.Records[0]?.attributes.ApproximateReceiveCount as string);
      return counts.length === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] } : undefined;
    });
    await send('job');
    await sqs.drain();
    expect(counts).toEqual(['1', '2']);
  });

  it('moves a poison message to the dead-letter queue after maxReceiveCount receives', async () => {
    const attempts: string[] = [];
    sqs.consume('work', (event) => {
      for (const r of event.Records) attempts.push(r.attributes.ApproximateReceiveCount);
      return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    const sent = await send('poison');
    await sqs.drain();
    expect(attempts).toEqual(['1', '2', '3']);
    const dead = sqs.messages('work-dlq');
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      messageId: sent.MessageId,
      body: 'poison',
      deadLetterQueueSourceArn: 'arn:aws:sqs:eu-west-1:000000000000:work',
    });
  });

  it('a DLQ consumer sees the dead message with its source', async () => {
    const deadBodies: string[] = [];
    sqs.consume('work', () => {
      throw new Error('always');
    });
    sqs.consume('work-dlq', (event) => {
      for (const r of event.Records)
        deadBodies.push(`${r.body} from ${r.attributes.DeadLetterQueueSourceArn}`);
    });
    await send('doomed');
    await sqs.drain();
    expect(deadBodies).toEqual(['doomed from arn:aws:sqs:eu-west-1:000000000000:work']);
  });

  it('delivers an injected duplicate with the same messageId (at-least-once)', async () => {
    const ids: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    sqs.consume('work', async (event) => {
      for (const r of event.Records) ids.push(r.messageId);
      await gate;
    });
    const sent = await send('launch');
    while (ids.length === 0) await new Promise((r) => setTimeout(r, 5));
    sqs.injectDuplicate('work', sent.MessageId as string);
    release();
    await sqs.drain();
    expect(ids).toEqual([sent.MessageId, sent.MessageId]);
  });

  it('counts an invocation over the timeout as failed and redelivers', async () => {
    let calls = 0;
    sqs.consume(
      'work',
      async () => {
        calls += 1;
        if (calls === 1) await new Promise((r) => setTimeout(r, 200));
      },
      { timeoutMs: 50 },
    );
    await send('slow');
    await sqs.drain();
    expect(sqs.deliveries('work')[0]?.outcome).toBe('timeout');
    expect(calls).toBe(2);
  });

  it('drain rejects, saying what is left, when messages keep failing without a DLQ', async () => {
    await sqs.close();
    sqs = await startSqsEmulator({ queues: [{ name: 'stuck', visibilityTimeoutSeconds: 0.02 }] });
    sqs.consume('stuck', () => {
      throw new Error('never');
    });
    sqs.send('stuck', 'x');
    await expect(sqs.drain({ timeoutMs: 200 })).rejects.toThrow(/stuck/);
  });

  it('keeps the event loop turning while a synchronous consumer fails with no visibility timeout', async () => {
    await sqs.close();
    sqs = await startSqsEmulator({ queues: [{ name: 'hot', visibilityTimeoutSeconds: 0 }] });
    let calls = 0;
    sqs.consume('hot', () => {
      calls += 1;
      throw new Error('sync failure');
    });
    sqs.send('hot', 'spin');
    // Redelivered without pause, forever: a timer still fires, so I/O and close() still work.
    const callsWhenTimerFired = await new Promise<number>((resolve) => setTimeout(() => resolve(calls), 20));
    expect(callsWhenTimerFired).toBeGreaterThan(1);
    await sqs.close();
    const afterClose = calls;
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toBe(afterClose);
    sqs = await startSqsEmulator({ queues: [{ name: 'work' }] });
  });

  it('close does not wait longer than its grace for a consumer that never returns', async () => {
    sqs.consume('work', () => new Promise(() => {}));
    sqs.send('work', 'stuck forever');
    while (sqs.deliveries('work').length === 0 && sqs.messages('work')[0]?.receiveCount !== 1) {
      await new Promise((r) => setTimeout(r, 5));
    }
    // The consumer's promise never settles, so close resolving at all is the behaviour.
    await expect(sqs.close({ graceMs: 50 })).resolves.toBeUndefined();
    sqs = await startSqsEmulator({ queues: [{ name: 'work' }] });
  });

  it('stops delivering after close', async () => {
    let calls = 0;
    sqs.consume('work', () => {
      calls += 1;
    });
    await sqs.close();
    sqs.service.send('work', 'after close');
    await new Promise((r) => setTimeout(r, 60));
    expect(calls).toBe(0);
    sqs = await startSqsEmulator({ queues: [{ name: 'work' }] });
  });
});
