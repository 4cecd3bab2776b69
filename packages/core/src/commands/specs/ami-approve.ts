import { IMAGE_ID } from '../../aws-ids';
import { defineArg, defineCommand } from '../define';

export const IMAGE_ID_HELP = 'an image id such as ami-0123456789abcdef0';

/** The image an `ami approve|revoke` command acts on, by id. */
export function imageArg(description: string) {
  return defineArg({
    name: 'image',
    type: 'string',
    required: true,
    pattern: IMAGE_ID,
    patternHelp: IMAGE_ID_HELP,
    placeholder: 'image-id',
    description,
  });
}

export const amiApprove = defineCommand({
  name: 'ami approve',
  summary: 'Approve an image: /ec2 launch may use it',
  args: [imageArg('the image to approve')],
  examples: ['ami approve ami-0123456789abcdef0'],
  role: 'admin',
  mutates: true,
  iam: [
    { actions: ['ec2:DescribeImages'], why: 'Check the image exists before approving it' },
    {
      actions: ['ec2:CreateTags'],
      resources: ['arn:aws:ec2:*::image/*'],
      condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['{tagPrefix}approved'] } },
      why: 'Tag an image approved=true',
    },
    {
      actions: ['ec2:EnableImageDeregistrationProtection'],
      // Snapshots too, only so this grant shares one statement with /ec2 ami restore's (policy size).
      resources: ['arn:aws:ec2:*::image/*', 'arn:aws:ec2:*::snapshot/*'],
      why: 'An approved image is protected from deregistration until it is revoked',
    },
  ],
});
