import type { CommandSpec } from '../types';
import { IMAGE_ID, IMAGE_ID_HELP } from './ami-approve';

export const amiRevoke: CommandSpec = {
  name: 'ami revoke',
  summary: 'Revoke an image’s approval: /ec2 launch may no longer use it',
  args: [
    {
      name: 'image',
      type: 'string',
      required: true,
      pattern: IMAGE_ID,
      patternHelp: IMAGE_ID_HELP,
      placeholder: 'image-id',
      description: 'the image to revoke',
    },
  ],
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
  ],
};
