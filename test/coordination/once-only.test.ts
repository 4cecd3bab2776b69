import { DescribeAddressesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { lambdaContext } from '@ec2ops/sandbox/sqs/delivery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuedRequest } from '../slack/fixtures';
import { TEST_CONFIG } from '../slack/harness';
import { managedInstance, setDelays, stateOf } from '../slack/launch-fixtures';
import { allAtOnce, type CoordinatedHarness, delivery, startCoordinatedHarness } from './support';

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

  /** Four deliveries at once, then the handed-back ones again: the request's one run and one reply. */
  async function deliverFourAtOnce(body: string): Promise<void> {
    const first = await allAtOnce(4, () => h.worker(delivery(body), lambdaContext('worker', 60_000)));
    const handedBack = first.filter((r) => r.batchItemFailures.length > 0).length;
    const again = await allAtOnce(handedBack, () =>
      h.worker(delivery(body, 2), lambdaContext('worker', 60_000)),
    );
    expect(again.every((r) => r.batchItemFailures.length === 0)).toBe(true);
  }

  async function stoppedInstance(name: string): Promise<string> {
    const [box] = await managedInstance(h.ec2Client, { 'ec2ops:owner': 'UOPERATOR', Name: name });
    await until(box!, 'running');
    await h.ec2Client.send(new StopInstancesCommand({ InstanceIds: [box!] }));
    await until(box!, 'stopped');
    return box!;
  }

  async function until(id: string, state: string): Promise<void> {
    while ((await stateOf(h.ec2Client, id)) !== state)
      await new Promise((resolve) => setTimeout(resolve, 50));
  }

  it.each([
    {
      command: 'stop',
      prepare: async () =>
        (await managedInstance(h.ec2Client, { 'ec2ops:owner': 'UOPERATOR', Name: 'once-stop' }))[0]!,
      args: {},
      after: ['stopping', 'stopped'],
    },
    {
      command: 'start',
      prepare: () => stoppedInstance('once-start'),
      args: {},
      after: ['pending', 'running'],
    },
    {
      command: 'terminate',
      prepare: async () =>
        (await managedInstance(h.ec2Client, { 'ec2ops:owner': 'UOPERATOR', Name: 'once-term' }))[0]!,
      args: { confirm: true },
      after: ['shutting-down', 'terminated'],
    },
  ])(
    '$command: four deliveries of one request at once act once and answer once',
    async ({ command, prepare, args, after }) => {
      const box = await prepare();
      await until(box, command === 'start' ? 'stopped' : 'running');
      const url = h.slack.mintResponseUrl({ user: 'UOPERATOR', channel: 'C0GENERAL' });
      const request = {
        ...queuedRequest({
          id: `r-once-${command}`,
          command,
          args: { instance: box, ...args },
          text: `${command} ${box}`,
        }),
        responseUrl: url.url,
      };
      await deliverFourAtOnce(JSON.stringify({ v: 1, kind: 'command', request }));

      expect(after).toContain(await stateOf(h.ec2Client, box));
      const replies = h.slack.workspace.responseUrl(url.id)?.replies ?? [];
      expect(replies).toHaveLength(1);
      expect(JSON.stringify(replies[0]!.payload)).not.toContain('already');
    },
  );
});
