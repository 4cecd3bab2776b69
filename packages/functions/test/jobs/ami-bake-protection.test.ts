import {
  EnableImageDeregistrationProtectionCommand,
  ModifyImageAttributeCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceTerminated,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BakeHarness, startBakeHarness } from './ami-bake-harness';

let h: BakeHarness;
beforeAll(async () => {
  h = await startBakeHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('ami-bake retention and deregistration protection, against the EC2 emulator', () => {
  it('keeps a protected image past retention, reports it, and removes the unprotected one', async () => {
    const source = await h.instance();
    const newest = await h.pastImage(source, 1);
    const guarded = await h.pastImage(source, 5);
    const plain = await h.pastImage(source, 6);
    await h.ec2.send(new EnableImageDeregistrationProtectionCommand({ ImageId: guarded.imageId }));

    const report = await h.run(h.at(), h.config({ retention: { count: 1 } }));

    expect(report.counts.failed).toBe(0);
    expect(await h.imagesOf(source)).toEqual([newest.imageId, guarded.imageId].sort());
    expect(await h.imagesOf(source)).not.toContain(plain.imageId);
    const section = report.sections.find((s) => s.title.startsWith('Kept because deregistration protected'));
    expect(section?.lines.join('\n')).toContain(guarded.imageId);
  });

  it('keeps an image shared with another account and launched lately; removes it once unshared', async () => {
    const source = await h.instance();
    await h.pastImage(source, 1);
    const shared = await h.pastImage(source, 5);
    await h.ec2.send(
      new ModifyImageAttributeCommand({
        ImageId: shared.imageId,
        LaunchPermission: { Add: [{ UserId: '210987654321' }] },
      }),
    );
    // Launched (and gone again): EC2 records the launch, no instance keeps it in use.
    const launched = await h.ec2.send(
      new RunInstancesCommand({
        ImageId: shared.imageId,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: 't3.micro',
      }),
    );
    const launchedId = launched.Instances![0]!.InstanceId!;
    await h.ec2.send(new TerminateInstancesCommand({ InstanceIds: [launchedId] }));
    // Gone, not still shutting down (which would keep the image in use for another reason).
    await waitUntilInstanceTerminated(
      { client: h.ec2, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
      { InstanceIds: [launchedId] },
    );
    const config = h.config({ retention: { count: 1 } });

    const kept = await h.run(h.at(), config);
    expect(await h.imagesOf(source)).toContain(shared.imageId);
    expect(kept.lines.find((l) => l.id === shared.imageId)?.message).toContain('shared with 210987654321');

    await h.ec2.send(
      new ModifyImageAttributeCommand({
        ImageId: shared.imageId,
        LaunchPermission: { Remove: [{ UserId: '210987654321' }] },
      }),
    );
    await h.run(h.at(60_000), config);
    expect(await h.imagesOf(source)).not.toContain(shared.imageId);
  });
});
