import { defineCommand } from '../define';

export const amiList = defineCommand({
  name: 'ami list',
  summary: 'Baked images by source instance: state, age, approved, in use',
  args: [
    {
      name: 'source',
      type: 'string',
      maxLength: 255,
      placeholder: 'instance-id|Name',
      description: 'only the images of this source instance (its id, or its Name tag)',
    },
  ],
  examples: ['ami list', 'ami list i-0123456789abcdef0', 'ami list builder'],
  role: 'viewer',
  mutates: false,
  iam: [
    {
      actions: [
        'ec2:DescribeImages',
        'ec2:DescribeInstances',
        'ec2:DescribeLaunchTemplates',
        'ec2:DescribeLaunchTemplateVersions',
      ],
      why: 'List managed images and what uses them (instances, every launch-template version)',
    },
    {
      actions: ['ssm:GetParameters'],
      resources: ['arn:aws:ssm:*:*:parameter/*'],
      why: 'Resolve launch-template versions that name their image as resolve:ssm:… (ResolveAlias)',
    },
  ],
});
