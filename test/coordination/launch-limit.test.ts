import { DescribeImagesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { allInstances, LAUNCH_CONFIG, setDelays, tagsOf } from '../slack/launch-fixtures';
import { allAtOnce, type CoordinatedHarness, startCoordinatedHarness } from './support';

/**
 * The per-person launch limit holds when one person asks many times at once: each launch
 * reserves its count in the coordination table before RunInstances, and a reservation holds
 * until EC2 shows the instances (they stay `pending` for a while here, as on EC2).
 */
let h: CoordinatedHarness;
beforeAll(async () => {
  h = await startCoordinatedHarness({
    config: { ...LAUNCH_CONFIG, launch: { ...LAUNCH_CONFIG.launch, maxRunningPerUser: 5, waitSeconds: 0 } },
  });
  await setDelays(h, { instancePending: 1500 });
  await h.ec2Client.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  const ids = (await allInstances(h.ec2Client))
    .filter((i) => i.State?.Name === 'pending' || i.State?.Name === 'running')
    .map((i) => i.InstanceId!);
  if (ids.length) await h.ec2Client.send(new TerminateInstancesCommand({ InstanceIds: ids }));
});

async function liveOwnedBy(user: string): Promise<number> {
  return (await allInstances(h.ec2Client)).filter(
    (i) => (i.State?.Name === 'pending' || i.State?.Name === 'running') && tagsOf(i)['ec2ops:owner'] === user,
  ).length;
}

function answers(urlIds: string[]): string[] {
  return urlIds.map((id) =>
    (h.slack.workspace.responseUrl(id)?.replies ?? []).map((r) => JSON.stringify(r.payload)).join('\n'),
  );
}

describe('the per-person launch limit under concurrent requests', () => {
  it('launches at most the limit when ten launches arrive at once', async () => {
    const sent = await allAtOnce(10, (i) =>
      h.client.slashCommand(`/ec2 launch al2023 name=burst-${i}`, {
        user: 'UOPERATOR',
        channel: 'C0GENERAL',
      }),
    );
    expect(sent.every((s) => s.status === 200)).toBe(true);
    await h.sqs.drain({ timeoutMs: 30_000 });
    const live = await liveOwnedBy('UOPERATOR');
    expect(live).toBeLessThanOrEqual(5);
    expect(live).toBeGreaterThan(0);
    // Every request that did not launch was told why.
    const texts = answers(sent.map((s) => s.responseUrl!.id));
    expect(texts.filter((t) => t.includes('launch.user-limit')).length).toBeGreaterThanOrEqual(10 - live);
  });

  it('counts each request’s count against the limit: ten launches of two give at most five instances', async () => {
    const sent = await allAtOnce(10, (i) =>
      h.client.slashCommand(`/ec2 launch al2023 count=2 name=pair-${i}`, {
        user: 'UOPERATOR',
        channel: 'C0GENERAL',
      }),
    );
    await h.sqs.drain({ timeoutMs: 30_000 });
    const live = await liveOwnedBy('UOPERATOR');
    expect(live).toBeLessThanOrEqual(5);
    expect(live).toBe(4);
    expect(
      answers(sent.map((s) => s.responseUrl!.id)).filter((t) => t.includes('launch.user-limit')),
    ).toHaveLength(8);
  });

  it('frees the room of a launch EC2 refused', async () => {
    const refused = await h.client.slashCommand('/ec2 launch al2023 subnet=subnet-00000000000000000', {
      user: 'UADMIN',
      channel: 'C0GENERAL',
    });
    await h.sqs.drain();
    expect(answers([refused.responseUrl!.id])[0]).toMatch(/launch\.|subnet/);
    const sent = await allAtOnce(5, (i) =>
      h.client.slashCommand(`/ec2 launch al2023 name=after-${i}`, { user: 'UADMIN', channel: 'C0GENERAL' }),
    );
    await h.sqs.drain({ timeoutMs: 30_000 });
    expect(await liveOwnedBy('UADMIN')).toBe(5);
    expect(answers(sent.map((s) => s.responseUrl!.id)).some((t) => t.includes('launch.user-limit'))).toBe(
      false,
    );
  });
});
