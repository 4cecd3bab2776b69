import { randomUUID } from 'node:crypto';
import { DescribeAddressesCommand } from '@aws-sdk/client-ec2';
import { lambdaContext } from '@ec2ops/sandbox/sqs/delivery';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuedRequest } from '../slack/fixtures';
import { TEST_CONFIG } from '../slack/harness';
import { managedInstance, setDelays } from '../slack/launch-fixtures';
import { allAtOnce, type CoordinatedHarness, startCoordinatedHarness } from './support';

/**
 * SQS delivers at least once, sometimes to several workers at the same moment. Each request runs
 * once (Powertools idempotency on the coordination table): one EC2 change, one reply.
 */
let h: CoordinatedHarness;
beforeAll(async () => {
  h = await startCoordinatedHarness({
    config: {
      ...TEST_CONFIG,
      roles: { users: { UOPERATOR: 'operator', UADMIN: 'admin' }, groups: {}, bootstrapAdmins: [] },
    },
  });
  await setDelays(h, { instancePending: 0 });
});
afterAll(async () => {
  await h?.close();
});

/** One delivery of `body`: its own message id and receipt, as SQS gives a duplicate. */
function delivery(body: string, receiveCount = 1): SQSEvent {
  const record = {
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body,
    attributes: { ApproximateReceiveCount: String(receiveCount) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:ec2ops-requests',
    awsRegion: 'us-east-1',
  } as unknown as SQSRecord;
  return { Records: [record] };
}

async function addressesOn(instanceId: string) {
  const out = await h.ec2Client.send(
    new DescribeAddressesCommand({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] }),
  );
  return out.Addresses ?? [];
}

async function allAddressCount() {
  return (await h.ec2Client.send(new DescribeAddressesCommand({}))).Addresses?.length ?? 0;
}

/** The queue message body of `/ec2 eip attach <instance>` from UOPERATOR, and where its answer goes. */
function eipAttach(id: string, instance: string, extra: Record<string, unknown> = {}) {
  const url = h.slack.mintResponseUrl({ user: 'UOPERATOR', channel: 'C0GENERAL' });
  const request = {
    ...queuedRequest({ id, command: 'eip attach', args: { instance }, text: `eip attach ${instance}` }),
    responseUrl: url.url,
    ...extra,
  };
  return { url, body: JSON.stringify({ v: 1, kind: 'command', request }) };
}

describe('once-only commands', () => {
  it('allocates one address and answers once when four deliveries of one eip attach arrive at once', async () => {
    const [box] = await managedInstance(h.ec2Client, { 'ec2ops:owner': 'UOPERATOR', Name: 'once-eip' });
    const { url, body } = eipAttach('r-0000000once4', box!);
    const before = await allAddressCount();

    const first = await allAtOnce(4, () => h.worker(delivery(body), lambdaContext('worker', 60_000)));
    // The ones that found the request running are handed back to SQS, which shows them again later.
    const handedBack = first.filter((r) => r.batchItemFailures.length > 0).length;
    const again = await allAtOnce(handedBack, () =>
      h.worker(delivery(body, 2), lambdaContext('worker', 60_000)),
    );

    expect(again.every((r) => r.batchItemFailures.length === 0)).toBe(true);
    expect(await addressesOn(box!)).toHaveLength(1);
    expect(await allAddressCount()).toBe(before + 1);
    const replies = h.slack.workspace.responseUrl(url.id)?.replies ?? [];
    expect(replies).toHaveLength(1);
    expect(JSON.stringify(replies[0]!.payload)).toContain(box);
  });

  it('answers a refused request once however often it is delivered', async () => {
    const { url, body } = eipAttach('r-000000noinst', 'i-0123456789abcdef0');
    await h.worker(delivery(body), lambdaContext('worker', 60_000));
    await h.worker(delivery(body, 2), lambdaContext('worker', 60_000));
    // A refusal is an answer, stored like any other: the second delivery does not answer again.
    expect(h.slack.workspace.responseUrl(url.id)?.replies ?? []).toHaveLength(1);
  });

  it('refuses a command that waited longer than commandMaxAge and tells the requester', async () => {
    const [box] = await managedInstance(h.ec2Client, { 'ec2ops:owner': 'UOPERATOR', Name: 'stale-eip' });
    const { url, body } = eipAttach('r-00000000stale', box!, {
      requestedAt: new Date(Date.now() - 16 * 60_000).toISOString(),
    });
    await h.worker(delivery(body), lambdaContext('worker', 60_000));
    expect(await addressesOn(box!)).toHaveLength(0);
    const replies = h.slack.workspace.responseUrl(url.id)?.replies ?? [];
    expect(JSON.stringify(replies.map((r) => r.payload))).toContain('command.stale');
  });
});
