import {
  CopyImageCommand,
  DeregisterImageCommand,
  DescribeImageAttributeCommand,
  DescribeSnapshotAttributeCommand,
  DisableImageDeprecationCommand,
  DisableImageDeregistrationProtectionCommand,
  type EC2Client,
  EnableImageDeprecationCommand,
  EnableImageDeregistrationProtectionCommand,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
  ResetImageAttributeCommand,
  RestoreImageFromRecycleBinCommand,
  RestoreSnapshotFromRecycleBinCommand,
  waitUntilImageAvailable,
} from '@aws-sdk/client-ec2';
import { CreateRuleCommand, RbinClient } from '@aws-sdk/client-rbin';

/** Each image-lifecycle action once, for the shape check (the behaviour is in image-lifecycle.test.ts). */
export async function driveImageLifecycle(
  ec2: EC2Client,
  imageId: string,
  snapshotId: string,
  waiter: { client: EC2Client; maxWaitTime: number; minDelay: number; maxDelay: number },
): Promise<void> {
  const copy = await ec2.send(
    new CopyImageCommand({ SourceRegion: 'us-east-1', SourceImageId: imageId, Name: 'shape-copy' }),
  );
  await waitUntilImageAvailable(waiter, { ImageIds: [copy.ImageId!] });
  await ec2.send(new DeregisterImageCommand({ ImageId: copy.ImageId! }));
  const soon = new Date(Date.now() + 30 * 86_400_000);
  await ec2.send(new EnableImageDeprecationCommand({ ImageId: imageId, DeprecateAt: soon }));
  await ec2.send(new DisableImageDeprecationCommand({ ImageId: imageId }));
  await ec2.send(new EnableImageDeregistrationProtectionCommand({ ImageId: imageId }));
  await ec2.send(new DisableImageDeregistrationProtectionCommand({ ImageId: imageId }));
  await ec2.send(
    new ModifyImageAttributeCommand({
      ImageId: imageId,
      LaunchPermission: { Add: [{ UserId: '210987654321' }] },
    }),
  );
  await ec2.send(new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'launchPermission' }));
  await ec2.send(new ResetImageAttributeCommand({ ImageId: imageId, Attribute: 'launchPermission' }));
  await ec2.send(
    new ModifySnapshotAttributeCommand({
      SnapshotId: snapshotId,
      CreateVolumePermission: { Add: [{ UserId: '210987654321' }] },
    }),
  );
  await ec2.send(
    new DescribeSnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: 'createVolumePermission' }),
  );
}

/** Puts the deregistered image and its snapshot back (recycleEverything must have run before the deletion). */
export async function restoreFromRecycleBin(
  ec2: EC2Client,
  imageId: string,
  snapshotId: string,
): Promise<void> {
  await ec2.send(new RestoreSnapshotFromRecycleBinCommand({ SnapshotId: snapshotId }));
  await ec2.send(new RestoreImageFromRecycleBinCommand({ ImageId: imageId }));
}

/** Region-level rules for images and snapshots, so deletions land in the bin. */
export async function recycleEverything(url: string): Promise<void> {
  const rbin = new RbinClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
  for (const ResourceType of ['EC2_IMAGE', 'EBS_SNAPSHOT'] as const) {
    await rbin.send(
      new CreateRuleCommand({
        ResourceType,
        RetentionPeriod: { RetentionPeriodValue: 1, RetentionPeriodUnit: 'DAYS' },
      }),
    );
  }
  rbin.destroy();
}
