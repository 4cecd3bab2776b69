import { defineCommand } from '../define';
import { DESCRIBE_INSTANCES, INSTANCE_ARG } from './instance-arg';

export const extend = defineCommand({
  name: 'extend',
  summary: 'Push an instance’s expiry later (within the stage’s maximum TTL)',
  args: [
    INSTANCE_ARG,
    {
      name: 'duration',
      type: 'duration',
      required: true,
      min: '5m',
      max: '365d',
      description: 'how much longer, from its current expiry (or from now if it has passed)',
    },
  ],
  examples: ['extend i-0123456789abcdef0 4h', 'extend web-test 1d'],
  role: 'operator',
  mutates: true,
  iam: [
    DESCRIBE_INSTANCES,
    {
      actions: ['ec2:CreateTags'],
      resources: ['arn:aws:ec2:*:*:instance/*'],
      condition: {
        StringEquals: { 'aws:ResourceTag/{tagPrefix}managed': 'true' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['{tagPrefix}expires-at', '{tagPrefix}extended-by'] },
      },
      why: 'Write the new expires-at on a managed instance',
    },
  ],
});
