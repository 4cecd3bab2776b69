import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  SQSServiceException,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OffsetClock } from '../../src/slack/clock';
import { type SqsEmulator, startSqsEmulator } from '../../src/sqs/emulator';
import { md5Hex, md5OfMessageAttributes } from '../../src/sqs/md5';

let sqs: SqsEmulator;
let client: SQSClient;
let clock: OffsetClock;

beforeAll(async () => {
  clock = new OffsetClock();
  sqs = await startSqsEmulator({
    clock,
    queues: [{ name: 'ec2ops-work' }, { name: 'scratch', visibilityTimeoutSeconds: 30 }],
  });
  client = new SQSClient({
    endpoint: sqs.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await sqs.close();
});

async function refusal(call: Promise<unknown>): Promise<SQSServiceException> {
  try {
    await call;
  } catch (error) {
    if (error instanceof SQSServiceException) return error;
    throw error;
  }
  throw new Error('expected SQS to refuse the call');
}

describe('SQS endpoint, through the real @aws-sdk/client-sqs', () => {
  it('resolves a queue URL of the form http://127.0.0.1:<port>/<account>/<queue>', async () => {
    const res = await client.send(new GetQueueUrlCommand({ QueueName: 'ec2ops-work' }));
    expect(res.QueueUrl).toBe(`${sqs.url}/000000000000/ec2ops-work`);
  });

  it('accepts SendMessage with attributes and answers digests the SDK validates', async () => {
    const attrs = {
      requestId: { DataType: 'String', StringValue: 'req-1' },
      attempt: { DataType: 'Number', StringValue: '1' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
    };
    const res = await client.send(
      new SendMessageCommand({
        QueueUrl: sqs.queueUrl('scratch'),
        MessageBody: '{"cmd":"list"}',
        MessageAttributes: attrs,
      }),
    );
    expect(res.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.MD5OfMessageBody).toBe(md5Hex('{"cmd":"list"}'));
    expect(res.MD5OfMessageAttributes).toBe(
      md5OfMessageAttributes({
        requestId: { DataType: 'String', StringValue: 'req-1' },
        attempt: { DataType: 'Number', StringValue: '1' },
        blob: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]).toString('base64') },
      }),
    );
  });

  it('computes the attribute digest SQS computes (published sample values)', () => {
    // AWS's documented sample, and a Number + String pair checked against SQS by other emulators.
    expect(md5OfMessageAttributes({ SellerName: { DataType: 'String', StringValue: 'Example Store' } })).toBe(
      'cd28f3b68aeee4b2eac9c66f2f694b58',
    );
    expect(
      md5OfMessageAttributes({
        ordinal: { DataType: 'Number', StringValue: '1' },
        category: { DataType: 'String', StringValue: 'test' },
      }),
    ).toBe('d21ae90c49061e927f57df5f5d72be1f');
  });

  it('accepts SendMessageBatch and reports each entry', async () => {
    const res = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: sqs.queueUrl('scratch'),
        Entries: [
          { Id: 'a', MessageBody: 'one' },
          { Id: 'b', MessageBody: 'two' },
          { Id: 'c', MessageBody: 'bad \u0001 char' },
        ],
      }),
    );
    expect(res.Successful?.map((e) => [e.Id, e.MD5OfMessageBody])).toEqual([
      ['a', md5Hex('one')],
      ['b', md5Hex('two')],
    ]);
    expect(res.Failed).toEqual([
      expect.objectContaining({ Id: 'c', SenderFault: true, Code: 'InvalidMessageContents' }),
    ]);
  });

  it('receives, hides for the visibility timeout, and deletes by receipt handle', async () => {
    await client.send(
      new SendMessageCommand({ QueueUrl: sqs.queueUrl('ec2ops-work'), MessageBody: 'job-1' }),
    );
    const first = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: sqs.queueUrl('ec2ops-work'),
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    expect(first.Messages).toHaveLength(1);
    const message = first.Messages?.[0];
    expect(message).toMatchObject({ Body: 'job-1', MD5OfBody: md5Hex('job-1') });
    expect(message?.Attributes?.ApproximateReceiveCount).toBe('1');
    const hidden = await client.send(new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl('ec2ops-work') }));
    expect(hidden.Messages ?? []).toHaveLength(0);
    clock.advance(31_000);
    const again = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: sqs.queueUrl('ec2ops-work'),
        MessageSystemAttributeNames: ['All'],
      }),
    );
    expect(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
    await client.send(
      new DeleteMessageCommand({
        QueueUrl: sqs.queueUrl('ec2ops-work'),
        ReceiptHandle: again.Messages?.[0]?.ReceiptHandle,
      }),
    );
    expect(sqs.messages('ec2ops-work')).toHaveLength(0);
  });

  it('makes a message visible again with ChangeMessageVisibility 0', async () => {
    await client.send(
      new SendMessageCommand({ QueueUrl: sqs.queueUrl('ec2ops-work'), MessageBody: 'job-2' }),
    );
    const got = await client.send(new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl('ec2ops-work') }));
    const handle = got.Messages?.[0]?.ReceiptHandle;
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: sqs.queueUrl('ec2ops-work'),
        ReceiptHandle: handle,
        VisibilityTimeout: 0,
      }),
    );
    const attrs = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: sqs.queueUrl('ec2ops-work'), AttributeNames: ['All'] }),
    );
    expect(attrs.Attributes?.ApproximateNumberOfMessages).toBe('1');
    const back = await client.send(new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl('ec2ops-work') }));
    await client.send(
      new DeleteMessageCommand({
        QueueUrl: sqs.queueUrl('ec2ops-work'),
        ReceiptHandle: back.Messages?.[0]?.ReceiptHandle,
      }),
    );
  });
});

describe('SQS-style errors', () => {
  it('QueueDoesNotExist for an unknown queue, with the query-compatible code', async () => {
    const error = await refusal(client.send(new GetQueueUrlCommand({ QueueName: 'nope' })));
    expect(error.name).toBe('QueueDoesNotExist');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect((error as unknown as { Code: string }).Code).toBe('AWS.SimpleQueueService.NonExistentQueue');
    const send = await refusal(
      client.send(new SendMessageCommand({ QueueUrl: `${sqs.url}/000000000000/nope`, MessageBody: 'x' })),
    );
    expect(send.name).toBe('QueueDoesNotExist');
  });

  it('InvalidMessageContents for characters SQS does not accept', async () => {
    const error = await refusal(
      client.send(
        new SendMessageCommand({ QueueUrl: sqs.queueUrl('scratch'), MessageBody: 'nul \u0000 here' }),
      ),
    );
    expect(error.name).toBe('InvalidMessageContents');
  });

  it('MissingParameter for an empty body and InvalidParameterValue for a bad delay', async () => {
    const empty = await refusal(
      client.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl('scratch'), MessageBody: '' })),
    );
    expect(empty.name).toBe('MissingParameter');
    const delay = await refusal(
      client.send(
        new SendMessageCommand({ QueueUrl: sqs.queueUrl('scratch'), MessageBody: 'x', DelaySeconds: 901 }),
      ),
    );
    expect(delay.name).toBe('InvalidParameterValue');
  });

  it('refuses a message over 1 MiB', async () => {
    const error = await refusal(
      client.send(
        new SendMessageCommand({
          QueueUrl: sqs.queueUrl('scratch'),
          MessageBody: 'x'.repeat(1024 * 1024 + 1),
        }),
      ),
    );
    expect(error.name).toBe('InvalidParameterValue');
  });

  it('refuses bad batches: empty, more than 10, repeated ids, bad ids', async () => {
    const url = sqs.queueUrl('scratch');
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' }));
    expect(
      (await refusal(client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })))).name,
    ).toBe('EmptyBatchRequest');
    expect(
      (await refusal(client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries(11) })))).name,
    ).toBe('TooManyEntriesInBatchRequest');
    const repeated = [
      { Id: 'same', MessageBody: 'x' },
      { Id: 'same', MessageBody: 'y' },
    ];
    expect(
      (await refusal(client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: repeated })))).name,
    ).toBe('BatchEntryIdsNotDistinct');
    expect(
      (
        await refusal(
          client.send(
            new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a b', MessageBody: 'x' }] }),
          ),
        )
      ).name,
    ).toBe('InvalidBatchEntryId');
  });

  it('refuses attributes without a value or with an unknown type', async () => {
    const error = await refusal(
      client.send(
        new SendMessageCommand({
          QueueUrl: sqs.queueUrl('scratch'),
          MessageBody: 'x',
          MessageAttributes: { kind: { DataType: 'Text', StringValue: 'a' } },
        }),
      ),
    );
    expect(error.name).toBe('InvalidParameterValue');
  });

  it('ReceiptHandleIsInvalid for a handle it never issued', async () => {
    const error = await refusal(
      client.send(new DeleteMessageCommand({ QueueUrl: sqs.queueUrl('scratch'), ReceiptHandle: 'garbage' })),
    );
    expect(error.name).toBe('ReceiptHandleIsInvalid');
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  it('answers raw requests without a target, with the wrong content type, or bad JSON', async () => {
    const post = (headers: Record<string, string>, body: string) =>
      fetch(sqs.url, { method: 'POST', headers: { authorization: 'AWS4-HMAC-SHA256 x', ...headers }, body });
    const noTarget = await post({ 'content-type': 'application/x-amz-json-1.0' }, '{}');
    expect(noTarget.status).toBe(400);
    expect(((await noTarget.json()) as { __type: string }).__type).toMatch(/UnknownOperationException$/);
    const unknown = await post(
      { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.Fly' },
      '{}',
    );
    expect(((await unknown.json()) as { __type: string }).__type).toMatch(/UnknownOperationException$/);
    const wrongType = await post(
      { 'content-type': 'text/plain', 'x-amz-target': 'AmazonSQS.ListQueues' },
      '{}',
    );
    expect(wrongType.status).toBe(400);
    const badJson = await post(
      { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
      '{',
    );
    expect(((await badJson.json()) as { __type: string }).__type).toMatch(/SerializationException$/);
    const unsigned = await fetch(sqs.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
      body: '{}',
    });
    expect(((await unsigned.json()) as { __type: string }).__type).toMatch(
      /MissingAuthenticationTokenException$/,
    );
  });
});

describe('the rest of the queue API', () => {
  it('long-polls with WaitTimeSeconds until a message arrives', async () => {
    const url = sqs.queueUrl('ec2ops-work');
    // The whole 20 s window: the message sent meanwhile must end the same poll.
    const receiving = client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    await new Promise((r) => setTimeout(r, 100));
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'late arrival' }));
    const got = await receiving;
    expect(got.Messages?.[0]?.Body).toBe('late arrival');
    await client.send(
      new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: got.Messages?.[0]?.ReceiptHandle }),
    );
  });

  it('refuses MaxNumberOfMessages outside 1–10 and a visibility change of a message not in flight', async () => {
    const url = sqs.queueUrl('ec2ops-work');
    const tooMany = await refusal(
      client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 })),
    );
    expect(tooMany.name).toBe('InvalidParameterValue');
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'once' }));
    const got = await client.send(new ReceiveMessageCommand({ QueueUrl: url }));
    const handle = got.Messages?.[0]?.ReceiptHandle;
    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: handle }));
    const gone = await refusal(
      client.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 10 }),
      ),
    );
    expect(gone.name).toBe('MessageNotInflight');
  });

  it('creates queues with a RedrivePolicy through the API and reports it in the attributes', async () => {
    const dlq = await client.send(new CreateQueueCommand({ QueueName: 'api-dlq' }));
    const dlqArn = (
      await client.send(
        new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
      )
    ).Attributes?.QueueArn;
    expect(dlqArn).toBe('arn:aws:sqs:us-east-1:000000000000:api-dlq');
    const main = await client.send(
      new CreateQueueCommand({
        QueueName: 'api-main',
        Attributes: {
          VisibilityTimeout: '5',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }),
        },
      }),
    );
    expect(main.QueueUrl).toBe(`${sqs.url}/000000000000/api-main`);
    const attrs = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: main.QueueUrl, AttributeNames: ['All'] }),
    );
    expect(JSON.parse(attrs.Attributes?.RedrivePolicy as string)).toEqual({
      deadLetterTargetArn: dlqArn,
      maxReceiveCount: 2,
    });
    expect(attrs.Attributes?.VisibilityTimeout).toBe('5');
    const queues = await client.send(new ListQueuesCommand({ QueueNamePrefix: 'api-' }));
    expect(queues.QueueUrls?.sort()).toEqual([dlq.QueueUrl, main.QueueUrl].sort());
  });
});
