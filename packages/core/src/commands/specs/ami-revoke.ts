import { defineCommand } from '../define';
import { imageArg } from './ami-approve';

export const amiRevoke = defineCommand({
  name: 'ami revoke',
  summary: 'Revoke an image’s approval: /ec2 launch may no longer use it',
  args: [imageArg('the image to revoke')],
  examples: ['ami revoke ami-0123456789abcdef0'],
  role: 'admin',
  mutates: true,
  iam: [
    { actions: ['ec2:DescribeImages'], why: 'Check the image exists before revoking it' },
    {
      actions: ['ec2:DeleteTags'],
      resources: ['arn:aws:ec2:*::image/*'],
      condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['{tagPrefix}approved'] } },
      why: 'Remove approved=true from an image',
    },
    {
      actions: ['ec2:DisableImageDeregistrationProtection'],
      // Snapshots too, only so this grant shares one statement with /ec2 ami restore's (policy size).
      resources: ['arn:aws:ec2:*::image/*', 'arn:aws:ec2:*::snapshot/*'],
      why: 'A revoked image loses the deregistration protection approval gave it',
    },
  ],
});
