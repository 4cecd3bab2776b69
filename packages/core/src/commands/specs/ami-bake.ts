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
    {
      actions: ['ec2:CreateImage'],
      resources: ['arn:aws:ec2:*::image/*', 'arn:aws:ec2:*::snapshot/*'],
      condition: { StringEquals: { 'aws:RequestTag/{tagPrefix}managed': 'true' } },
      why: 'The new image and its snapshots are tagged managed as they are created',
    },
    {
      actions: ['ec2:CreateTags'],
      condition: { StringEquals: { 'ec2:CreateAction': 'CreateImage' } },
      why: 'Tag the image and its snapshots as they are created',
    },
  ],
});
