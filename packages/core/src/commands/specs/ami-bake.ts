import { CREATE_IMAGE_OUTPUTS } from '../../capability';
import { defineCommand } from '../define';
import { INSTANCE_ARG } from './instance-arg';

export const amiBake = defineCommand({
  name: 'ami bake',
  summary: 'Bake an image of one instance now (same name and tags as the nightly bake)',
  args: [{ ...INSTANCE_ARG, description: 'the instance to image: its id, or its Name tag' }],
  examples: ['ami bake i-0123456789abcdef0', 'ami bake builder'],
  role: 'operator',
  mutates: true,
  iam: [
    {
      actions: ['ec2:DescribeInstances', 'ec2:DescribeImages'],
      why: 'Find the instance and an earlier bake of this request',
    },
    {
      actions: ['ec2:CreateImage'],
      resources: ['arn:aws:ec2:*:*:instance/*'],
      why: 'Image the instance an operator names',
    },
    ...CREATE_IMAGE_OUTPUTS,
  ],
});
