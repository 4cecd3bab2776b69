import {
  CreateImageCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  ListImagesInRecycleBinCommand,
  ListSnapshotsInRecycleBinCommand,
  RestoreImageFromRecycleBinCommand,
  RestoreSnapshotFromRecycleBinCommand,
  waitUntilImageAvailable,
} from '@aws-sdk/client-ec2';
import {
  CreateRuleCommand,
  DeleteRuleCommand,
  GetRuleCommand,
  ListRulesCommand,
  RbinClient,
} from '@aws-sdk/client-rbin';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAST_WAIT, runningInstances } from './fixtures';
import { failure, startTestEmulator, type TestEmulator } from './harness';

const DAY_MS = 86_400_000;

describe('Recycle Bin (rbin API beside EC2)', () => {
  let t: TestEmulator;
  let rbin: RbinClient;
  let instanceId: string;
  let serial = 0;
  beforeAll(async () => {
    t = await startTestEmulator();
    rbin = new RbinClient({
      endpoint: t.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    [{ InstanceId: instanceId = '' } = {}] = await runningInstances(t.ec2);
  });
  afterAll(async () => {
    rbin.destroy();
    await t.close();
  });
  beforeEach(async () => {
    for (const ResourceType of ['EC2_IMAGE', 'EBS_SNAPSHOT'] as const) {
      const { Rules = [] } = await rbin.send(new ListRulesCommand({ ResourceType }));
      for (const rule of Rules) await rbin.send(new DeleteRuleCommand({ Identifier: rule.Identifier }));
    }
  });

  async function bake(tags: { Key: string; Value: string }[] = []) {
    serial += 1;
    const { ImageId } = await t.ec2.send(
      new CreateImageCommand({
        InstanceId: instanceId,
        Name: `binned-${serial}`,
        TagSpecifications: tags.length > 0 ? [{ ResourceType: 'image', Tags: tags }] : undefined,
      }),
    );
    await waitUntilImageAvailable({ client: t.ec2, ...FAST_WAIT }, { ImageIds: [ImageId!] });
    const { Images = [] } = await t.ec2.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }));
    return { imageId: ImageId!, snapshotId: Images[0]?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId ?? '' };
  }

  it('creates, lists, reads and deletes retention rules', async () => {
    const created = await rbin.send(
      new CreateRuleCommand({
        ResourceType: 'EC2_IMAGE',
        RetentionPeriod: { RetentionPeriodValue: 7, RetentionPeriodUnit: 'DAYS' },
        Description: 'golden images',
        ResourceTags: [{ ResourceTagKey: 'ec2ops:managed', ResourceTagValue: 'true' }],
      }),
    );
    expect(created.Identifier).toMatch(/^[0-9a-zA-Z]{11}$/);
    expect(created.Status).toBe('available');
    const listed = await rbin.send(new ListRulesCommand({ ResourceType: 'EC2_IMAGE' }));
    expect(listed.Rules?.map((r) => r.Identifier)).toEqual([created.Identifier]);
    const none = await rbin.send(new ListRulesCommand({ ResourceType: 'EBS_SNAPSHOT' }));
    expect(none.Rules).toEqual([]);
    const read = await rbin.send(new GetRuleCommand({ Identifier: created.Identifier }));
    expect(read.ResourceTags).toEqual([{ ResourceTagKey: 'ec2ops:managed', ResourceTagValue: 'true' }]);
    await rbin.send(new DeleteRuleCommand({ Identifier: created.Identifier }));
    const gone = await failure(rbin.send(new GetRuleCommand({ Identifier: created.Identifier })));
    expect(gone.code).toBe('ResourceNotFoundException');
  });

  it('refuses a retention outside 1 to 3650 days and keeps no rule', async () => {
    const refused = await failure(
      rbin.send(
        new CreateRuleCommand({
          ResourceType: 'EC2_IMAGE',
          RetentionPeriod: { RetentionPeriodValue: 0, RetentionPeriodUnit: 'DAYS' },
        }),
      ),
    );
    expect(refused.code).toBe('ValidationException');
    expect((await rbin.send(new ListRulesCommand({ ResourceType: 'EC2_IMAGE' }))).Rules).toEqual([]);
  });

  it('deletes for good when no rule matches', async () => {
    const { imageId } = await bake([{ Key: 'team', Value: 'red' }]);
    await rbin.send(
      new CreateRuleCommand({
        ResourceType: 'EC2_IMAGE',
        RetentionPeriod: { RetentionPeriodValue: 7, RetentionPeriodUnit: 'DAYS' },
        ResourceTags: [{ ResourceTagKey: 'team', ResourceTagValue: 'blue' }],
      }),
    );
    await t.ec2.send(new DeregisterImageCommand({ ImageId: imageId }));
    const { Images = [] } = await t.ec2.send(new ListImagesInRecycleBinCommand({ ImageIds: [imageId] }));
    expect(Images).toEqual([]);
  });

  it('delete, recoverable, restore: image and snapshots go to the bin until retention ends and come back whole', async () => {
    for (const ResourceType of ['EC2_IMAGE', 'EBS_SNAPSHOT'] as const) {
      await rbin.send(
        new CreateRuleCommand({
          ResourceType,
          RetentionPeriod: { RetentionPeriodValue: 10, RetentionPeriodUnit: 'DAYS' },
        }),
      );
    }
    const { imageId, snapshotId } = await bake();
    await t.ec2.send(new DeregisterImageCommand({ ImageId: imageId, DeleteAssociatedSnapshots: true }));
    const gone = await failure(t.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] })));
    expect(gone.code).toBe('InvalidAMIID.NotFound');

    const { Images = [] } = await t.ec2.send(new ListImagesInRecycleBinCommand({ ImageIds: [imageId] }));
    expect(Images).toHaveLength(1);
    const image = Images[0]!;
    expect(image.RecycleBinExitTime!.getTime() - image.RecycleBinEnterTime!.getTime()).toBe(10 * DAY_MS);
    const { Snapshots = [] } = await t.ec2.send(
      new ListSnapshotsInRecycleBinCommand({ SnapshotIds: [snapshotId] }),
    );
    expect(Snapshots.map((s) => s.SnapshotId)).toEqual([snapshotId]);

    const early = await failure(t.ec2.send(new RestoreImageFromRecycleBinCommand({ ImageId: imageId })));
    expect(early.code).toBe('IncorrectState');
    await t.ec2.send(new RestoreSnapshotFromRecycleBinCommand({ SnapshotId: snapshotId }));
    await t.ec2.send(new RestoreImageFromRecycleBinCommand({ ImageId: imageId }));
    const back = await t.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
    expect(back.Images?.[0]?.State).toBe('available');
    const snap = await t.ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }));
    expect(snap.Snapshots?.[0]?.SnapshotId).toBe(snapshotId);
  });

  it('forgets what is in the bin once its retention has passed', async () => {
    await rbin.send(
      new CreateRuleCommand({
        ResourceType: 'EBS_SNAPSHOT',
        RetentionPeriod: { RetentionPeriodValue: 1, RetentionPeriodUnit: 'DAYS' },
      }),
    );
    const { imageId, snapshotId } = await bake();
    await t.ec2.send(new DeregisterImageCommand({ ImageId: imageId }));
    await t.ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
    const inBin = await t.ec2.send(new ListSnapshotsInRecycleBinCommand({ SnapshotIds: [snapshotId] }));
    expect(inBin.Snapshots).toHaveLength(1);
    await t.control('POST', '/_emulator/clock/advance', { seconds: 86_400 + 1 });
    const after = await t.ec2.send(new ListSnapshotsInRecycleBinCommand({ SnapshotIds: [snapshotId] }));
    expect(after.Snapshots).toEqual([]);
    const restore = await failure(
      t.ec2.send(new RestoreSnapshotFromRecycleBinCommand({ SnapshotId: snapshotId })),
    );
    expect(restore.code).toBe('InvalidSnapshot.NotFound');
  });
});
