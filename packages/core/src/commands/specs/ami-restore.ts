import { defineCommand } from '../define';
import { imageArg } from './ami-approve';

export const amiRestore = defineCommand({
  name: 'ami restore',
  summary: 'Restore a deleted image and its snapshots from the Recycle Bin',
  args: [imageArg('the deleted image to restore')],
  examples: ['ami restore ami-0123456789abcdef0'],
  role: 'admin',
  mutates: true,
  iam: [
    {
      actions: ['ec2:ListImagesInRecycleBin', 'ec2:ListSnapshotsInRecycleBin', 'ec2:DescribeImages'],
      why: 'Find deleted images',
    },
    {
      actions: ['ec2:RestoreImageFromRecycleBin', 'ec2:RestoreSnapshotFromRecycleBin'],
      resources: ['arn:aws:ec2:*::image/*', 'arn:aws:ec2:*::snapshot/*'],
      why: 'Restore images and snapshots',
    },
  ],
});
