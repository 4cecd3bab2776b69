import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { jobRuns } from '@ec2ops/functions/coordination/job-runs';
import type { CoordinationTable } from '@ec2ops/functions/coordination/table';
import { type CloudWatchEmulator, startCloudWatchEmulator } from '@ec2ops/sandbox/cloudwatch/alarms';
import { sqsAgeMetrics } from '@ec2ops/sandbox/cloudwatch/sqs-metrics';
import type { DynamoEmulator } from '@ec2ops/sandbox/dynamo/server';
import type { SqsEmulator } from '@ec2ops/sandbox/sqs/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTable } from '../coordination/support';
import { answerTo } from '../slack/fixtures';
import { type Harness, QUEUE, startHarness } from '../slack/harness';

/**
 * `/ec2 status` through the real slack function, queue and worker: the jobs' last runs from the
 * coordination table, the queue's depth through SQS GetQueueAttributes, and the stage's open
 * alarms through CloudWatch DescribeAlarms, each against its emulator with the real SDK client.
 */
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ec2ops-test-Alarms';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

let h: Harness;
let cloudwatch: CloudWatchEmulator;
let cloudwatchUp = true;
let dynamo: DynamoEmulator;
let table: CoordinationTable;
let queues: SqsEmulator | undefined;

beforeAll(async () => {
  ({ dynamo, table } = await startTable());
  // CloudWatch's AWS/SQS ApproximateAgeOfOldestMessage, as the sandbox answers it: from the queues.
  cloudwatch = await startCloudWatchEmulator({
    metrics: (m) => (queues ? sqsAgeMetrics(queues.service)(m) : undefined),
  });
  h = await startHarness({
    status: ({ sqs }) => {
      queues = sqs;
      return {
        runs: jobRuns(table),
        queues: {
          sqs: new SQSClient({ endpoint: sqs.url, region: 'us-east-1', credentials }),
          queues: [
            { label: 'requests', url: sqs.queueUrl(QUEUE) },
            { label: 'dead letters', url: sqs.queueUrl(`${QUEUE}-dlq`) },
          ],
          cloudwatch: new CloudWatchClient({ endpoint: cloudwatch.url, region: 'us-east-1', credentials }),
        },
        alarms: {
          cloudwatch: new CloudWatchClient({ endpoint: cloudwatch.url, region: 'us-east-1', credentials }),
          topicArn: TOPIC,
        },
      };
    },
  });
});
afterAll(async () => {
  await h?.close();
  if (cloudwatchUp) await cloudwatch?.close();
  table?.client.destroy();
  await dynamo?.close();
});

async function status(user = 'UVIEWER'): Promise<string> {
  const queued = h.sent.length;
  const sent = await h.client.slashCommand('/ec2 status', { user, channel: 'C0GENERAL' });
  return JSON.stringify((await answerTo(h, sent, queued)).payload);
}

describe('/ec2 status', () => {
  it('shows a viewer each job’s last and next run, the queue, and only this stage’s open alarms, escaped', async () => {
    const runs = jobRuns(table);
    const minuteAgo = new Date(Date.now() - 60_000).toISOString();
    await runs.record({
      job: 'port-sweep',
      at: minuteAgo,
      ok: true,
      dryRun: false,
      summary: '2 done · 0 failed',
    });
    await runs.record({ job: 'eip-cleanup', at: minuteAgo, ok: false, dryRun: false, summary: '1 failed' });
    const at = Date.now() - 5 * 60_000;
    cloudwatch.store.set({
      name: 'ec2ops-test-CommandsDeadLetterNotEmpty <!channel>',
      state: 'ALARM',
      reason: 'Threshold crossed: 1 datapoint [3.0] > 0',
      description: 'a message failed every attempt',
      updatedAt: at,
      actions: [TOPIC],
    });
    cloudwatch.store.set({
      name: 'other-stage-alarm',
      state: 'ALARM',
      reason: 'x',
      description: '',
      updatedAt: at,
      actions: ['arn:aws:sns:us-east-1:123456789012:other'],
    });
    cloudwatch.store.set({
      name: 'ec2ops-test-Recovered',
      state: 'OK',
      reason: 'ok',
      description: '',
      updatedAt: at,
      actions: [TOPIC],
    });

    const answer = await status();
    expect(answer).toContain('*port-sweep* · last: :white_check_mark: 1m ago: 2 done · 0 failed · next in');
    expect(answer).toContain('*eip-cleanup* · last: :x: 1m ago: 1 failed');
    expect(answer).toContain('*ami-bake* · last: no run recorded');
    expect(answer).toMatch(/\*requests\*: \d+ waiting, \d+ in flight/);
    expect(answer).toContain('*dead letters*: 0 waiting, 0 in flight');
    expect(answer).toContain('*Alarms* (1 open)');
    expect(answer).toContain('ec2ops-test-CommandsDeadLetterNotEmpty &lt;!channel&gt;* since 5m ago');
    expect(answer).not.toContain('<!channel>');
    expect(answer).not.toContain('other-stage-alarm');
    expect(answer).not.toContain('Recovered');
  });

  it('shows how long the oldest dead letter has waited (CloudWatch ApproximateAgeOfOldestMessage)', async () => {
    const sqs = new SQSClient({ endpoint: queues!.url, region: 'us-east-1', credentials });
    const QueueUrl = queues!.queueUrl(`${QUEUE}-dlq`);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"a":"dead letter"}' }));
    const answer = await status();
    expect(answer).toMatch(/\*dead letters\*: 1 waiting, 0 in flight, oldest \d+s/);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
    for (const m of got.Messages ?? [])
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    expect(await status()).toContain('*dead letters*: 0 waiting, 0 in flight');
  });

  it('says what it could not read and shows the rest', async () => {
    await cloudwatch.close();
    cloudwatchUp = false;
    const answer = await status();
    expect(answer).toMatch(/\*Alarms\*\\ncould not be read: \S/);
    expect(answer).toContain('*port-sweep* · last:');
    expect(answer).toContain('*dead letters*: 0 waiting');
  });
});
