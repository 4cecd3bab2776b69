import {
  DescribeImageAttributeCommand,
  type EC2Client,
  type LaunchPermission,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
} from '@aws-sdk/client-ec2';

/**
 * Launch permissions of an image: who besides the owner may launch it. An account, an AWS
 * Organizations OU or a whole organisation (both by ARN), as EC2's `launchPermission` names them.
 */
export type ShareTarget =
  | { kind: 'account'; id: string }
  | { kind: 'ou'; id: string }
  | { kind: 'organization'; id: string };

function permissionOf(target: ShareTarget): LaunchPermission {
  if (target.kind === 'account') return { UserId: target.id };
  if (target.kind === 'ou') return { OrganizationalUnitArn: target.id };
  return { OrganizationArn: target.id };
}

function sameTarget(p: LaunchPermission, target: ShareTarget): boolean {
  if (target.kind === 'account') return p.UserId === target.id;
  if (target.kind === 'ou') return p.OrganizationalUnitArn === target.id;
  return p.OrganizationArn === target.id;
}

export async function isSharedWith(ec2: EC2Client, imageId: string, target: ShareTarget): Promise<boolean> {
  const out = await ec2.send(
    new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'launchPermission' }),
  );
  return (out.LaunchPermissions ?? []).some((p) => sameTarget(p, target));
}

/**
 * Adds or removes the launch permission; for an account also the create-volume permission of the
 * image's snapshots (that account needs it to copy the image; OUs and organisations cannot be
 * named on snapshots). Both are sets in EC2: adding twice or removing what is absent changes nothing.
 */
export async function changeSharing(
  ec2: EC2Client,
  change: 'Add' | 'Remove',
  imageId: string,
  snapshotIds: readonly string[],
  target: ShareTarget,
): Promise<void> {
  await ec2.send(
    new ModifyImageAttributeCommand({
      ImageId: imageId,
      LaunchPermission: { [change]: [permissionOf(target)] },
    }),
  );
  if (target.kind !== 'account') return;
  for (const snapshotId of snapshotIds) {
    await ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: snapshotId,
        Attribute: 'createVolumePermission',
        CreateVolumePermission: { [change]: [{ UserId: target.id }] },
      }),
    );
  }
}

/**
 * Who an image is shared with (account ids, OU/organisation ARNs, `all`) and when it was last
 * launched, as EC2 records it (`lastLaunchedTime`, any account's launch); the second call only
 * for a shared image.
 */
export async function sharingAndLastLaunch(
  ec2: EC2Client,
  imageId: string,
): Promise<{ sharedWith: string[]; lastLaunched?: string | undefined }> {
  const out = await ec2.send(
    new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'launchPermission' }),
  );
  const sharedWith = (out.LaunchPermissions ?? []).flatMap((p) =>
    [p.UserId, p.Group, p.OrganizationArn, p.OrganizationalUnitArn].filter((v): v is string => Boolean(v)),
  );
  if (sharedWith.length === 0) return { sharedWith };
  const launched = await ec2.send(
    new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'lastLaunchedTime' }),
  );
  return { sharedWith, lastLaunched: launched.LastLaunchedTime?.Value };
}
